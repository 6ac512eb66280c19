"""Batch shortlists at Flanders size: 20,000 generated people over 100,000 generated vacancies,
in one process and on a two-worker Dask LocalCluster, each run in a fresh process so its peak
memory is its own; and the projection to 200,000 people."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import get_args

from matcher.models import Stage

ROOT = Path(__file__).resolve().parent.parent
VACANCIES = 100_000
PEOPLE = 20_000
FLANDERS_PEOPLE = 200_000
SMALL = 2_000
"""A tenth of the people: peak memory beside the 20,000's shows it does not grow with them."""
MB = 1 << 20


def _job(folder: Path, people: int, dask: str | None) -> dict[str, float]:
    """One batch job in a fresh Python, the first `people` of the file; what it measured."""
    args = [sys.executable, "-m", "benchmarks.scale", "job", str(folder), str(people)]
    done = subprocess.run(
        [*args, dask or ""], capture_output=True, text=True, check=True, cwd=ROOT, timeout=1800
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _child(folder: Path, people: int, dask: str) -> None:
    """The job itself (in the child process): read, fit, run, report as one JSON line."""
    import pyarrow.parquet as pq

    from matcher.batch.files import ParquetPeople, read_vacancies
    from matcher.batch.job import BatchJob, in_process
    from matcher.batch.sinks import ParquetSink
    from matcher.engine import Engine

    t0 = time.perf_counter()
    engine = Engine().fit(read_vacancies(folder / "vacancies.parquet"))
    stages = get_args(Stage)
    chosen = ParquetPeople(folder / "candidates.parquet", stages=stages, first=people)
    fitted = time.perf_counter() - t0
    job = BatchJob(engine, chosen)
    out = folder / f"out-{people}-{dask or 'here'}.parquet"
    t0 = time.perf_counter()
    if dask:
        from matcher.batch.cluster import dask_runner

        with dask_runner(dask, workers=2) as runner:
            started = time.perf_counter() - t0
            report = job.run(ParquetSink(out), restart=True, progress=False, runner=runner)
    else:
        started = 0.0
        report = job.run(ParquetSink(out), restart=True, progress=False, runner=in_process)
    seconds = time.perf_counter() - t0
    figures = {
        "fit_seconds": fitted,
        "cluster_seconds": started,
        "seconds": seconds,
        "pairs": report.tally.pairs,
        "skipped_share": report.tally.skipped_share,
        "lines": pq.read_metadata(out).num_rows,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB,
    }
    print(json.dumps(figures))


def run(rows: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "fixtures" / "generate_flanders.py"),
                "--candidates",
                str(PEOPLE),
                "--vacancies",
                str(VACANCIES),
                "--out",
                tmp,
            ],
            check=True,
            capture_output=True,
        )
        rows.append(
            (
                f"generate {PEOPLE:,} people, {VACANCIES:,} vacancies (Parquet)",
                f"{time.perf_counter() - t0:.1f} s",
            )
        )
        small = _job(folder, SMALL, None)
        here = _job(folder, PEOPLE, None)
        there = _job(folder, PEOPLE, "local")
        rows.append(
            ("read and fit 100,000 vacancies (per process)", f"{here['fit_seconds']:.1f} s")
        )
        for label, f in ((f"{SMALL:,}", small), (f"{PEOPLE:,}", here)):
            rows.append(
                (
                    f"{label} x {VACANCIES:,}, one process, top 20",
                    f"{f['seconds']:6.1f} s  {f['pairs'] / f['seconds'] / 1e6:5.1f} M pairs/s"
                    f"  peak RSS {f['peak_mb']:5.0f} MB  {f['lines']:,} lines",
                )
            )
        rows.append(("  share of pairs blocking removed", f"{here['skipped_share']:.1%}"))
        rate = here["seconds"] / PEOPLE
        projected = rate * FLANDERS_PEOPLE + here["fit_seconds"]
        rows.append(
            (
                f"  projected {FLANDERS_PEOPLE:,} x {VACANCIES:,}, one process",
                f"{projected / 60:.0f} min (fit + {rate * 1000:.1f} ms a person)",
            )
        )
        rows.append(
            (
                f"{PEOPLE:,} x {VACANCIES:,}, Dask LocalCluster 2 workers",
                f"{there['seconds']:6.1f} s  {there['pairs'] / there['seconds'] / 1e6:5.1f}"
                f" M pairs/s  (cluster start {there['cluster_seconds']:.1f} s)",
            )
        )
        rows.append(
            (
                "  speed against one process",
                f"{here['seconds'] / there['seconds']:.2f}x (2 cores, shared with the scheduler)",
            )
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["job"]:
        _child(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4] if len(sys.argv) > 4 else "")
    else:
        rows: list[tuple[str, str]] = []
        run(rows)
        for label, value in rows:
            print(f"{label:<55}  {value}")
