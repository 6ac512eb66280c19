"""Benchmarks: `./dev bench` (or `python -m benchmarks [NAME ...]`) prints one table."""
