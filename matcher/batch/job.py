"""A batch job: everyone's shortlist, in parts, resumable, with a progress bar."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from matcher.batch.shortlists import BatchShortlists, Lines, Tally
from matcher.batch.sinks import Sink
from matcher.engine import Engine
from matcher.models import Candidate

PEOPLE_PER_PART = 1000
"""People per part: what a restart may redo at most, and one task on a cluster."""


class People(Protocol):
    """The people of a job: known by id and home without reading everything about them."""

    @property
    def ids(self) -> Sequence[str]: ...

    @property
    def homes(self) -> NDArray[np.float64]:
        """(people, 2): lat, lon of each one's home."""
        ...

    def take(self, indices: Sequence[int]) -> list[Candidate]: ...


@dataclass(frozen=True)
class PeopleInMemory:
    """People already read (from the service's database or the fixture files)."""

    candidates: Sequence[Candidate]

    @property
    def ids(self) -> list[str]:
        return [c.id or "" for c in self.candidates]

    @property
    def homes(self) -> NDArray[np.float64]:
        points = [c.home.coordinates for c in self.candidates]
        return np.array(points, dtype=np.float64).reshape(-1, 2)

    def take(self, indices: Sequence[int]) -> list[Candidate]:
        return [self.candidates[i] for i in indices]


@dataclass
class JobReport:
    where: str
    parts: int
    parts_done_before: int
    seconds: float
    tally: Tally = field(default_factory=Tally)


Runner = Callable[
    [BatchShortlists, Iterator[tuple[int, list[Candidate]]]], Iterator[tuple[int, Lines, Tally]]
]
"""Scores parts (number, people) and yields each one's lines as it is done, in any order."""


def in_process(
    batch: BatchShortlists, parts: Iterator[tuple[int, list[Candidate]]]
) -> Iterator[tuple[int, Lines, Tally]]:
    """One part after another, here."""
    for part, people in parts:
        lines, tally = batch.run(people)
        yield part, lines, tally


@dataclass
class BatchJob:
    """Everyone's shortlist over an engine's open vacancies.

    People go in parts, in order of where they live (neighbours share their reachable
    vacancies), and each part's lines are stored as soon as it is done, so memory holds one
    part's lines at a time, however many people there are. Run again after an interruption,
    the job skips the parts its output already holds: a job is known by its fingerprint (the
    people's ids in order, the vacancies' ids, the weights and the options), and an output
    holding another job's lines is never mixed with this one's.
    """

    engine: Engine
    people: People
    top: int = 20
    include_blocked: bool = False
    people_per_part: int = PEOPLE_PER_PART
    order_: NDArray[np.int64] = field(init=False)

    def __post_init__(self) -> None:
        homes = self.people.homes
        ids = np.array(self.people.ids, dtype=object)
        # By home (latitude, longitude), then id: neighbours together, in a stable order.
        self.order_ = np.lexsort((ids, homes[:, 1], homes[:, 0])).astype(np.int64)

    @property
    def parts(self) -> int:
        return -(-len(self.order_) // self.people_per_part)

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        ids = self.people.ids
        digest.update("\n".join(ids[i] for i in self.order_.tolist()).encode())
        digest.update(b"\0" + "\n".join(map(str, self.engine.ids_.tolist())).encode())
        options = {
            "weights": self.engine.weights.weights,
            "weights_version": self.engine.weights.version,
            "top": self.top,
            "include_blocked": self.include_blocked,
            "people_per_part": self.people_per_part,
        }
        digest.update(json.dumps(options, sort_keys=True).encode())
        return digest.hexdigest()[:32]

    def part_people(self, part: int) -> list[Candidate]:
        start = part * self.people_per_part
        return self.people.take(self.order_[start : start + self.people_per_part].tolist())

    def run(
        self,
        sink: Sink,
        *,
        restart: bool = False,
        progress: bool = True,
        runner: Runner = in_process,
    ) -> JobReport:
        """Score every part the sink does not hold yet, store each, then finish the sink."""
        began = time.perf_counter()
        done = sink.open(self.fingerprint(), parts=self.parts, restart=restart)
        pending = [p for p in range(self.parts) if p not in done]
        report = JobReport(sink.where, self.parts, self.parts - len(pending), 0.0)
        batch = BatchShortlists(self.engine, top=self.top, include_blocked=self.include_blocked)
        bar = _progress(len(self.order_), self._people_in(done), enabled=progress)
        try:
            parts = ((p, self.part_people(p)) for p in pending)
            for part, lines, tally in runner(batch, parts):
                sink.write(part, lines)
                report.tally.add(tally)
                bar(tally.people)
        finally:
            bar(0, close=True)
        sink.finish(self.parts)
        report.seconds = time.perf_counter() - began
        return report

    def _people_in(self, parts: set[int]) -> int:
        size, total = self.people_per_part, len(self.order_)
        return sum(min(size, total - p * size) for p in parts if 0 <= p < self.parts)


def _progress(total: int, initial: int, *, enabled: bool) -> Callable[..., None]:
    """A progress bar on stderr (people done, rate, time left), or nothing."""
    if not enabled:
        return lambda _people, close=False: None
    from tqdm import tqdm

    bar = tqdm(
        total=total, initial=initial, unit="people", desc="shortlists", smoothing=0.1, mininterval=1
    )

    def update(people: int, close: bool = False) -> None:
        if people:
            bar.update(people)
        if close:
            bar.close()

    return update
