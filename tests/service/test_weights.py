"""Weights over HTTP: every version kept, with who changed them and when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from support import as_role

from matcher import default_weights

EVEN = {"skills": 1.0, "language": 1.0, "commute": 1.0, "childcare": 1.0}


def test_the_defaults_are_version_1(client: TestClient, keys: dict[str, str]) -> None:
    history = client.get("/weights/history", headers=as_role(keys, "jobhunter")).json()
    first = history[-1]
    assert first["version"] == 1
    assert first["weights"] == default_weights().weights
    assert first["changed_by"].startswith("system")


def test_put_stores_a_new_version_and_keeps_the_old(
    client: TestClient, keys: dict[str, str]
) -> None:
    coordinator, jobhunter = as_role(keys, "coordinator"), as_role(keys, "jobhunter")
    before = client.get("/weights", headers=jobhunter).json()
    put = client.put("/weights", json={"weights": EVEN, "note": "even"}, headers=coordinator)
    assert put.status_code == 200, put.text
    new = put.json()
    assert new["version"] == before["version"] + 1
    assert new["weights"] == EVEN and new["note"] == "even"
    assert "test coordinator" in new["changed_by"] and "coordinator" in new["changed_by"]
    changed_at = datetime.fromisoformat(new["changed_at"])
    assert abs(changed_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert client.get("/weights", headers=jobhunter).json() == new
    history = client.get("/weights/history", headers=jobhunter).json()
    assert [h["version"] for h in history[:2]] == [new["version"], before["version"]]
    assert history[1] == before


def test_an_expected_version_guards_against_lost_updates(
    client: TestClient, keys: dict[str, str]
) -> None:
    coordinator = as_role(keys, "coordinator")
    current = client.get("/weights", headers=coordinator).json()["version"]
    stale = client.put("/weights", json={"weights": EVEN, "version": current}, headers=coordinator)
    assert stale.status_code == 409 and "GET /weights" in stale.json()["detail"]
    assert client.get("/weights", headers=coordinator).json()["version"] == current
    fresh = client.put(
        "/weights", json={"weights": EVEN, "version": current + 1}, headers=coordinator
    )
    assert fresh.status_code == 200 and fresh.json()["version"] == current + 1


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"weights": {**EVEN, "salary": 1}}, "unknown features"),
        ({"weights": {"skills": 1}}, "missing weights"),
        ({"weights": {**EVEN, "skills": -1}}, "between 0 and 100"),
        ({"weights": dict.fromkeys(EVEN, 0)}, "above zero"),
        ({"weights": {**EVEN, "skills": "much"}}, "number"),
        ({"weights": EVEN, "colour": "red"}, "not permitted"),
        ({"weights": EVEN, "version": 0}, "greater than or equal to 1"),
        ({}, "required"),
    ],
)
def test_bad_weights_are_422_naming_the_field(
    client: TestClient, keys: dict[str, str], body: dict[str, object], words: str
) -> None:
    response = client.put("/weights", json=body, headers=as_role(keys, "coordinator"))
    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    assert any(e["loc"][0] == "body" and words in e["msg"] for e in errors), errors
