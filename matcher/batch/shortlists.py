"""Shortlists for many people at once: blocked pairs skipped, the rest scored as the engine does."""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby

import numpy as np
from numpy.typing import NDArray

from matcher.batch.blocking import Columns, Radius, Reach
from matcher.engine import (
    NEAR_MISSES,
    SCORE_DECIMALS,
    Engine,
    Scores,
    near_miss_order,
    rank_keys,
    rank_order,
)
from matcher.features.commute import CommuteScores
from matcher.models import Candidate
from matcher.weights import FEATURES

PAIRS_PER_CALL = 1_000_000
"""About how many pairs one call to the engine scores: its (people, vacancies) arrays, a dozen
of them at 8 bytes a pair, stay near 100 MB whatever the number of people."""
_KEPT_ENGINES = 8
"""Reduced engines kept for reuse: the same place and reach come back within a partition."""

LINE_COLUMNS: tuple[str, ...] = (
    "candidate_id",
    "list",
    "rank",
    "vacancy_id",
    "score",
    "blocked",
    "blocked_by",
    *FEATURES,
    "commute_minutes",
)
"""One line of a shortlist: `list` is "results" or "near_misses", `rank` counts from 1 in it,
`blocked_by` names the blocking features (comma-separated, in the contract's order), each
feature's score follows, and the one-way minutes (-1: no way there at the shift's hours)."""


@dataclass
class Lines:
    """Shortlist lines as columns (see LINE_COLUMNS), ready for a table."""

    columns: dict[str, list[object]] = field(
        default_factory=lambda: {name: [] for name in LINE_COLUMNS}
    )

    def __len__(self) -> int:
        return len(self.columns["candidate_id"])

    def rows(self) -> Iterator[dict[str, object]]:
        """The lines one by one, as dicts."""
        names = list(self.columns)
        for values in zip(*self.columns.values(), strict=True):
            yield dict(zip(names, values, strict=True))


@dataclass
class Tally:
    """What a batch did: how many pairs there were, and how many it scored."""

    people: int = 0
    pairs: int = 0
    """People times open vacancies."""
    scored: int = 0
    """Pairs whose scores the lines come from; the rest were out of reach, and blocked
    without scoring (a person scored again over every vacancy counts once)."""
    rescored_people: int = 0
    """People scored over every vacancy, because near misses were asked for and an
    out-of-reach vacancy could be among them."""

    def add(self, other: Tally) -> None:
        self.people += other.people
        self.pairs += other.pairs
        self.scored += other.scored
        self.rescored_people += other.rescored_people

    @property
    def skipped_share(self) -> float:
        """The share of pairs blocking removed before scoring."""
        return 1.0 - self.scored / self.pairs if self.pairs else 0.0


class BatchShortlists:
    """Everyone's shortlist over a fitted engine's open vacancies, each the same (lines, order,
    scores) as `Engine.shortlist` gives them, near misses included when asked for.

    People are taken by home and reach, a few at a time, and scored only against the vacancies
    any of them could reach (`Reach`); every other vacancy is out of reach, so blocked with a
    commute score of zero. That leaves it out of a shortlist without near misses; with them, it
    could only come in behind the lines found, if at all, when they leave room (fewer than
    asked) or score no better than what it could at most score, and only then is the person
    scored over every vacancy.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        reach: Reach | None = None,
        top: int = 20,
        include_blocked: bool = False,
        pairs_per_call: int = PAIRS_PER_CALL,
    ) -> None:
        if top < 1:
            raise ValueError(f"top must be at least 1, not {top}")
        self.engine = engine
        self.reach = reach if reach is not None else Reach().fit(engine)
        self.top = top
        self.include_blocked = include_blocked
        self.pairs_per_call = pairs_per_call
        self._reduced: OrderedDict[tuple[tuple[float, float], Radius], Engine] = OrderedDict()
        w = engine.weights.weights
        total = sum(w[name] for name in FEATURES)
        # The best an out-of-reach vacancy could score: commute at zero, everything else at one,
        # combined as the engine combines them.
        at_most = sum(w[name] * (0.0 if name == "commute" else 1.0) for name in FEATURES) / total
        self._out_of_reach_best = round(min(max(at_most, 0.0), 1.0), SCORE_DECIMALS)

    def __getstate__(self) -> dict[str, object]:
        # Sent to cluster workers without the reduced engines this process happened to keep.
        state = self.__dict__.copy()
        state["_reduced"] = OrderedDict()
        return state

    def run(self, candidates: Sequence[Candidate]) -> tuple[Lines, Tally]:
        """The lines of these people's shortlists, person by person in the given order."""
        per_person: dict[int, Lines] = {}
        tally = Tally(people=len(candidates), pairs=len(candidates) * len(self.engine.vacancies_))
        radii = [self.reach.radius(c) for c in candidates]
        homes = [c.home.coordinates for c in candidates]
        order = sorted(range(len(candidates)), key=lambda i: (homes[i], _sort_key(radii[i])))
        rescore: list[int] = []
        partly_scored: dict[int, int] = {}
        for home, group in groupby(order, key=lambda i: homes[i]):
            people = list(group)
            widest = _widest([radii[i] for i in people])
            size = self._people_per_call(len(self.reach.columns(home, widest)))
            for start in range(0, len(people), size):
                chunk = people[start : start + size]
                radius = _widest([radii[i] for i in chunk])
                columns = self.reach.columns(home, radius)
                if not len(columns):
                    rescore += chunk if self.include_blocked else []
                    continue
                engine = self._engine(home, radius, columns)
                scores = engine.score([candidates[i] for i in chunk])
                tally.scored += len(chunk) * len(columns)
                partial = len(columns) < len(self.engine.vacancies_)
                for row, i in enumerate(chunk):
                    found = self._lines(engine, scores, row, candidates[i], partial=partial)
                    if found is None:
                        rescore.append(i)
                        partly_scored[i] = len(columns)
                    else:
                        per_person[i] = found
        size = self._people_per_call(len(self.engine.vacancies_))
        for start in range(0, len(rescore), size):
            chunk = rescore[start : start + size]
            scores = self.engine.score([candidates[i] for i in chunk])
            tally.scored += sum(
                len(self.engine.vacancies_) - partly_scored.get(i, 0) for i in chunk
            )
            tally.rescored_people += len(chunk)
            for row, i in enumerate(chunk):
                found = self._lines(self.engine, scores, row, candidates[i], partial=False)
                assert found is not None  # every vacancy was scored
                per_person[i] = found
        lines = Lines()
        for i in range(len(candidates)):
            if i in per_person:
                for name, values in per_person[i].columns.items():
                    lines.columns[name] += values
        return lines, tally

    def _people_per_call(self, columns: int) -> int:
        return max(1, self.pairs_per_call // max(columns, 1))

    def _engine(self, home: tuple[float, float], radius: Radius, columns: Columns) -> Engine:
        """The engine reduced to `columns` (itself when they are all of its columns)."""
        if len(columns) == len(self.engine.vacancies_):
            return self.engine
        key = (home, radius)
        engine = self._reduced.get(key)
        if engine is None:
            engine = self.engine.only_columns(columns)
            self._reduced[key] = engine
            if len(self._reduced) > _KEPT_ENGINES:
                self._reduced.popitem(last=False)
        else:
            self._reduced.move_to_end(key)
        return engine

    def _lines(
        self, engine: Engine, scores: Scores, row: int, candidate: Candidate, *, partial: bool
    ) -> Lines | None:
        """One person's lines from their row of `scores`; None when, scored over only part of
        the vacancies, an out-of-reach one could still be among them."""
        score, blocked = scores.score[row], scores.blocked[row]
        results = rank_order(
            score,
            blocked,
            engine.vacancy_rank_,
            top=self.top,
            include_blocked=self.include_blocked,
        )
        near = None
        if self.include_blocked:
            near = near_miss_order(score, blocked, engine.vacancy_rank_)
            if partial and not self._complete(score, blocked, results, near):
                return None
        lines = Lines()
        self._add(lines, engine, scores, row, candidate, "results", results)
        if near is not None:
            self._add(lines, engine, scores, row, candidate, "near_misses", near)
        return lines

    def _complete(
        self,
        score: NDArray[np.float64],
        blocked: NDArray[np.bool_],
        results: NDArray[np.int64],
        near: NDArray[np.int64],
    ) -> bool:
        """Whether no out-of-reach vacancy (blocked, scoring at most `_out_of_reach_best`)
        could come before the last of `results` or of `near`: only when both are full and
        their last lines rank strictly better (an equal one would go by id)."""
        if len(results) < self.top or len(near) < NEAR_MISSES:
            return False
        best = self._out_of_reach_best
        outside_key = float(rank_keys(np.array([best]), np.array([True]))[0])
        last = int(results[-1])
        last_key = float(rank_keys(score[last : last + 1], blocked[last : last + 1])[0])
        weakest_near = round(float(score[int(near[-1])]), SCORE_DECIMALS)
        return last_key < outside_key and weakest_near > best

    def _add(
        self,
        lines: Lines,
        engine: Engine,
        scores: Scores,
        row: int,
        candidate: Candidate,
        name: str,
        columns: NDArray[np.int64],
    ) -> None:
        out = lines.columns
        commute = scores.features["commute"]
        minutes = commute.minutes if isinstance(commute, CommuteScores) else None
        for rank, j in enumerate(columns.tolist(), start=1):
            out["candidate_id"].append(candidate.id or "")
            out["list"].append(name)
            out["rank"].append(rank)
            out["vacancy_id"].append(str(engine.ids_[j]))
            out["score"].append(round(float(scores.score[row, j]), SCORE_DECIMALS))
            out["blocked"].append(bool(scores.blocked[row, j]))
            out["blocked_by"].append(
                ",".join(f for f in FEATURES if scores.features[f].blocking[row, j])
            )
            for feature in FEATURES:
                value = float(scores.features[feature].score[row, j])
                out[feature].append(round(value, SCORE_DECIMALS))
            trip = math.inf if minutes is None else float(minutes[row, j])
            out["commute_minutes"].append(math.ceil(trip) if math.isfinite(trip) else -1)


def _sort_key(radius: Radius) -> tuple[float, float]:
    return (radius.with_employer_km, radius.own_km)


def _widest(radii: Sequence[Radius]) -> Radius:
    return Radius(max(r.own_km for r in radii), max(r.with_employer_km for r in radii))
