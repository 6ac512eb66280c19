"""One pair, one story: a person and a vacancy have at most one application in progress, a new
one after it ended only when asked, and every application shows its vacancy's title and employer."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from support import Databases, candidate_body, make_key, settings_for, vacancy_body

from service.app import create_app

T = date.today()


def day(offset: int) -> str:
    return (T + timedelta(days=offset)).isoformat()


@pytest.fixture(scope="module")
def setup(databases: Databases) -> Any:
    app = create_app(settings_for(databases.new(), load_fixtures=False))
    with TestClient(app) as client:
        yield client, {"X-API-Key": make_key(app, "jobhunter")}


def _pair(client: TestClient, key: dict[str, str], **vacancy: Any) -> tuple[str, dict[str, Any]]:
    person, job = candidate_body(), vacancy_body(**vacancy)
    assert client.post("/candidates", json=person, headers=key).status_code == 201
    assert client.post("/vacancies", json=job, headers=key).status_code == 201
    return str(person["id"]), job


def test_a_second_proposal_of_a_pair_in_progress_is_409_with_the_existing_id(setup: Any) -> None:
    client, key = setup
    person, job = _pair(client, key)
    body = {"candidate_id": person, "vacancy_id": job["id"], "on": day(-5)}
    first = client.post("/applications", json=body, headers=key).json()
    for again in (False, True):  # in progress: not even with again
        second = client.post("/applications", json={**body, "again": again}, headers=key)
        assert second.status_code == 409, second.text
        assert second.json()["application_id"] == first["id"]
        assert "in progress" in second.json()["detail"]
    listed = client.get(f"/candidates/{person}/applications", headers=key).json()
    assert [a["id"] for a in listed] == [first["id"]]


@pytest.mark.parametrize(
    "ending",
    [
        {"status": "rejected", "reason": "schedule"},
        {"status": "withdrawn"},
        {"status": "hired"},
    ],
)
def test_after_an_application_ended_a_new_one_needs_again(
    setup: Any, ending: dict[str, str]
) -> None:
    client, key = setup
    # Two positions: one hire leaves the vacancy open (a filled one takes no new proposal).
    person, job = _pair(client, key, positions=2)
    body = {"candidate_id": person, "vacancy_id": job["id"], "on": day(-9)}
    first = client.post("/applications", json=body, headers=key).json()
    ended = client.patch(
        f"/applications/{first['id']}", json={**ending, "on": day(-2)}, headers=key
    )
    assert ended.status_code == 200, ended.text
    refused = client.post("/applications", json={**body, "on": day(0)}, headers=key)
    assert refused.status_code == 409 and refused.json()["application_id"] == first["id"]
    assert (
        '"again": true' in refused.json()["detail"] and ending["status"] in refused.json()["detail"]
    )
    again = client.post("/applications", json={**body, "on": day(0), "again": True}, headers=key)
    assert again.status_code == 201, again.text
    ids = [a["id"] for a in client.get(f"/candidates/{person}/applications", headers=key).json()]
    assert ids == [first["id"], again.json()["id"]]


def test_applications_show_their_vacancys_title_and_employer_also_once_closed(
    setup: Any,
) -> None:
    client, key = setup
    person, job = _pair(client, key)
    body = {"candidate_id": person, "vacancy_id": job["id"]}
    created = client.post("/applications", json=body, headers=key).json()
    assert (created["title"], created["employer"]) == (job["title"], job["employer"])
    closed = client.put(f"/vacancies/{job['id']}", json={**job, "status": "closed"}, headers=key)
    assert closed.status_code == 200
    for listed in (
        client.get(f"/applications/{created['id']}", headers=key).json(),
        client.get(f"/candidates/{person}/applications", headers=key).json()[0],
        client.get(f"/vacancies/{job['id']}/applications", headers=key).json()[0],
        client.patch(
            f"/applications/{created['id']}", json={"status": "withdrawn"}, headers=key
        ).json(),
    ):
        assert (listed["title"], listed["employer"]) == (job["title"], job["employer"])
