"""Feature frames: the engine's scores as one row per pair, and recorded applications."""

import numpy as np
import pandas as pd
import pytest
from factories import make_candidate, make_vacancy, point_east

from matcher import Engine
from matcher.outcomes.applications import Application
from matcher.outcomes.frames import (
    APPLICATION_COLUMNS,
    FEATURE_COLUMNS,
    application_frame,
    feature_frame,
)
from matcher.weights import FEATURES


@pytest.fixture(scope="module")
def small():
    vacancies = [
        make_vacancy(id="v-near", location=point_east(1.0)),
        make_vacancy(id="v-far", location=point_east(60.0)),
        make_vacancy(
            id="v-dutch",
            language={"dutch": "B2", "contact_languages": [], "contact_level": None},
        ),
        make_vacancy(id="v-closed", status="closed"),
    ]
    candidates = [
        make_candidate(id="c-a"),
        make_candidate(id="c-b", languages={"nl": "B2"}, transport=["car"], driving_licence=True),
    ]
    return Engine().fit(vacancies), candidates, vacancies


def test_one_row_per_pair_with_the_engines_scores(small):
    engine, candidates, _ = small
    frame = feature_frame(engine, candidates)
    assert list(frame.columns) == [
        "candidate_id",
        "vacancy_id",
        "score",
        "blocked",
        *(c for f in FEATURES for c in (f"{f}_score", f"{f}_blocking")),
    ]
    assert len(frame) == 2 * 3  # the closed vacancy is not fitted
    assert frame["candidate_id"].tolist() == ["c-a"] * 3 + ["c-b"] * 3
    scores = engine.score(candidates)
    np.testing.assert_allclose(frame["score"], scores.score.ravel())
    np.testing.assert_array_equal(frame["blocked"], scores.blocked.ravel())
    for name in FEATURES:
        np.testing.assert_allclose(frame[f"{name}_score"], scores.features[name].score.ravel())
        np.testing.assert_array_equal(
            frame[f"{name}_blocking"], scores.features[name].blocking.ravel()
        )
    row = frame.set_index(["candidate_id", "vacancy_id"]).loc[("c-a", "v-dutch")]
    assert row["language_blocking"] and row["blocked"]
    assert frame.set_index(["candidate_id", "vacancy_id"]).loc[("c-a", "v-far"), "commute_blocking"]


def test_agrees_with_the_shortlist(small):
    engine, candidates, _ = small
    frame = feature_frame(engine, candidates).set_index(["candidate_id", "vacancy_id"])
    for match in engine.shortlist(candidates[1], include_blocked=True).results:
        row = frame.loc[(candidates[1].id, match.vacancy_id)]
        assert row["score"] == pytest.approx(match.score)
        for name in FEATURES:
            assert row[f"{name}_score"] == pytest.approx(match.features[name].score)


def test_chosen_vacancies_closed_ones_scored_as_open(small):
    engine, candidates, vacancies = small
    frame = feature_frame(engine, candidates[:1], [vacancies[3], vacancies[0]])
    assert frame["vacancy_id"].tolist() == ["v-closed", "v-near"]
    # v-closed is v-near's twin apart from its status: same scores
    assert frame["score"].iloc[0] == pytest.approx(frame["score"].iloc[1])
    same = feature_frame(engine, candidates[:1], engine.vacancies_)
    assert len(same) == 3


def test_no_candidates_no_rows(small):
    frame = feature_frame(small[0], [])
    assert frame.empty and "skills_score" in frame.columns


def _application(cid, vid, *steps, snapshot=None):
    return Application.model_validate(
        {
            "id": f"a-{cid}-{vid}",
            "candidate_id": cid,
            "vacancy_id": vid,
            "jobhunter": "jobhunter-1",
            "steps": [{"status": s, "on": d, **extra} for s, d, extra in steps],
            "snapshot": snapshot,
        }
    )


SNAPSHOT = {
    "weights_version": 1,
    "score": 0.8,
    "blocked": False,
    "features": {"skills": 0.5, "language": 1.0, "commute": 0.9, "childcare": 0.7},
}


def test_applications_from_their_snapshots():
    apps = [
        _application(
            "c-a",
            "v-near",
            ("proposed", "2026-01-05", {}),
            ("applied", "2026-01-06", {}),
            ("interview", "2026-01-12", {}),
            ("hired", "2026-01-20", {}),
            snapshot=SNAPSHOT,
        ),
        _application(
            "c-a",
            "v-far",
            ("proposed", "2026-01-07", {}),
            ("rejected", "2026-01-09", {"reason": "commute"}),
            snapshot=SNAPSHOT,
        ),
        _application("c-b", "v-near", ("proposed", "2026-02-01", {}), snapshot=SNAPSHOT),
    ]
    frame = application_frame(apps)
    assert list(frame.columns) == list(APPLICATION_COLUMNS)
    assert frame["status"].tolist() == ["hired", "rejected", "proposed"]
    assert frame["interviewed"].tolist() == [True, False, False]
    assert frame["hired"].tolist() == [True, False, False]
    assert frame["reason"].iloc[1] == "commute"
    assert frame["proposed_on"].iloc[0] == pd.Timestamp("2026-01-05")
    assert frame["skills_score"].tolist() == [0.5] * 3
    assert frame["skills_blocking"].isna().all()  # snapshots keep no blocking flags
    assert frame["from_snapshot"].all()


def test_applications_without_snapshots_are_scored_with_an_engine(small):
    engine, candidates, vacancies = small
    apps = [
        _application("c-a", "v-far", ("proposed", "2026-01-05", {})),
        _application("c-b", "v-closed", ("proposed", "2026-01-05", {}), snapshot=SNAPSHOT),
    ]
    with pytest.raises(ValueError, match="1 applications have no snapshot"):
        application_frame(apps)
    frame = application_frame(apps, engine=engine, candidates=candidates, vacancies=vacancies)
    pairs = feature_frame(engine, candidates, vacancies).set_index(["candidate_id", "vacancy_id"])
    fresh = pairs.loc[("c-a", "v-far")]
    for column in ("score", *FEATURE_COLUMNS):
        assert frame[column].iloc[0] == pytest.approx(fresh[column])
    assert bool(frame["commute_blocking"].iloc[0]) is True
    assert frame["from_snapshot"].tolist() == [False, True]
    assert frame["skills_score"].iloc[1] == 0.5  # the snapshot wins where there is one
    assert frame["weights_version"].tolist() == [1, 1]
    with pytest.raises(ValueError, match="unknown"):
        application_frame(apps, engine=engine, candidates=candidates[:1], vacancies=vacancies)
