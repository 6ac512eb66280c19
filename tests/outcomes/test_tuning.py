"""The weight tuner: a well-behaved scikit-learn estimator that finds the simulation's weights."""

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from matcher.outcomes.frames import FEATURE_COLUMNS, application_frame
from matcher.outcomes.history import load_history
from matcher.outcomes.tuning import (
    MIN_PEOPLE,
    WeightTuner,
    compare_weights,
    hit_rate_at_k,
    mean_ndcg_at_k,
    save_tuned_weights,
    training_data,
    tune,
    tuned_weights_path,
)
from matcher.weights import FEATURES, Weights, default_weights


@parametrize_with_checks([WeightTuner()])
def test_sklearn_conventions(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def history_frame():
    return application_frame(load_history().applications)


@pytest.fixture(scope="module")
def comparison(history_frame):
    return compare_weights(history_frame, n_splits=5, k=10)


def test_tuned_weights_beat_the_default_on_held_out_candidates(comparison):
    summary = comparison.summary()
    default, tuned = summary.loc["ndcg@10", "default"], summary.loc["ndcg@10", "tuned"]
    assert tuned - default >= 0.03, summary
    # not one lucky fold: tuned wins in every fold
    assert (comparison.folds["tuned_ndcg"] > comparison.folds["default_ndcg"]).all()
    assert summary.loc["hit_rate@10", "tuned"] >= summary.loc["hit_rate@10", "default"]
    assert (comparison.folds["candidates"] >= 40).all()


def test_learned_weights_lean_where_the_true_model_does(history_frame):
    X, y, groups = training_data(history_frame)
    tuner = WeightTuner().fit(X, y, groups=groups)
    learned = tuner.to_weights(2, "tuned").weights
    default = default_weights().weights
    # the simulation's true model: skills .15, language .40, commute .15, childcare .30
    assert learned["skills"] < default["skills"] - 0.1
    assert learned["language"] > default["language"]
    assert learned["childcare"] > default["childcare"]
    assert sum(learned.values()) == pytest.approx(1.0, abs=1e-3)
    assert tuner.score(X, y, groups) > mean_ndcg_at_k(
        y, X.to_numpy() @ np.array([default[f] for f in FEATURES]), groups
    )


def test_undecided_applications_are_left_out(history_frame):
    X, y, groups = training_data(history_frame)
    undecided = history_frame["status"].isin(["proposed", "applied"]).sum()
    assert undecided > 0
    assert len(X) == len(history_frame) - undecided == len(y) == len(groups)
    assert list(X.columns) == list(FEATURE_COLUMNS)
    assert set(np.unique(y)) == {0.0, 1.0, 2.0}


def test_weights_follow_the_column_names_not_their_order():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.uniform(size=(400, 4)), columns=list(FEATURE_COLUMNS))
    y = (X["language_score"] + 0.2 * rng.normal(size=400) > 0.5).astype(int)
    straight = WeightTuner().fit(X, y).to_weights(2).weights
    shuffled = WeightTuner().fit(X[list(reversed(FEATURE_COLUMNS))], y).to_weights(2).weights
    assert straight == pytest.approx(shuffled, abs=1e-3)
    assert max(straight, key=straight.get) == "language"
    with pytest.raises(ValueError, match="fitted on"):
        WeightTuner().fit(X.iloc[:, :3], y).to_weights(2)


def test_weights_are_never_negative():
    rng = np.random.default_rng(1)
    X = rng.uniform(size=(300, 4))
    y = (X[:, 0] - X[:, 1] + 0.1 * rng.normal(size=300) > 0).astype(int)  # feature 1 hurts
    tuner = WeightTuner().fit(X, y)
    assert (tuner.coef_ >= 0).all() and tuner.coef_[1] == 0
    assert tuner.weights_.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(tuner.predict(X), X @ tuner.weights_)


def test_groups_are_centred_not_pooled():
    # People differ in how employable they are; within a person, only feature 0 matters.
    rng = np.random.default_rng(2)
    groups = np.repeat(np.arange(60), 10)
    level = rng.uniform(size=60)[groups]
    X = np.column_stack([rng.uniform(size=600), level + 0.05 * rng.normal(size=600)])
    y = (X[:, 0] + 3 * level + 0.2 * rng.normal(size=600) > 2.0).astype(int)
    pooled = WeightTuner().fit(X, y).weights_
    within = WeightTuner().fit(X, y, groups=groups).weights_
    assert within[0] > 0.9 > pooled[0]


def test_one_class_is_refused():
    with pytest.raises(ValueError, match="one class"):
        WeightTuner().fit(np.ones((5, 4)), np.zeros(5))


def test_ranking_metrics_known_answers():
    y = [1, 0, 0, 0, 1, 0]
    groups = ["a", "a", "a", "b", "b", "b"]
    perfect = [3, 2, 1, 1, 3, 2]
    worst = [1, 2, 3, 3, 1, 2]
    assert mean_ndcg_at_k(y, perfect, groups, k=3) == pytest.approx(1.0)
    assert mean_ndcg_at_k(y, worst, groups, k=3) == pytest.approx(0.5)
    assert hit_rate_at_k(y, worst, groups, k=1) == 0.0
    assert hit_rate_at_k(y, perfect, groups, k=1) == 1.0
    # ties count against: the relevant row tied at the cut is not a hit
    assert hit_rate_at_k([1, 0], [1, 1], k=1) == 0.0
    # a group with nothing relevant, or a single row, says nothing about order
    assert math.isnan(mean_ndcg_at_k([0, 0, 1], [1, 2, 3], ["a", "a", "b"]))


def test_tuned_weights_are_saved_as_the_next_version(tmp_path, monkeypatch, history_frame):
    X, y, groups = training_data(history_frame)
    tuner = WeightTuner().fit(X, y, groups=groups)
    monkeypatch.setenv("MATCHER_TUNED_WEIGHTS", str(tmp_path / "out" / "w.json"))
    current = default_weights().model_copy(update={"version": 4})
    saved, path = save_tuned_weights(tuner, note="test", current=current)
    assert path == tmp_path / "out" / "w.json"
    assert Weights.load(path) == saved and saved.version == 5
    monkeypatch.delenv("MATCHER_TUNED_WEIGHTS")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    assert tuned_weights_path() == tmp_path / "var" / "weights.json"


def _as_of(applications, proposals):
    """The history as it stood when the programme had made `proposals` proposals."""
    ordered = sorted(applications, key=lambda a: (a.proposed_on, a.id))
    day = ordered[proposals - 1].proposed_on
    return [
        a.model_copy(update={"steps": [s for s in a.steps if s.on <= day]})
        for a in ordered
        if a.proposed_on <= day
    ]


def test_a_thin_history_of_150_proposals_keeps_the_current_weights_and_says_why():
    frame = application_frame(_as_of(load_history().applications, 150))
    current = default_weights().model_copy(update={"version": 3})
    verdict = tune(frame, current=current)
    assert not verdict.better and verdict.tuned is None
    assert verdict.message.startswith("Too little history to beat version 3")
    assert "Keeping version 3." in verdict.message
    assert f"{verdict.people} people" in verdict.message and verdict.people < MIN_PEOPLE


def test_outcomes_unrelated_to_the_features_never_replace_the_weights(history_frame):
    for seed in range(4):
        noise = history_frame.copy()
        order = np.random.default_rng(seed).permutation(len(noise))
        for column in ("status", "interviewed", "hired"):
            noise[column] = noise[column].to_numpy()[order]
        verdict = tune(noise, current=default_weights())
        assert verdict.people >= MIN_PEOPLE  # enough people: the outcomes are what is missing
        assert not verdict.better, verdict.message
        assert "do not clearly beat version 1" in verdict.message


def test_a_clear_gain_on_held_out_people_is_the_next_version(history_frame):
    verdict = tune(history_frame, current=default_weights().model_copy(update={"version": 4}))
    assert verdict.better, verdict.message
    assert verdict.tuned is not None and verdict.tuned.version == 5
    assert verdict.lower is not None and verdict.lower > 0
    assert verdict.comparison is not None and verdict.comparison.people is not None
    assert len(verdict.comparison.people) == verdict.people
    assert "held-out" in verdict.note and "against version 4" in verdict.note


def test_cross_validation_on_fewer_people_than_folds_still_runs():
    frame = application_frame(_as_of(load_history().applications, 150))
    X, y, groups = training_data(frame)
    few = frame[frame["candidate_id"].isin(sorted(set(groups))[:4])]
    comparison = compare_weights(few, n_splits=5)
    assert len(comparison.folds) <= 4
