"""Plain top-k against the capacity-aware planner on the fixtures, and barrier analysis time."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterable

from matcher import Engine
from matcher.fixtures import load_candidates, load_vacancies
from matcher.planning.barriers import analyse_barriers, barrier_stats
from matcher.planning.planner import Plan, plan_proposals, score_matrix, top_k_proposals

PER_CANDIDATE = 3
PER_POSITION = 2


def _row(rows: list[tuple[str, str]], label: str, naive: Plan, plans: list[Plan], fmt: str) -> None:
    values = [getattr(p.metrics, label) for p in (naive, *plans)]
    rows.append((f"  {label}", _cells(format(v, fmt) for v in values)))


def _cells(values: Iterable[str]) -> str:
    return "".join(f"{v:>10}" for v in values)


def run(rows: list[tuple[str, str]]) -> None:
    ready = [c for c in load_candidates() if c.stage == "ready"]
    engine = Engine().fit(load_vacancies())
    n_open = len(engine.vacancies_)
    engine.shortlist(ready[0])  # warm caches (vocabulary readings)
    plan_proposals(engine, ready[:2])  # and import the solver, which takes ~0.3 s the first time

    t0 = time.perf_counter()
    scores = score_matrix(engine, ready)
    score_s = time.perf_counter() - t0
    naive = top_k_proposals(
        engine, ready, per_candidate=PER_CANDIDATE, per_position=PER_POSITION, scores=scores
    )
    plans: list[Plan] = []
    solve_s: list[float] = []
    for crowding in (0.0, 0.1):
        t0 = time.perf_counter()
        plans.append(
            plan_proposals(
                engine,
                ready,
                per_candidate=PER_CANDIDATE,
                per_position=PER_POSITION,
                crowding=crowding,
                scores=scores,
            )
        )
        solve_s.append(time.perf_counter() - t0)
    rows.append(
        (
            f"{len(ready)} ready x {n_open} open vacancies, {PER_CANDIDATE} per candidate, "
            f"{PER_POSITION} per position",
            _cells(["top-k", "planner", "planner"]) + "  (planner crowding 0, 0.1)",
        )
    )
    base = naive.metrics.total_score
    rows.append(
        (
            "  share of top-k's total score kept",
            _cells(f"{p.metrics.total_score / base:.1%}" for p in (naive, *plans)),
        )
    )
    for label, fmt in (
        ("proposals", "d"),
        ("max_per_vacancy", "d"),
        ("gini", ".3f"),
        ("gini_reachable", ".3f"),
        ("coverage", ".1%"),
        ("over_capacity", "d"),
        ("candidates_without", "d"),
    ):
        _row(rows, label, naive, plans, fmt)
    floor = max(n_open - naive.metrics.proposals, 0) / n_open if n_open else 0.0
    rows.append(
        (
            "  lowest possible gini with this many proposals",
            f"{floor:.3f} (one each to {min(naive.metrics.proposals, n_open)} of {n_open})",
        )
    )
    rows.append(
        (
            "  time: score all pairs / solve (crowding 0, 0.1)",
            f"{score_s * 1000:.0f} ms / {solve_s[0] * 1000:.0f} ms, {solve_s[1] * 1000:.0f} ms",
        )
    )

    times = []
    for person in ready[:50]:
        t0 = time.perf_counter()
        analyse_barriers(engine, person)
        times.append((time.perf_counter() - t0) * 1000)
    rows.append(
        (
            "barriers for one candidate (50 ready): median / max",
            f"{statistics.median(times):.1f} / {max(times):.1f} ms",
        )
    )
    t0 = time.perf_counter()
    stats = barrier_stats(engine, ready)
    rows.append(
        (
            f"barriers over all {len(ready)} ready candidates",
            f"{time.perf_counter() - t0:.2f} s",
        )
    )
    for s in stats.ranked()[:3]:
        rows.append(
            (
                f"  {s.label}",
                f"unblocks >=1 for {s.people} people, {s.unblocked} vacancies in all, "
                f"best for {s.best_for}",
            )
        )
