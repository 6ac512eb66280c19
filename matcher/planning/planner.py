"""Capacity-aware proposals: spread a week's proposals so that no vacancy drowns in candidates.

If every jobhunter proposes each person's best vacancies, the few best-scoring vacancies get
dozens of people and most vacancies get nobody. The planner instead chooses the proposals that
maximise the total score subject to two capacities: at most `per_candidate` proposals per person,
and at most `per_position` proposals per open position of a vacancy.

Solver. This is a bipartite transportation problem (b-matching): one variable in [0, 1] per
eligible (candidate, vacancy) pair, one "at most" row per candidate and one per vacancy. Its
constraint matrix is the incidence matrix of a bipartite network, which is totally unimodular,
so every vertex of the LP is integral and the LP optimum *is* the best set of proposals. It is
solved with `scipy.optimize.linprog(method="highs-ds")`: HiGHS's dual simplex, in scipy already,
well kept, deterministic, and a simplex method ends on a vertex, so the answer is 0/1 without
branching (checked; `milp` on the same problem is the fallback, and took three times as long
on the fixtures). Only eligible pairs become variables (unblocked, score at least `min_score`),
so the problem stays sparse: on the fixtures about 70,000 variables and 1,800 rows, solved in
about half a second. `linear_sum_assignment` would need every candidate and position expanded
into slots and then cannot stop one person from being proposed twice to the same vacancy
through two of its slots; scipy has no min-cost-flow solver, and networkx's is pure Python.

Crowding. Maximising the total score alone still piles proposals onto the best vacancies up to
their capacity. The k-th proposal to a vacancy with p positions competes with the k - 1 before
it for the same jobs, so it is worth less than its score says: the planner charges
`crowding` x (k - 1) / p for it. That cost is convex in k, so it stays a network problem (each
vacancy gets one 0-1 slot variable per proposal it may take, the cheapest filled first) and is
still integral. `crowding=0` gives the plain maximum total score.

Scale. With 100,000 open vacancies the eligible pairs of 290 people are millions, and the (C, V)
arrays gigabytes. People are therefore scored a few at a time (`SCORE_PAIRS` pairs per engine
call) and only each person's best `KEEP_PER_PROPOSAL` x `per_candidate` eligible vacancies are
kept (`Preferences`); the solver works on those, and LP duality says whether anything left out
could do better (see `plan_proposals`): where it could, that person's list is widened and the
problem solved again. At 100,000 vacancies no widening was needed and the solve took 0.35 s.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from matcher.engine import SCORE_DECIMALS, Engine, rank_order
from matcher.features.base import BoolMatrix, FloatMatrix
from matcher.models import Candidate

__all__ = [
    "Plan",
    "PlanMetrics",
    "PlanTooLarge",
    "Preferences",
    "Proposal",
    "gini",
    "plan_proposals",
    "score_matrix",
    "top_k_proposals",
]

DEFAULT_CROWDING = 0.1
"""Score the k-th proposal to a vacancy with p positions gives up: crowding x (k - 1) / p. A
proposal beyond one per position competes for the same job, so it is worth less than its score
says; on the fixtures 0.1 keeps about 97% of plain top-k's total score."""
SCORE_BATCH = 256
"""Candidates scored per engine call at most, so (C, V) arrays stay small for large groups."""
SCORE_PAIRS = 100_000
"""(person, vacancy) pairs scored per engine call: the call's arrays take about 110 bytes a
pair (measured with tracemalloc at 100,000 vacancies), so some 11 MB whatever the sizes; at
100,000 vacancies that is one person a call, which was also the fastest per person (two or
four at a time were slower, the arrays no longer fitting in cache)."""
KEEP_PER_PROPOSAL = 4
"""The planner first keeps this many vacancies per proposal a person may get (see
`plan_proposals`), a person's best, and widens only where that could change the plan."""
WIDEN_FACTOR = 4
MAX_SOLVE_PAIRS = 2_000_000
"""Most (person, vacancy) pairs the planner hands its solver (about 0.5 GB for HiGHS)."""
_SCORE_FLOOR = 1e-6
"""Weight of a pair shown as 0.0000, so that proposing it still counts."""
_DUAL_TOLERANCE = 1e-7
"""HiGHS's default dual feasibility tolerance: prices are exact to about this."""


@dataclass(frozen=True)
class Proposal:
    candidate_id: str | None
    vacancy_id: str | None
    title: str
    employer: str
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "vacancy_id": self.vacancy_id,
            "title": self.title,
            "employer": self.employer,
            "score": round(self.score, SCORE_DECIMALS),
        }


@dataclass(frozen=True)
class PlanMetrics:
    """How much fit a set of proposals keeps, and how evenly it spreads them."""

    proposals: int
    total_score: float
    max_per_vacancy: int
    """Proposals on the most-proposed vacancy."""
    gini: float
    """Gini coefficient of proposal counts over all open vacancies, those with none included:
    0 when every vacancy gets as many, towards 1 when a few get them all."""
    gini_reachable: float
    """The same over the vacancies at least one of the candidates is eligible for."""
    coverage: float
    """Share of open vacancies that receive at least one proposal."""
    coverage_reachable: float
    """Share of the reachable vacancies that receive at least one proposal."""
    over_capacity: int
    """Vacancies with more proposals than `per_position` x positions."""
    candidates_without: int
    """Candidates who receive no proposal."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "proposals": self.proposals,
            "total_score": round(self.total_score, SCORE_DECIMALS),
            "max_per_vacancy": self.max_per_vacancy,
            "gini": round(self.gini, SCORE_DECIMALS),
            "gini_reachable": round(self.gini_reachable, SCORE_DECIMALS),
            "coverage": round(self.coverage, SCORE_DECIMALS),
            "coverage_reachable": round(self.coverage_reachable, SCORE_DECIMALS),
            "over_capacity": self.over_capacity,
            "candidates_without": self.candidates_without,
        }


@dataclass(frozen=True)
class Plan:
    """Proposals for a group of candidates, by the planner or by plain top-k."""

    method: str
    """"planner" or "top_k"."""
    candidate_ids: list[str | None]
    proposals: list[Proposal]
    """Grouped by candidate in `candidate_ids` order, each person's best first."""
    metrics: PlanMetrics

    def by_candidate(self) -> dict[str | None, list[Proposal]]:
        """Every candidate's proposals, an empty list for those who get none."""
        out: dict[str | None, list[Proposal]] = {ident: [] for ident in self.candidate_ids}
        for p in self.proposals:
            out[p.candidate_id].append(p)
        return out


def score_matrix(
    engine: Engine, candidates: Sequence[Candidate], *, batch: int = SCORE_BATCH
) -> tuple[FloatMatrix, BoolMatrix]:
    """(C, V) scores and blocking flags, all at once: for small groups and tests. At scale the
    planner scores in parts and keeps each person's best (see `Preferences`)."""
    n_open = len(engine.vacancies_)
    if not candidates:
        return np.zeros((0, n_open)), np.zeros((0, n_open), dtype=np.bool_)
    parts = [engine.score(candidates[i : i + batch]) for i in range(0, len(candidates), batch)]
    return np.vstack([p.score for p in parts]), np.vstack([p.blocked for p in parts])


def rows_per_call(n_open: int, pairs_per_call: int = SCORE_PAIRS) -> int:
    """People per engine call so that one call scores about `pairs_per_call` pairs."""
    return max(1, min(SCORE_BATCH, pairs_per_call // max(n_open, 1)))


_Kept = tuple[NDArray[np.intp], NDArray[np.float64], bool]
"""One person's kept vacancies, their scores, and whether that is all they are eligible for."""


@dataclass(frozen=True)
class UnderWay:
    """What the programme's record already holds, for a plan to count: the pairs with an
    application (never proposed again), each person's proposals in progress (taken from their
    per_candidate), and each vacancy's proposals in progress and hires (taken from its room)."""

    pairs: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Per candidate id, the vacancy ids they have an application for (in progress or ended)."""
    open_by_candidate: Mapping[str, int] = field(default_factory=dict)
    open_by_vacancy: Mapping[str, int] = field(default_factory=dict)
    hired_by_vacancy: Mapping[str, int] = field(default_factory=dict)

    def person_room(self, candidates: Sequence[Candidate], per_candidate: int) -> NDArray[np.int64]:
        """Per person, the proposals still to make: per_candidate less those in progress."""
        taken = np.array([self.open_by_candidate.get(str(c.id), 0) for c in candidates])
        room: NDArray[np.int64] = np.maximum(per_candidate - taken.astype(np.int64), 0)
        return room

    def vacancy_room(self, engine: Engine, per_position: int) -> NDArray[np.int64]:
        """Per open vacancy (engine columns), proposals still welcome: per_position for each
        position not yet filled, less the proposals already in progress for it."""
        ids = [str(v.id) for v in engine.vacancies_]
        positions = np.array([v.positions for v in engine.vacancies_], dtype=np.int64)
        hired = np.array([self.hired_by_vacancy.get(i, 0) for i in ids], dtype=np.int64)
        busy = np.array([self.open_by_vacancy.get(i, 0) for i in ids], dtype=np.int64)
        room: NDArray[np.int64] = np.maximum(
            per_position * np.maximum(positions - hired, 0) - busy, 0
        )
        return room


NOTHING_UNDER_WAY = UnderWay()


class Preferences:
    """Each person's best eligible vacancies (unblocked, at least `min_score`), in shortlist
    order, scored a few people at a time: memory is (people x kept) plus one engine call's
    arrays, never (people x open vacancies).

    `keep` vacancies are kept per person at first; the planner asks for more (`widen`) for the
    people whose optimum might lie beyond their list, and only those are scored again. `gate`
    (e.g. a semaphore shared with shortlists) is held around each engine call.
    """

    def __init__(
        self,
        engine: Engine,
        candidates: Sequence[Candidate],
        *,
        keep: int,
        min_score: float,
        scores: tuple[FloatMatrix, BoolMatrix] | None = None,
        pairs_per_call: int = SCORE_PAIRS,
        gate: AbstractContextManager[Any] | None = None,
        under_way: UnderWay = NOTHING_UNDER_WAY,
    ) -> None:
        self.engine = engine
        self._taken = [engine.columns_of(under_way.pairs.get(str(c.id), ())) for c in candidates]
        self.pairs_per_call = pairs_per_call
        self._gate = gate
        self.candidates = candidates
        self.min_score = min_score
        self._scores = scores
        n_open = len(engine.vacancies_)
        self.reachable: BoolMatrix = np.zeros(n_open, dtype=np.bool_)
        """Vacancies at least one of the people is eligible for."""
        self.columns: list[NDArray[np.intp]] = [np.zeros(0, dtype=np.intp)] * len(candidates)
        """Per person, their kept vacancies, best first (shortlist order)."""
        self.scores: list[FloatMatrix] = [np.zeros(0)] * len(candidates)
        self.complete = np.zeros(len(candidates), dtype=np.bool_)
        """Whether a person's list holds every vacancy they are eligible for."""
        self.kept = np.zeros(len(candidates), dtype=np.int64)
        self._read(np.arange(len(candidates), dtype=np.intp), keep, first=True)

    def widen(self, people: NDArray[np.intp], keep: int) -> None:
        """Keep up to `keep` vacancies for these people (scored again)."""
        self._read(people[~self.complete[people]], keep, first=False)

    def _read(self, people: NDArray[np.intp], keep: int, *, first: bool) -> None:
        self.kept[people] = keep
        if not len(self.engine.vacancies_):
            self.complete[people] = True  # nothing open: nothing left out
            return
        step = rows_per_call(len(self.engine.vacancies_), self.pairs_per_call)
        if self._scores is not None:
            step = max(len(people), 1)
        chunks = [people[first : first + step] for first in range(0, len(people), step)]

        def best(at: NDArray[np.intp]) -> tuple[NDArray[np.intp], list[_Kept], BoolMatrix]:
            return self._best(at, keep)

        for at, kept, reachable in map(best, chunks):
            if first:
                self.reachable |= reachable
            for person, (columns, scores, complete) in zip(at.tolist(), kept, strict=True):
                self.columns[person] = columns
                self.scores[person] = scores
                self.complete[person] = complete

    def _best(
        self, at: NDArray[np.intp], keep: int
    ) -> tuple[NDArray[np.intp], list[_Kept], BoolMatrix]:
        """These people's best `keep` eligible vacancies, and which vacancies any can have."""
        if self._scores is not None:
            score, blocked = self._scores[0][at], self._scores[1][at]
        else:
            with self._gate or nullcontext():  # each call takes its turn, not the whole read
                part = self.engine.score([self.candidates[i] for i in at.tolist()])
            score, blocked = part.score, part.blocked
        ranks = self.engine.vacancy_rank_
        ineligible = ~_eligible(score, blocked, self.min_score)
        for row, person in enumerate(at.tolist()):
            ineligible[row, self._taken[person]] = True  # the record has the pair already
        n_eligible = (~ineligible).sum(axis=1)
        kept: list[_Kept] = []
        for row in range(len(at)):
            columns = (
                rank_order(score[row], ineligible[row], ranks, top=keep, include_blocked=False)
                if n_eligible[row]
                else np.zeros(0, dtype=np.int64)
            ).astype(np.intp)
            kept.append((columns, score[row, columns], bool(len(columns) == n_eligible[row])))
        reachable: BoolMatrix = np.logical_not(ineligible.all(axis=0))
        return at, kept, reachable

    def pairs(self) -> tuple[NDArray[np.intp], NDArray[np.intp], FloatMatrix]:
        """(person, vacancy, score) of every kept pair."""
        lengths = [len(c) for c in self.columns]
        rows = np.repeat(np.arange(len(self.columns), dtype=np.intp), lengths)
        if not rows.size:
            return rows, np.zeros(0, dtype=np.intp), np.zeros(0)
        return rows, np.concatenate(self.columns), np.concatenate(self.scores)

    def left_out_best(self) -> FloatMatrix:
        """Per person, at least the best shown score among the eligible vacancies not kept (the
        last kept one's, since the list is in score order); -inf for a complete list."""
        last = np.array(
            [float(np.round(s[-1], SCORE_DECIMALS)) if len(s) else -np.inf for s in self.scores]
        )
        out: FloatMatrix = np.where(self.complete, -np.inf, last)
        return out


def gini(counts: NDArray[np.int64] | NDArray[np.float64]) -> float:
    """Gini coefficient of non-negative counts; 0 for no counts or all zero."""
    x = np.sort(np.asarray(counts, dtype=np.float64))
    n, total = len(x), float(x.sum())
    if n == 0 or total == 0:
        return 0.0
    index = np.arange(1, n + 1)
    return float(2.0 * np.sum(index * x) / (n * total) - (n + 1) / n)


def _check(per_candidate: int, per_position: int, min_score: float) -> None:
    if per_candidate < 1:
        raise ValueError(f"per_candidate must be at least 1, not {per_candidate}")
    if per_position < 1:
        raise ValueError(f"per_position must be at least 1, not {per_position}")
    if not 0.0 <= min_score <= 1.0:
        raise ValueError(f"min_score must be between 0 and 1, not {min_score}")


def _eligible(score: FloatMatrix, blocked: BoolMatrix, min_score: float) -> BoolMatrix:
    eligible: BoolMatrix = ~blocked & (np.round(score, SCORE_DECIMALS) >= min_score)
    return eligible


class PlanTooLarge(ValueError):
    """The plan would need more (person, vacancy) pairs in the solver than `max_pairs`."""


def plan_proposals(
    engine: Engine,
    candidates: Sequence[Candidate],
    *,
    per_candidate: int = 3,
    per_position: int = 2,
    min_score: float = 0.0,
    crowding: float = DEFAULT_CROWDING,
    scores: tuple[FloatMatrix, BoolMatrix] | None = None,
    preferences: Preferences | None = None,
    max_pairs: int = MAX_SOLVE_PAIRS,
    under_way: UnderWay = NOTHING_UNDER_WAY,
) -> Plan:
    """The proposals with the highest total score, less crowding, within both capacities.

    `under_way` is what the record already holds: no pair with an application is proposed, a
    person's proposals in progress count against their per_candidate, and a vacancy's room is
    per_position for each position not yet filled less its proposals in progress.

    Only unblocked pairs scoring at least `min_score` are proposed. `crowding` is what the
    k-th proposal to a vacancy with p positions costs: crowding x (k - 1) / p (0 for plain
    maximum total score). `scores` may pass the (C, V) scores and blocking flags of
    `score_matrix` when they are at hand, or `preferences` each person's best vacancies (shared
    with `top_k_proposals`). The answer does not depend on the order of `candidates` (the
    problem is built in id order), and HiGHS is deterministic, so the same input gives the
    same plan.

    Pruning. The solver sees only each person's best `KEEP_PER_PROPOSAL` x `per_candidate`
    vacancies, and then checks that nothing left out could do better: by LP duality the plan
    is optimal for the whole problem when every person's price (the dual of their "at most
    per_candidate" row) is at least the score of the best vacancy left off their list, because
    a left-out vacancy's own price is never negative. People failing the check get a list four
    times as long and the problem is solved again, until every check holds or lists are
    complete. So the plan always has the same total (score less crowding) as the solver on
    every eligible pair, to HiGHS's tolerance (1e-7); when several plans share that best total,
    the two may pick different ones. More than `max_pairs` pairs raises `PlanTooLarge`.
    """
    _check(per_candidate, per_position, min_score)
    if crowding < 0:
        raise ValueError(f"crowding must be 0 or more, not {crowding}")
    prefs = _preferences(
        engine, candidates, per_candidate, min_score, scores, preferences, under_way
    )
    positions_all = np.array([v.positions for v in engine.vacancies_], dtype=np.int64)
    room_all = under_way.vacancy_room(engine, per_position)
    person_room = under_way.person_room(candidates, per_candidate)
    person_rank = np.empty(len(candidates), dtype=np.int64)
    person_rank[np.argsort(np.array([c.id or "" for c in candidates], dtype=object))] = np.arange(
        len(candidates)
    )
    while True:
        rows, cols, score = prefs.pairs()
        if len(rows) > max_pairs:
            raise PlanTooLarge(
                f"the plan needs more than {max_pairs} (person, vacancy) pairs in the solver; "
                "plan for fewer people at a time"
            )
        take = np.zeros(len(rows), dtype=np.bool_)
        price: FloatMatrix | None = np.zeros(len(candidates))
        if len(rows):
            # Rows and columns in id order, so that the solver sees the same problem for the
            # same input, whatever order the people came in.
            vacancies, local_col = np.unique(engine.vacancy_rank_[cols], return_inverse=True)
            order = np.lexsort((local_col, person_rank[rows]))
            by_rank = np.argsort(engine.vacancy_rank_, kind="stable")[vacancies]
            positions = positions_all[by_rank]
            room_by_rank = np.empty(len(candidates), dtype=np.int64)
            room_by_rank[person_rank] = person_room
            solved, price_by_rank = _solve(
                np.round(score[order], SCORE_DECIMALS),
                person_rank[rows[order]].astype(np.intp),
                local_col[order].astype(np.intp),
                n_candidates=len(candidates),
                capacity=room_all[by_rank],
                positions=positions,
                per_candidate=room_by_rank,
                crowding=crowding,
            )
            take[order] = solved
            price = None if price_by_rank is None else price_by_rank[person_rank]
        left_out = np.maximum(prefs.left_out_best(), _SCORE_FLOOR)
        if price is None:
            doubtful = ~prefs.complete
        else:
            doubtful = ~prefs.complete & (price < left_out - _DUAL_TOLERANCE)
        doubtful &= person_room > 0  # nothing more to propose to them: no list to widen
        if not doubtful.any():
            break
        people = np.nonzero(doubtful)[0].astype(np.intp)
        prefs.widen(people, int(prefs.kept[people].max()) * WIDEN_FACTOR)
    chosen = (rows[take], cols[take], score[take])
    return _plan("planner", engine, candidates, prefs, chosen, per_position)


def _preferences(
    engine: Engine,
    candidates: Sequence[Candidate],
    per_candidate: int,
    min_score: float,
    scores: tuple[FloatMatrix, BoolMatrix] | None,
    preferences: Preferences | None,
    under_way: UnderWay = NOTHING_UNDER_WAY,
) -> Preferences:
    if preferences is None:
        return Preferences(
            engine,
            candidates,
            keep=KEEP_PER_PROPOSAL * per_candidate,
            min_score=min_score,
            scores=scores,
            under_way=under_way,
        )
    if preferences.min_score != min_score or preferences.candidates is not candidates:
        raise ValueError("preferences were read for other candidates or another min_score")
    if len(candidates) and int(preferences.kept.min()) < per_candidate:
        raise ValueError(f"preferences keep fewer than per_candidate={per_candidate} each")
    return preferences


def _solve(
    weight: FloatMatrix,
    rows: NDArray[np.intp],
    cols: NDArray[np.intp],
    *,
    n_candidates: int,
    capacity: NDArray[np.int64],
    positions: NDArray[np.int64],
    per_candidate: int | NDArray[np.int64],
    crowding: float,
) -> tuple[NDArray[np.bool_], FloatMatrix | None]:
    """Which eligible pairs to propose: a transportation LP, integral by total unimodularity;
    and each candidate's price (the dual of their row), None when the fallback had to answer.

    Variables: x (one per pair, 0-1) and, per vacancy, one slot per proposal it may take (0-1,
    the k-th costing crowding x (k - 1) / positions). Rows: per candidate, sum of x at most
    per_candidate; per vacancy, its x minus its slots at most 0, so that its proposals fill its
    cheapest slots and never exceed capacity. With the vacancy rows negated every x column is
    +1/-1 (an arc of a bipartite network) and every slot column a single entry: the matrix is
    totally unimodular, and the dual simplex returns a vertex, which is 0/1.
    """
    # Imported here: scipy.optimize takes about 0.3 s to import, which every CLI start would pay.
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp

    n_pairs = len(weight)
    n_vacancies = len(capacity)
    # Slots of vacancy j: k = 0 .. capacity[j] - 1.
    slot_vacancy = np.repeat(np.arange(n_vacancies), capacity)
    slot_k = np.arange(len(slot_vacancy)) - np.repeat(np.cumsum(capacity) - capacity, capacity)
    slot_cost = crowding * slot_k / positions[slot_vacancy]
    n_slots = len(slot_vacancy)
    pair_ix = np.arange(n_pairs)
    a = sparse.vstack(
        [
            sparse.csr_array(
                (np.ones(n_pairs), (rows, pair_ix)), shape=(n_candidates, n_pairs + n_slots)
            ),
            sparse.csr_array(
                (
                    np.concatenate([np.ones(n_pairs), -np.ones(n_slots)]),
                    (np.concatenate([cols, slot_vacancy]), np.arange(n_pairs + n_slots)),
                ),
                shape=(n_vacancies, n_pairs + n_slots),
            ),
        ]
    ).tocsr()
    cost = np.concatenate([-np.maximum(weight, _SCORE_FLOOR), slot_cost])  # 0.0000 still counts
    upper = np.concatenate(
        [
            np.broadcast_to(np.asarray(per_candidate, dtype=np.float64), (n_candidates,)),
            np.zeros(n_vacancies),
        ]
    )
    # scipy-stubs do not list sparse constraint matrices, which HiGHS takes (and needs here).
    result = linprog(  # type: ignore[call-overload]
        cost, A_ub=a, b_ub=upper, bounds=(0.0, 1.0), method="highs-ds"
    )
    x = result.x
    price: FloatMatrix | None = None
    if x is not None and result.ineqlin is not None:
        price = -np.asarray(result.ineqlin.marginals[:n_candidates], dtype=np.float64)
    if x is None or np.abs(x - np.round(x)).max() > 1e-6:
        # Not expected (see above), but a 0/1 answer matters more than speed.
        exact = milp(
            cost,
            constraints=LinearConstraint(a, -np.inf, upper),
            integrality=np.ones(len(cost), dtype=np.int64),
            bounds=Bounds(0.0, 1.0),
        )
        if exact.x is None:  # cannot happen: proposing nothing is always feasible
            raise RuntimeError(f"the planner's solver failed: {exact.message}")
        x, price = exact.x, None
    take: NDArray[np.bool_] = x[:n_pairs] > 0.5
    return take, price


def top_k_proposals(
    engine: Engine,
    candidates: Sequence[Candidate],
    *,
    per_candidate: int = 3,
    per_position: int = 2,
    min_score: float = 0.0,
    scores: tuple[FloatMatrix, BoolMatrix] | None = None,
    preferences: Preferences | None = None,
    under_way: UnderWay = NOTHING_UNDER_WAY,
) -> Plan:
    """Plain top-k, to compare with: each person's best `per_candidate` eligible vacancies (less
    their proposals in progress, never a pair the record has), as their shortlist ranks them,
    whatever everyone else is proposed. `per_position` is used only to count the vacancies it
    would overload."""
    _check(per_candidate, per_position, min_score)
    if preferences is None:
        preferences = Preferences(
            engine,
            candidates,
            keep=per_candidate,
            min_score=min_score,
            scores=scores,
            under_way=under_way,
        )
    prefs = _preferences(
        engine, candidates, per_candidate, min_score, scores, preferences, under_way
    )
    room = under_way.person_room(candidates, per_candidate).tolist()
    firsts = [c[:r] for c, r in zip(prefs.columns, room, strict=True)]
    rows = np.repeat(np.arange(len(firsts), dtype=np.intp), [len(f) for f in firsts])
    cols = np.concatenate(firsts) if firsts else np.zeros(0, dtype=np.intp)
    score = (
        np.concatenate([s[:r] for s, r in zip(prefs.scores, room, strict=True)])
        if firsts
        else np.zeros(0)
    )
    return _plan("top_k", engine, candidates, prefs, (rows, cols, score), per_position)


def _plan(
    method: str,
    engine: Engine,
    candidates: Sequence[Candidate],
    prefs: Preferences,
    chosen: tuple[NDArray[np.intp], NDArray[np.intp], FloatMatrix],
    per_position: int,
) -> Plan:
    """The chosen (person, vacancy, score) triples as a plan, each person's best first."""
    rows, cols, score = chosen
    shown = np.round(score, SCORE_DECIMALS)
    order = np.lexsort((engine.vacancy_rank_[cols], -shown, rows)) if len(rows) else rows
    proposals: list[Proposal] = []
    triples = zip(rows[order].tolist(), cols[order].tolist(), score[order].tolist(), strict=True)
    for i, j, value in triples:
        v = engine.vacancies_[j]
        proposals.append(Proposal(candidates[i].id, v.id, v.title, v.employer, float(value)))
    n_open = len(engine.vacancies_)
    counts = np.bincount(cols, minlength=n_open)
    reachable = prefs.reachable
    capacity = per_position * np.array([v.positions for v in engine.vacancies_], dtype=np.int64)
    metrics = PlanMetrics(
        proposals=int(counts.sum()),
        total_score=float(score.sum()),
        max_per_vacancy=int(counts.max()) if n_open else 0,
        gini=gini(counts),
        gini_reachable=gini(counts[reachable]),
        coverage=float((counts > 0).mean()) if n_open else 0.0,
        coverage_reachable=float((counts[reachable] > 0).mean()) if reachable.any() else 0.0,
        over_capacity=int((counts > capacity).sum()),
        candidates_without=int(len(candidates) - len(np.unique(rows))),
    )
    return Plan(method, [c.id for c in candidates], proposals, metrics)
