"""Batch shortlists on Dask distributed: the fitted engine sent to each worker once, people in
parts as tasks, lines back to the process that stores them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from matcher.batch.job import Runner
from matcher.batch.shortlists import BatchShortlists, Lines, Tally
from matcher.models import Candidate
from matcher.runtime import tune_allocator

IN_FLIGHT_PER_WORKER = 2
"""Parts handed to each worker ahead: enough to keep it busy while lines travel back, few
enough that finished lines never pile up here faster than they are stored."""


def _score_part(batch: BatchShortlists, people: list[Candidate]) -> tuple[Lines, Tally]:
    # A worker is a process of Dask's making, which tunes glibc to hand freed memory back at
    # once: every call's large temporaries would then cost fresh page faults (three times the
    # time of one process here). Set as the CLI sets it; a few microseconds per part.
    tune_allocator()
    return batch.run(people)


@contextmanager
def dask_runner(address: str, *, workers: int = 2) -> Iterator[Runner]:
    """A runner on the Dask scheduler at `address` (tcp://host:8786), or with "local" on a
    LocalCluster of `workers` processes, one thread each (scoring holds the interpreter lock)."""
    import distributed

    dask: Any = distributed  # its functions are not typed
    cluster: Any = None
    if address == "local":
        cluster = dask.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = dask.Client(cluster)
    else:
        client = dask.Client(address)
    try:
        yield _runner(client)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _runner(client: Any) -> Runner:
    import distributed

    as_completed: Any = distributed.as_completed

    def run(
        batch: BatchShortlists, parts: Iterator[tuple[int, list[Candidate]]]
    ) -> Iterator[tuple[int, Lines, Tally]]:
        # The fitted arrays go to every worker once; each task then names them by key.
        shared = client.scatter(batch, broadcast=True, hash=False)
        ahead = max(1, len(client.scheduler_info()["workers"])) * IN_FLIGHT_PER_WORKER
        running = as_completed(with_results=True)
        part_of: dict[str, int] = {}

        def submit_next() -> bool:
            for part, people in parts:
                future = client.submit(_score_part, shared, people, pure=False)
                part_of[future.key] = part
                running.add(future)
                return True
            return False

        for _ in range(ahead):
            if not submit_next():
                break
        for future, (lines, tally) in running:
            yield part_of.pop(future.key), lines, tally
            submit_next()

    return run
