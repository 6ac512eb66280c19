"""Plans that count what is already under way: on the fixtures' history no plan proposes a pair
that has an application, a vacancy's room is its open positions less the proposals in progress,
and a person's proposals in progress count against their per_candidate."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from support import Databases, as_role, candidate_body, make_key, settings_for, vacancy_body

from matcher.outcomes.applications import OPEN_STATUSES
from service import store
from service.app import create_app


def _proposed(plan: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (person["candidate_id"], p["vacancy_id"])
        for person in plan["candidates"]
        for p in person["proposals"]
    ]


def test_no_plan_proposes_a_pair_the_record_already_has(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    with app.state.sessions() as session:
        found = store.applications(session)
    recorded = {(a.candidate_id, a.vacancy_id) for a in found}
    in_progress = Counter(a.vacancy_id for a in found if a.status in OPEN_STATUSES)
    busy_people = Counter(a.candidate_id for a in found if a.status in OPEN_STATUSES)
    plan = client.post("/plans", json={"per_candidate": 3}, headers=as_role(keys, "jobhunter"))
    assert plan.status_code == 200, plan.text
    pairs = _proposed(plan.json())
    assert pairs and not set(pairs) & recorded
    # Each person gets at most what is left of their three after their proposals in progress.
    for person, count in Counter(p for p, _ in pairs).items():
        assert count <= max(3 - busy_people[person], 0)
    # And no vacancy gets more than its room: 2 per open position, less what is under way.
    vacancies = {
        v["id"]: v
        for v in client.get(
            "/vacancies?status=open&limit=500", headers=as_role(keys, "jobhunter")
        ).json()["data"]
    }
    for vacancy, count in Counter(v for _, v in pairs).items():
        if vacancy in vacancies:
            assert count <= 2 * vacancies[vacancy]["positions"] - in_progress[vacancy]


def test_a_vacancy_full_of_proposals_gets_no_more(databases: Databases) -> None:
    app = create_app(settings_for(databases.new(), load_fixtures=False))
    with TestClient(app) as client:
        key = {"X-API-Key": make_key(app, "jobhunter")}
        job = vacancy_body(positions=1)
        assert client.post("/vacancies", json=job, headers=key).status_code == 201
        people = [candidate_body(stage="ready") for _ in range(4)]
        for person in people:
            assert client.post("/candidates", json=person, headers=key).status_code == 201
        ids = [p["id"] for p in people]
        before = client.post("/plans", json={"candidate_ids": ids}, headers=key).json()
        assert len([v for _, v in _proposed(before) if v == job["id"]]) == 2  # 2 per position
        for person in ids[:2]:
            body = {"candidate_id": person, "vacancy_id": job["id"]}
            assert client.post("/applications", json=body, headers=key).status_code == 201
        after = client.post("/plans", json={"candidate_ids": ids}, headers=key).json()
        assert job["id"] not in {v for _, v in _proposed(after)}  # its two slots are taken
        # The two proposed to it have one proposal under way: at most per_candidate - 1 more.
        for person, count in Counter(p for p, _ in _proposed(after)).items():
            assert count <= (2 if person in ids[:2] else 3)
