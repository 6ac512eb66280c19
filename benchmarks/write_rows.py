"""The two rows of `./dev bench service` that compare cached shortlists with and without a vacancy
PUT every 200 ms, paired round by round on one server (2 workers, cache warm, 32 clients; which
row goes first alternates): `python -m benchmarks.write_rows [ROUNDS]`. The ratio of their p99s
is what issue 10 bounds; the median over the rounds is printed last."""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks import service
from matcher.fixtures import load_candidates


def main(rounds: int) -> None:
    paths = [f"/candidates/{c.id}/shortlist?top=10" for c in load_candidates()]
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        with service._server(data, 2) as url:
            key = service._key(data)
            service._load(url, key, paths, 16, seconds=4)  # warm every worker's cache
            rounds_run = service.paired_write_rounds(url, key, paths, rounds)
            for n, (quiet, loaded, puts) in enumerate(rounds_run):
                ratios.append(loaded[2] / quiet[2])
                print(
                    f"round {n}: no writes {quiet[0]:.0f} req/s p99 {quiet[2]:.1f} ms | "
                    f"a PUT every 200 ms {loaded[0]:.0f} req/s p99 {loaded[2]:.1f} ms | "
                    f"p99 ratio {ratios[-1]:.2f} ({service._writes(puts)})",
                    flush=True,
                )
    print(f"median p99 ratio over {len(ratios)} rounds: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 4)
