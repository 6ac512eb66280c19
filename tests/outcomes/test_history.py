"""The simulated history agrees with the fixture candidates, and with the engine's scores."""

import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from matcher.fixtures import load_candidates, load_vacancies
from matcher.outcomes.history import load_history
from matcher.weights import FEATURES, default_weights

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def history():
    return load_history()


def test_says_it_is_simulated_and_by_what(history):
    assert "SIMULATED" in history.about
    weights = history.true_model["weights"]
    assert set(weights) == set(FEATURES)
    assert weights != history.true_model["default_weights"]
    readme = (ROOT / "fixtures" / "README.md").read_text("utf-8")
    assert "simulated" in readme.lower() and "simulate_history.py" in readme


def test_size_and_people(history):
    apps = history.applications
    assert 2000 <= len(apps) <= 4000
    assert len({a.id for a in apps}) == len(apps)
    assert {a.jobhunter for a in apps} == {f"jobhunter-{i}" for i in range(1, 7)}
    stage = {c.id: c.stage for c in load_candidates()}
    with_history = {a.candidate_id for a in apps}
    assert with_history == {c for c, s in stage.items() if s in ("ready", "placed", "follow_up")}
    open_ids = {v.id for v in load_vacancies() if v.status == "open"}
    assert {a.vacancy_id for a in apps} <= open_ids


def test_hires_match_the_candidates_stage(history):
    ref = history.reference_date
    stage = {c.id: c.stage for c in load_candidates()}
    hires = {}
    for a in history.applications:
        if a.status == "hired":
            assert a.candidate_id not in hires, "one hire per person"
            hires[a.candidate_id] = a.reached("hired")
    for cid, s in stage.items():
        if s == "placed":
            assert ref - timedelta(days=61) <= hires[cid] <= ref
        elif s == "follow_up":
            assert hires[cid] < ref - timedelta(days=61)
        else:
            assert cid not in hires
    changes = {(c.candidate_id, c.stage): c.on for c in history.stage_changes}
    for cid, on in hires.items():
        assert changes[(cid, "placed")] == on
        later = [a for a in history.applications if a.candidate_id == cid and a.proposed_on > on]
        assert not later, "nobody is proposed a job after being hired"


def test_dates_inside_the_programme_and_after_ready(history):
    ready = {c.candidate_id: c.on for c in history.stage_changes if c.stage == "ready"}
    for a in history.applications:
        assert ready[a.candidate_id] <= a.proposed_on
        assert history.programme_start <= a.proposed_on
        assert a.steps[-1].on <= history.reference_date
    stages = Counter(c.stage for c in history.stage_changes)
    assert stages["intake"] == len(load_candidates())
    assert stages["ready"] == 290 + 17 + 9


def test_rejections_mostly_name_the_weakest_feature(history):
    reasons = Counter(a.steps[-1].reason for a in history.applications if a.status == "rejected")
    assert set(reasons) >= {"language", "experience", "schedule", "commute", "no_response"}
    language = [a for a in history.applications if a.steps[-1].reason == "language"]
    others = [a for a in history.applications if a.status == "rejected"]
    mean = lambda apps: sum(a.snapshot.features["language"] for a in apps) / len(apps)  # noqa: E731
    assert mean(language) < mean(others) - 0.1


def test_snapshots_are_shortlist_lines_under_the_default_weights(history):
    # Snapshots are what the shortlist showed then: they stay as they are when the engine
    # changes, so they are checked against the weights, not against today's engine.
    weights = default_weights()
    total = sum(weights.weights.values())
    for a in history.applications:
        snap = a.snapshot
        assert snap.weights_version == weights.version == 1
        assert set(snap.features) == set(FEATURES)
        combined = sum(weights.weights[f] * snap.features[f] for f in FEATURES) / total
        assert snap.score == pytest.approx(combined, abs=3e-4)


@pytest.mark.slow
def test_the_generator_is_deterministic():
    sys.path.insert(0, str(ROOT / "fixtures"))
    try:
        import simulate_history
    finally:
        sys.path.remove(str(ROOT / "fixtures"))
    assert simulate_history.dumps(simulate_history.simulate()) == simulate_history.dumps(
        simulate_history.simulate()
    )
