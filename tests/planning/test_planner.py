"""The batch planner: capacities hold, blocked pairs are never proposed, and it beats top-k on
congestion while keeping the score."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from factories import make_candidate, make_vacancy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher import Candidate, Engine
from matcher.planning.planner import Proposal, gini, plan_proposals, score_matrix, top_k_proposals

Problem = tuple[np.ndarray, np.ndarray, tuple[int, ...], int, int]


def people(n: int) -> list[Candidate]:
    return [make_candidate(id=f"c-{i}") for i in range(n)]


def engine_for(positions: list[int]) -> Engine:
    return Engine().fit([make_vacancy(id=f"v-{j}", positions=p) for j, p in enumerate(positions)])


def counts(proposals: list[Proposal], vacancy_ids: list[str | None]) -> list[int]:
    proposed = [p.vacancy_id for p in proposals]
    return [proposed.count(v) for v in vacancy_ids]


def test_one_position_and_three_equal_candidates_gets_one_proposal() -> None:
    engine = engine_for([1])
    three = people(3)
    score, blocked = score_matrix(engine, three)
    assert len(set(score[:, 0].tolist())) == 1 and not blocked.any()  # equally good
    plan = plan_proposals(engine, three, per_position=1)
    assert len(plan.proposals) == 1 and plan.proposals[0].vacancy_id == "v-0"
    assert plan.metrics.over_capacity == 0 and plan.metrics.candidates_without == 2
    assert set(plan.by_candidate()) == {"c-0", "c-1", "c-2"}
    naive = top_k_proposals(engine, three, per_position=1)
    assert len(naive.proposals) == 3 and naive.metrics.over_capacity == 1
    # The same plan every time, whatever order the people come in.
    again = plan_proposals(engine, three[::-1], per_position=1)
    assert again.proposals == plan.proposals


def test_per_position_scales_with_positions() -> None:
    engine = engine_for([2])
    plan = plan_proposals(engine, people(7), per_position=2)
    assert len(plan.proposals) == 4  # 2 per position x 2 positions


def test_blocked_pairs_and_low_scores_are_never_proposed() -> None:
    near = make_vacancy(id="v-near")
    needs_licence = make_vacancy(id="v-van", driving_licence_required=True)
    engine = Engine().fit([near, needs_licence])
    plan = plan_proposals(engine, people(2), per_candidate=2)
    assert {p.vacancy_id for p in plan.proposals} == {"v-near"}
    score, _ = score_matrix(engine, people(1))
    too_high = float(np.round(score[0, 0], 4)) + 0.01
    assert plan_proposals(engine, people(2), min_score=too_high).proposals == []
    assert top_k_proposals(engine, people(2), min_score=too_high).proposals == []


def test_spreading_two_people_over_two_vacancies() -> None:
    # Both prefer v-0 a little; one position each: the planner gives each vacancy one person.
    engine = engine_for([1, 1])
    score = np.array([[0.9, 0.85], [0.9, 0.85]])
    blocked = np.zeros((2, 2), dtype=np.bool_)
    two = people(2)
    plan = plan_proposals(engine, two, per_candidate=1, per_position=1, scores=(score, blocked))
    assert sorted(p.vacancy_id for p in plan.proposals) == ["v-0", "v-1"]
    naive = top_k_proposals(engine, two, per_candidate=1, per_position=1, scores=(score, blocked))
    assert [p.vacancy_id for p in naive.proposals] == ["v-0", "v-0"]
    assert plan.metrics.coverage == 1.0 and naive.metrics.coverage == 0.5
    assert naive.metrics.gini == pytest.approx(0.5) and plan.metrics.gini == 0.0


def test_crowding_trades_a_little_score_for_spread() -> None:
    # Two positions allowed two proposals each; both people prefer v-0 slightly.
    engine = engine_for([1, 1])
    score = np.array([[0.9, 0.85], [0.9, 0.85]])
    blocked = np.zeros((2, 2), dtype=np.bool_)
    args = {"per_candidate": 1, "per_position": 2, "scores": (score, blocked)}
    greedy = plan_proposals(engine, people(2), crowding=0.0, **args)  # type: ignore[arg-type]
    spread = plan_proposals(engine, people(2), crowding=0.1, **args)  # type: ignore[arg-type]
    assert [p.vacancy_id for p in greedy.proposals] == ["v-0", "v-0"]
    assert sorted(p.vacancy_id for p in spread.proposals) == ["v-0", "v-1"]


def test_gini() -> None:
    assert gini(np.array([0, 0, 0, 4])) == pytest.approx(0.75)
    assert gini(np.array([2, 2, 2])) == 0.0
    assert gini(np.array([0, 0])) == 0.0 and gini(np.array([], dtype=np.int64)) == 0.0


def test_bad_settings_are_refused() -> None:
    engine = engine_for([1])
    for bad in ({"per_candidate": 0}, {"per_position": 0}, {"min_score": 1.5}, {"crowding": -1}):
        with pytest.raises(ValueError):
            plan_proposals(engine, people(1), **bad)  # type: ignore[arg-type]


def brute_force_best(
    score: np.ndarray, eligible: np.ndarray, cap_c: int, cap_v: np.ndarray
) -> float:
    """The best total over every feasible set of pairs (tiny cases only)."""
    pairs = list(zip(*np.nonzero(eligible), strict=True))
    best = 0.0
    for mask in itertools.product([False, True], repeat=len(pairs)):
        chosen = [p for p, m in zip(pairs, mask, strict=True) if m]
        rows = np.bincount([p[0] for p in chosen], minlength=score.shape[0])
        cols = np.bincount([p[1] for p in chosen], minlength=score.shape[1])
        if (rows <= cap_c).all() and (cols <= cap_v).all():
            best = max(best, sum(float(np.round(score[p], 4)) for p in chosen))
    return best


_ENGINES: dict[tuple[int, ...], Engine] = {}


def cached_engine(positions: tuple[int, ...]) -> Engine:
    if positions not in _ENGINES:
        _ENGINES[positions] = engine_for(list(positions))
    return _ENGINES[positions]


@st.composite
def problems(draw: st.DrawFn, max_people: int = 6, max_vacancies: int = 5) -> Problem:
    n_c = draw(st.integers(1, max_people))
    positions = tuple(draw(st.lists(st.integers(1, 2), min_size=1, max_size=max_vacancies)))
    n_v = len(positions)
    cells = st.lists(st.floats(0, 1), min_size=n_c * n_v, max_size=n_c * n_v)
    score = np.array(draw(cells)).reshape(n_c, n_v)
    flags = st.lists(st.booleans(), min_size=n_c * n_v, max_size=n_c * n_v)
    blocked = np.array(draw(flags), dtype=np.bool_).reshape(n_c, n_v)
    return score, blocked, positions, draw(st.integers(1, 3)), draw(st.integers(1, 2))


props = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@props
@given(problems(), st.sampled_from([0.0, 0.1]), st.sampled_from([0.0, 0.3]))
def test_capacities_hold_and_blocked_pairs_are_never_proposed(
    problem: Problem, crowding: float, min_score: float
) -> None:
    score, blocked, positions, per_candidate, per_position = problem
    engine = cached_engine(positions)
    group = people(len(score))
    plan = plan_proposals(
        engine,
        group,
        per_candidate=per_candidate,
        per_position=per_position,
        min_score=min_score,
        crowding=crowding,
        scores=(score, blocked),
    )
    index = {f"c-{i}": i for i in range(len(group))}
    for p in plan.proposals:
        i, j = index[str(p.candidate_id)], int(str(p.vacancy_id)[2:])
        assert not blocked[i, j] and np.round(score[i, j], 4) >= min_score
    assert all(len(ps) <= per_candidate for ps in plan.by_candidate().values())
    per_vacancy = counts(plan.proposals, [v.id for v in engine.vacancies_])
    assert all(n <= per_position * p for n, p in zip(per_vacancy, positions, strict=True))
    assert len({(p.candidate_id, p.vacancy_id) for p in plan.proposals}) == len(plan.proposals)
    assert plan.metrics.over_capacity == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(max_people=3, max_vacancies=3))
def test_without_crowding_the_plan_is_the_best_possible(problem: Problem) -> None:
    score, blocked, positions, per_candidate, per_position = problem
    if (~blocked).sum() > 9:
        blocked = blocked.copy()
        blocked.flat[9:] = True  # keep the brute force small
    engine = cached_engine(positions)
    plan = plan_proposals(
        engine,
        people(len(score)),
        per_candidate=per_candidate,
        per_position=per_position,
        crowding=0.0,
        scores=(score, blocked),
    )
    cap_v = per_position * np.array(positions)
    best = brute_force_best(score, ~blocked, per_candidate, cap_v)
    total = sum(round(p.score, 4) for p in plan.proposals)
    assert total == pytest.approx(best, abs=1e-6)


def test_nobody_to_plan_for_and_nothing_open() -> None:
    empty = plan_proposals(engine_for([1]), [])
    assert empty.proposals == [] and empty.metrics.coverage == 0.0
    closed = Engine().fit([])
    plan = plan_proposals(closed, people(2))
    assert plan.proposals == [] and plan.metrics.candidates_without == 2
    assert top_k_proposals(closed, people(2)).proposals == []
