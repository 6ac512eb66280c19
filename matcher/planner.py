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
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
"""Candidates scored per engine call, so (C, V) arrays stay small for large groups."""


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
    """(C, V) scores and blocking flags, scored `batch` candidates per engine call."""
    n_open = len(engine.vacancies_)
    if not candidates:
        return np.zeros((0, n_open)), np.zeros((0, n_open), dtype=np.bool_)
    parts = [engine.score(candidates[i : i + batch]) for i in range(0, len(candidates), batch)]
    return np.vstack([p.score for p in parts]), np.vstack([p.blocked for p in parts])


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


def plan_proposals(
    engine: Engine,
    candidates: Sequence[Candidate],
    *,
    per_candidate: int = 3,
    per_position: int = 2,
    min_score: float = 0.0,
    crowding: float = DEFAULT_CROWDING,
    scores: tuple[FloatMatrix, BoolMatrix] | None = None,
) -> Plan:
    """The proposals with the highest total score, less crowding, within both capacities.

    Only unblocked pairs scoring at least `min_score` are proposed. `crowding` is what the
    k-th proposal to a vacancy with p positions costs: crowding x (k - 1) / p (0 for plain
    maximum total score). `scores` may pass the (C, V) scores and blocking flags of
    `score_matrix` when they are at hand. The answer does not depend on the order of
    `candidates` (the problem is built in id order), and HiGHS is deterministic, so the same
    input gives the same plan.
    """
    _check(per_candidate, per_position, min_score)
    if crowding < 0:
        raise ValueError(f"crowding must be 0 or more, not {crowding}")
    score, blocked = scores if scores is not None else score_matrix(engine, candidates)
    eligible = _eligible(score, blocked, min_score)
    # Rows and columns in id order, so that the solver sees the same problem for the same input.
    row_order = np.array(
        sorted(range(len(candidates)), key=lambda i: candidates[i].id or ""), dtype=np.intp
    )
    col_order = np.argsort(engine.vacancy_rank_, kind="stable")
    rows, cols = np.nonzero(eligible[np.ix_(row_order, col_order)])
    pairs = np.zeros_like(eligible)
    if len(rows):
        weight = np.round(score[row_order[rows], col_order[cols]], SCORE_DECIMALS)
        positions = np.array([v.positions for v in engine.vacancies_], dtype=np.int64)[col_order]
        take = _solve(
            weight,
            rows,
            cols,
            n_candidates=len(candidates),
            capacity=per_position * positions,
            positions=positions,
            per_candidate=per_candidate,
            crowding=crowding,
        )
        pairs[row_order[rows[take]], col_order[cols[take]]] = True
    return _plan("planner", engine, candidates, score, eligible, pairs, per_position)


def _solve(
    weight: FloatMatrix,
    rows: NDArray[np.intp],
    cols: NDArray[np.intp],
    *,
    n_candidates: int,
    capacity: NDArray[np.int64],
    positions: NDArray[np.int64],
    per_candidate: int,
    crowding: float,
) -> NDArray[np.bool_]:
    """Which eligible pairs to propose: a transportation LP, integral by total unimodularity.

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
    cost = np.concatenate([-np.maximum(weight, 1e-6), slot_cost])  # a 0.0000 pair still counts
    upper = np.concatenate([np.full(n_candidates, float(per_candidate)), np.zeros(n_vacancies)])
    # scipy-stubs do not list sparse constraint matrices, which HiGHS takes (and needs here).
    result = linprog(  # type: ignore[call-overload]
        cost, A_ub=a, b_ub=upper, bounds=(0.0, 1.0), method="highs-ds"
    )
    x = result.x
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
        x = exact.x
    take: NDArray[np.bool_] = x[:n_pairs] > 0.5
    return take


def top_k_proposals(
    engine: Engine,
    candidates: Sequence[Candidate],
    *,
    per_candidate: int = 3,
    per_position: int = 2,
    min_score: float = 0.0,
    scores: tuple[FloatMatrix, BoolMatrix] | None = None,
) -> Plan:
    """Plain top-k, to compare with: each person's best `per_candidate` eligible vacancies, as
    their shortlist ranks them, whatever everyone else is proposed. `per_position` is used only
    to count the vacancies it would overload."""
    _check(per_candidate, per_position, min_score)
    score, blocked = scores if scores is not None else score_matrix(engine, candidates)
    eligible = _eligible(score, blocked, min_score)
    pairs = np.zeros_like(eligible)
    if eligible.shape[1]:
        for i in range(len(candidates)):
            ineligible = ~eligible[i]
            best = rank_order(
                score[i], ineligible, engine.vacancy_rank_, top=per_candidate, include_blocked=False
            )
            pairs[i, best] = True
    return _plan("top_k", engine, candidates, score, eligible, pairs, per_position)


def _plan(
    method: str,
    engine: Engine,
    candidates: Sequence[Candidate],
    score: FloatMatrix,
    eligible: BoolMatrix,
    pairs: BoolMatrix,
    per_position: int,
) -> Plan:
    proposals: list[Proposal] = []
    for i, candidate in enumerate(candidates):
        js = np.nonzero(pairs[i])[0]
        shown = np.round(score[i, js], SCORE_DECIMALS)
        for j in js[np.lexsort((engine.vacancy_rank_[js], -shown))].tolist():
            v = engine.vacancies_[j]
            proposals.append(Proposal(candidate.id, v.id, v.title, v.employer, float(score[i, j])))
    counts = pairs.sum(axis=0)
    reachable = eligible.any(axis=0)
    n_open = len(engine.vacancies_)
    capacity = per_position * np.array([v.positions for v in engine.vacancies_], dtype=np.int64)
    metrics = PlanMetrics(
        proposals=int(counts.sum()),
        total_score=float(score[pairs].sum()),
        max_per_vacancy=int(counts.max()) if n_open else 0,
        gini=gini(counts),
        gini_reachable=gini(counts[reachable]),
        coverage=float((counts > 0).mean()) if n_open else 0.0,
        coverage_reachable=float((counts[reachable] > 0).mean()) if reachable.any() else 0.0,
        over_capacity=int((counts > capacity).sum()),
        candidates_without=int((pairs.sum(axis=1) == 0).sum()),
    )
    return Plan(method, [c.id for c in candidates], proposals, metrics)
