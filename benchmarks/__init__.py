"""Benchmarks: `./dev bench` (or `python -m benchmarks [engine|...]`) prints a table per benchmark."""
