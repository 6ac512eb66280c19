"""Vacancies that fill and close: hires fill positions, the last fills the vacancy, and a vacancy
with a history is archived rather than destroyed."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from support import Databases, candidate_body, make_key, settings_for, vacancy_body

from service.app import create_app


@pytest.fixture(scope="module")
def setup(databases: Databases) -> Any:
    app = create_app(settings_for(databases.new(), load_fixtures=False))
    with TestClient(app) as client:
        yield client, {"X-API-Key": make_key(app, "jobhunter")}


def _hire(client: TestClient, key: dict[str, str], vacancy_id: str) -> str:
    person = candidate_body(stage="ready")
    assert client.post("/candidates", json=person, headers=key).status_code == 201
    body = {"candidate_id": person["id"], "vacancy_id": vacancy_id}
    made = client.post("/applications", json=body, headers=key).json()
    step = client.patch(f"/applications/{made['id']}", json={"status": "hired"}, headers=key)
    assert step.status_code == 200, step.text
    return str(person["id"])


def _in_shortlist(client: TestClient, key: dict[str, str], person: str, vacancy_id: str) -> bool:
    shortlist = client.get(
        f"/candidates/{person}/shortlist?top=100&include_blocked=true", headers=key
    ).json()
    return vacancy_id in {r["vacancy_id"] for r in shortlist["results"]}


def test_hires_fill_positions_and_the_last_one_fills_the_vacancy(setup: Any) -> None:
    client, key = setup
    job = vacancy_body(positions=2)
    assert client.post("/vacancies", json=job, headers=key).status_code == 201
    watcher = candidate_body(stage="ready")  # someone who still looks, to watch the shortlist
    assert client.post("/candidates", json=watcher, headers=key).status_code == 201
    assert _in_shortlist(client, key, watcher["id"], job["id"])

    _hire(client, key, job["id"])
    assert client.get(f"/vacancies/{job['id']}", headers=key).json()["status"] == "open"
    assert _in_shortlist(client, key, watcher["id"], job["id"])  # one position left

    _hire(client, key, job["id"])
    assert client.get(f"/vacancies/{job['id']}", headers=key).json()["status"] == "filled"
    assert not _in_shortlist(client, key, watcher["id"], job["id"])
    # It left the vacancy-side view of open vacancies too.
    listed = client.get("/vacancies?status=open&limit=500", headers=key).json()["data"]
    assert job["id"] not in {v["id"] for v in listed}


def test_a_vacancy_with_a_history_is_archived_not_destroyed(setup: Any) -> None:
    client, key = setup
    job = vacancy_body(positions=3)
    assert client.post("/vacancies", json=job, headers=key).status_code == 201
    person = _hire(client, key, job["id"])
    assert client.delete(f"/vacancies/{job['id']}", headers=key).status_code == 204
    kept = client.get(f"/vacancies/{job['id']}", headers=key)
    assert kept.status_code == 200 and kept.json()["status"] == "closed"
    assert kept.json()["title"] == job["title"]
    [application] = client.get(f"/candidates/{person}/applications", headers=key).json()
    assert application["title"] == job["title"] and application["status"] == "hired"
    assert not _in_shortlist(client, key, person, job["id"])


def test_a_vacancy_without_a_history_is_removed(setup: Any) -> None:
    client, key = setup
    job = vacancy_body()
    assert client.post("/vacancies", json=job, headers=key).status_code == 201
    assert client.delete(f"/vacancies/{job['id']}", headers=key).status_code == 204
    assert client.get(f"/vacancies/{job['id']}", headers=key).status_code == 404
