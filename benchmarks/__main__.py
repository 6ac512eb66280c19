"""Run the benchmarks and print one table: `python -m benchmarks [NAME ...]`."""

from __future__ import annotations

import importlib
import platform
import sys

import numpy as np

BENCHMARKS = [
    "engine",
    "skills",
    "service",
    "plans",
    "tuning",
    "heavy",
    "pages",
    "imports",
    "documents",
    "transit",
    "scale",
]


def main(argv: list[str]) -> int:
    from matcher.runtime import tune_allocator

    tune_allocator()  # as the CLI and the service do
    names = argv or BENCHMARKS
    rows: list[tuple[str, str]] = []
    for name in names:
        if name not in BENCHMARKS:
            print(f"unknown benchmark {name!r}; choose from {BENCHMARKS}", file=sys.stderr)
            return 2
        rows.append((f"== {name}", ""))
        importlib.import_module(f"benchmarks.{name}").run(rows)
    width = max(len(r[0]) for r in rows)
    print(f"python {platform.python_version()}, numpy {np.__version__}, {platform.machine()}")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
