"""GET /stats on small known datasets (recorded over HTTP, or loaded as the fixtures' history)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any, get_args

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from support import Databases, as_role, candidate_body, make_key, settings_for, vacancy_body

from matcher.fixtures import load_candidates
from matcher.models import Stage
from service import store
from service.app import create_app
from service.tables import StageChangeRow

# Steps are never dated in the future, so the small programme below ran from 45 days ago to today.
T = date.today() - timedelta(days=45)


def day(offset: int) -> str:
    return (T + timedelta(days=offset)).isoformat()


def named_key(app: FastAPI, name: str) -> dict[str, str]:
    with app.state.sessions.begin() as session:
        _, key = store.create_key(session, role="jobhunter", name=name)
    return {"X-API-Key": key}


def ok(response: Any) -> Any:
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_figures_of_a_small_programme_recorded_over_http(databases: Databases) -> None:
    app = create_app(settings_for(databases.new(), load_fixtures=False, target_placed=10))
    with TestClient(app) as client:
        an, bart = named_key(app, "An"), named_key(app, "Bart")
        coordinator = {"X-API-Key": make_key(app, "coordinator")}
        people = [candidate_body(stage=s) for s in ("ready", "ready", "intake")]
        for person in people:
            ok(client.post("/candidates", json=person, headers=an))
        with app.state.sessions.begin() as session:  # as if they had been entered on T
            session.execute(update(StageChangeRow).values(on=T))
        job, other = vacancy_body(), vacancy_body()
        for vacancy in (job, other):
            ok(client.post("/vacancies", json=vacancy, headers=an))
        first, second = people[0]["id"], people[1]["id"]

        def propose(who: dict[str, str], person: str, vacancy: str, on: int) -> str:
            body = {"candidate_id": person, "vacancy_id": vacancy, "on": day(on)}
            ident: str = ok(client.post("/applications", json=body, headers=who))["id"]
            return ident

        def step(ident: str, status: str, on: int, **more: str) -> None:
            body = {"status": status, "on": day(on), **more}
            ok(client.patch(f"/applications/{ident}", json=body, headers=an))

        hired = propose(an, first, job["id"], 0)
        step(hired, "interview", 3)
        step(hired, "hired", 10)
        rejected = propose(bart, second, job["id"], 0)
        step(rejected, "rejected", 2, reason="schedule", note="Nights only")
        withdrawn = propose(an, second, other["id"], 40)
        step(withdrawn, "withdrawn", 41)

        response = client.get(f"/stats?on={day(45)}", headers=coordinator)
        figures = ok(response)
        assert figures["as_of"] == day(45)
        assert figures["candidates_per_stage"] == {
            "intake": 1,
            "activation": 0,
            "ready": 1,
            "placed": 1,
            "follow_up": 0,
            "closed": 0,
        }
        proposals = Counter(day(d)[:7] for d in (0, 0, 40))
        interviews, hires = Counter([day(3)[:7]]), Counter([day(10)[:7]])
        months = sorted({day(d)[:7] for d in range(46)})
        assert figures["per_month"] == [
            {"month": m, "proposals": proposals[m], "interviews": interviews[m], "hires": hires[m]}
            for m in months
        ]
        assert figures["per_jobhunter"] == {
            "An": {"proposals": 2, "interviews": 1, "hires": 1},
            "Bart": {"proposals": 1, "interviews": 0, "hires": 0},
        }
        # `ready` was recorded when the person was created (T); hired ten days on
        assert figures["time_to_first_hire"] == {"count": 1, "median_days": 10.0, "mean_days": 10.0}
        assert figures["rejection_reasons"]["schedule"] == 1
        assert sum(figures["rejection_reasons"].values()) == 1
        assert figures["placements"] == {
            "placed": 1,
            "target_placed": 10,  # from the settings (MATCHER_TARGET_PLACED)
            "target_people": 400,
            "people": 3,
            "share_of_target": 0.1,
        }

        # as of an earlier day, later steps are left out; query parameters set the targets
        early = ok(
            client.get(f"/stats?on={day(5)}&target_placed=4&target_people=8", headers=coordinator)
        )
        assert early["placements"]["placed"] == 0
        assert (early["placements"]["target_placed"], early["placements"]["target_people"]) == (
            4,
            8,
        )
        assert early["per_jobhunter"]["An"] == {"proposals": 1, "interviews": 1, "hires": 0}

        for bad in ("target_placed=0", "target_people=-1", "on=tomorrow"):
            assert client.get(f"/stats?{bad}", headers=coordinator).status_code == 422
        refused = client.get("/stats", headers=an)
        assert refused.status_code == 403 and "coordinator" in refused.json()["detail"]


def test_the_fixtures_history_loads_on_first_start(databases: Databases, tmp_path: Path) -> None:
    step = {"reason": None, "note": None}
    history = {
        "about": "a small history for this test",
        "reference_date": "2026-03-31",
        "programme_start": "2026-01-01",
        "true_model": {},
        "stage_changes": [
            {"candidate_id": "c-0001", "stage": "ready", "on": "2026-01-10"},
            {"candidate_id": "c-0002", "stage": "ready", "on": "2026-01-20"},
            {"candidate_id": "c-9999", "stage": "ready", "on": "2026-01-20"},  # not a fixture
        ],
        "applications": [
            {
                "id": "a-h1",
                "candidate_id": "c-0001",
                "vacancy_id": "v-0001",
                "jobhunter": "jobhunter-1",
                "steps": [
                    {"status": "proposed", "on": "2026-01-15", **step},
                    {"status": "interview", "on": "2026-02-01", **step},
                    {"status": "hired", "on": "2026-02-09", **step},
                ],
                "snapshot": {
                    "weights_version": 1,
                    "score": 0.5,
                    "blocked": False,
                    "features": {"skills": 0.5, "language": 1, "commute": 0.5, "childcare": 1},
                },
            },
            {
                "id": "a-h2",
                "candidate_id": "c-0002",
                "vacancy_id": "v-0002",
                "jobhunter": "jobhunter-2",
                "steps": [
                    {"status": "proposed", "on": "2026-02-03", **step},
                    {"status": "rejected", "on": "2026-02-04", "reason": "language", "note": None},
                ],
                "snapshot": None,
            },
        ],
    }
    (tmp_path / "history.json").write_text(json.dumps(history), "utf-8")
    app = create_app(settings_for(databases.new(), history_dir=tmp_path))
    with TestClient(app) as client:
        key = as_role({"k": make_key(app, "coordinator")}, "k")
        loaded = ok(client.get("/candidates/c-0001/applications", headers=key))
        assert [a["id"] for a in loaded] == ["a-h1"]
        assert loaded[0]["status"] == "hired" and loaded[0]["snapshot"]["score"] == 0.5
        assert ok(client.get("/applications/a-h2", headers=key))["status"] == "rejected"
        figures = ok(client.get("/stats?on=2026-03-31", headers=key))
        stages = Counter(c.stage for c in load_candidates())
        # Every stage, from the model, so that a stage missing from the answer fails.
        assert figures["candidates_per_stage"] == {s: stages[s] for s in get_args(Stage)}
        assert figures["per_month"] == [
            {"month": "2026-01", "proposals": 1, "interviews": 0, "hires": 0},
            {"month": "2026-02", "proposals": 1, "interviews": 1, "hires": 1},
            {"month": "2026-03", "proposals": 0, "interviews": 0, "hires": 0},
        ]
        assert figures["time_to_first_hire"] == {"count": 1, "median_days": 30.0, "mean_days": 30.0}
        assert figures["rejection_reasons"]["language"] == 1
        assert figures["placements"]["placed"] == 1 and figures["placements"]["people"] == 400
        with app.state.sessions() as session:
            assert len(store.stage_changes(session)) == 2  # c-9999 is not a fixture: skipped


def test_no_history_file_no_history(databases: Databases, tmp_path: Path) -> None:
    app = create_app(settings_for(databases.new(), history_dir=tmp_path))
    with TestClient(app) as client:
        key = as_role({"k": make_key(app, "coordinator")}, "k")
        figures = ok(client.get("/stats", headers=key))
        assert figures["per_month"] == [] and figures["placements"]["placed"] == 0
        assert figures["placements"]["people"] == 400
