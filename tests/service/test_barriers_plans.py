"""Barriers and plans over HTTP: shapes, the known answers of hand-built cases, roles, errors."""

from __future__ import annotations

import re
from typing import Any

import pytest
from factories import WEEKDAYS, point_east
from fastapi import FastAPI
from fastapi.testclient import TestClient
from support import as_role, candidate_body, vacancy_body

from matcher.planning.barriers import CHANGE_CODES
from service.routers.barriers import stats_pair_limit
from service.routers.plans import plan_pair_limit

# Far from the fixtures' vacancies (which are around Antwerp), so only what these tests post
# next to it is in reach, and the right answers are plain to see.
HOME = (50.71, 5.21)
HOME_AT = {"lat": HOME[0], "lon": HOME[1]}


@pytest.fixture(scope="module")
def early_shift(client: TestClient, keys: dict[str, str]) -> str:
    """A vacancy 12 km away with only a 06:00 shift: no tram runs early enough to get there."""
    body = vacancy_body(
        location=point_east(12.0, HOME),
        shifts=[{"days": WEEKDAYS, "start": "06:00", "end": "14:00"}],
    )
    response = client.post("/vacancies", json=body, headers=as_role(keys, "coordinator"))
    assert response.status_code == 201, response.text
    ident: str = body["id"]
    return ident


@pytest.fixture(scope="module")
def tram_rider(client: TestClient, keys: dict[str, str]) -> str:
    body = candidate_body(
        home=HOME_AT, transport=["public_transport"], max_commute_minutes=90, stage="activation"
    )
    response = client.post("/candidates", json=body, headers=as_role(keys, "jobhunter"))
    assert response.status_code == 201, response.text
    ident: str = body["id"]
    return ident


def get(client: TestClient, keys: dict[str, str], path: str, role: str = "jobhunter") -> Any:
    response = client.get(path, headers=as_role(keys, role))
    assert response.status_code == 200, response.text
    return response.json()


def test_barriers_name_a_bike_or_a_car_for_a_0600_shift(
    client: TestClient, keys: dict[str, str], early_shift: str, tram_rider: str
) -> None:
    body = get(client, keys, f"/candidates/{tram_rider}/barriers")
    assert body["candidate_id"] == tram_rider and body["top"] == 10
    assert body["blocked"] == body["open_vacancies"]  # nothing in reach as things are
    first = body["changes"][0]
    assert first["code"] in ("bike", "car") and first["unblocked"] == 1
    assert [e["vacancy_id"] for e in first["new_in_top"]] == [early_shift]
    assert first["new_in_top"][0]["blocked_before"] is True
    found = {c["code"]: c["unblocked"] for c in body["changes"]}
    assert found["bike"] == found["car"] == 1
    assert "public_transport" not in found


def test_barriers_for_a_fixture_candidate_have_stable_codes_in_order(
    client: TestClient, keys: dict[str, str]
) -> None:
    body = get(client, keys, "/candidates/c-0002/barriers?top=5", role="coordinator")
    assert body["top"] == 5 and body["weights_version"] >= 1
    assert {c["code"] for c in body["changes"]} <= set(CHANGE_CODES)
    order = [(-c["unblocked"], -len(c["new_in_top"])) for c in body["changes"]]
    assert order == sorted(order)
    assert all(len(c["new_in_top"]) <= 5 for c in body["changes"])


def test_programme_barriers_count_the_ready_candidates(
    client: TestClient, keys: dict[str, str]
) -> None:
    ready = client.get("/candidates?stage=ready&limit=1", headers=as_role(keys, "coordinator"))
    body = get(client, keys, "/stats/barriers", role="coordinator")
    assert ready.status_code == 200, ready.text
    assert body["candidates"] == ready.json()["count"]
    assert body["candidates"] > 0 and body["open_vacancies"] > 0
    changes = body["changes"]
    assert {c["code"] for c in changes} == set(CHANGE_CODES)
    order = [(-c["people"], -c["unblocked"]) for c in changes]
    assert order == sorted(order)
    assert all(c["people"] <= c["applicable"] <= body["candidates"] for c in changes)


def test_a_plan_respects_capacities_and_reports_top_k_next_to_it(
    client: TestClient, keys: dict[str, str]
) -> None:
    response = client.post("/plans", json={}, headers=as_role(keys, "jobhunter"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["per_candidate"], body["per_position"]) == (3, 2)
    assert all(len(c["proposals"]) <= 3 for c in body["candidates"])
    ids = [c["candidate_id"] for c in body["candidates"]]
    assert ids == sorted(ids)
    planner, top_k = body["summary"]["planner"], body["summary"]["top_k"]
    assert planner["over_capacity"] == 0
    assert planner["max_per_vacancy"] <= top_k["max_per_vacancy"]
    assert planner["coverage"] >= top_k["coverage"]
    assert planner["total_score"] >= 0.9 * top_k["total_score"]
    proposed = sum(len(c["proposals"]) for c in body["candidates"])
    assert proposed == planner["proposals"]
    scores = [p["score"] for c in body["candidates"] for p in c["proposals"]]
    assert all(0 <= s <= 1 for s in scores)


def test_one_position_three_equal_candidates_one_proposal(
    client: TestClient, keys: dict[str, str]
) -> None:
    who = as_role(keys, "coordinator")
    far = (50.3, 5.9)  # further still from everything else
    job = vacancy_body(location=point_east(1.0, far), positions=1)
    assert client.post("/vacancies", json=job, headers=who).status_code == 201
    same = {"home": {"lat": far[0], "lon": far[1]}, "transport": [], "max_commute_minutes": 30}
    three = [candidate_body(**same) for _ in range(3)]
    for person in three:
        assert client.post("/candidates", json=person, headers=who).status_code == 201
    request = {"candidate_ids": [p["id"] for p in three], "per_position": 1}
    response = client.post("/plans", json=request, headers=who)
    assert response.status_code == 200, response.text
    body = response.json()
    proposals = [p for c in body["candidates"] for p in c["proposals"]]
    assert [p["vacancy_id"] for p in proposals] == [job["id"]]
    assert body["summary"]["top_k"]["max_per_vacancy"] == 3
    assert body["summary"]["top_k"]["over_capacity"] == 1


def test_unknown_ids_are_404(client: TestClient, keys: dict[str, str]) -> None:
    who = as_role(keys, "jobhunter")
    assert client.get("/candidates/c-nobody/barriers", headers=who).status_code == 404
    response = client.post("/plans", json={"candidate_ids": ["c-0001", "c-nobody"]}, headers=who)
    assert response.status_code == 404
    assert "c-nobody" in response.json()["detail"]


@pytest.mark.parametrize(
    "body",
    [
        {"per_candidate": 0},
        {"per_position": 0},
        {"per_candidate": 21},
        {"min_score": 1.5},
        {"crowding": -0.1},
        {"candidate_ids": ["not an id!"]},
        {"surprise": 1},
    ],
)
def test_bad_plan_settings_are_422(
    client: TestClient, keys: dict[str, str], body: dict[str, Any]
) -> None:
    response = client.post("/plans", json=body, headers=as_role(keys, "jobhunter"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][0] == "body"


@pytest.mark.parametrize("query", ["top=0", "top=101", "top=x"])
def test_bad_barrier_parameters_are_422(
    client: TestClient, keys: dict[str, str], query: str
) -> None:
    who = as_role(keys, "jobhunter")
    response = client.get(f"/candidates/c-0001/barriers?{query}", headers=who)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "top"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/candidates/c-0001/barriers", {"jobhunter", "coordinator"}),
        ("GET", "/stats/barriers", {"coordinator"}),
        ("POST", "/plans", {"jobhunter", "coordinator"}),
    ],
)
def test_roles(
    client: TestClient, keys: dict[str, str], method: str, path: str, allowed: set[str]
) -> None:
    body = {"json": {"candidate_ids": ["c-0001"]}} if method == "POST" else {}
    assert client.request(method, path, **body).status_code == 401
    wrong_key = {"X-API-Key": "not-a-key"}
    assert client.request(method, path, headers=wrong_key, **body).status_code == 401
    for role in ("admin", "employer", "jobhunter", "coordinator"):
        status = client.request(method, path, headers=as_role(keys, role), **body).status_code
        assert status == (200 if role in allowed else 403), (role, status)


def test_programme_barriers_too_large_to_score_are_422_naming_a_sample_that_fits(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    whole = get(client, keys, "/stats/barriers", role="coordinator")
    assert whole["ready_candidates"] == whole["candidates"]
    # As if the vacancies were 100,000: room for some 30 rows (two or three people).
    app.dependency_overrides[stats_pair_limit] = lambda: 30 * whole["open_vacancies"]
    try:
        refused = client.get("/stats/barriers", headers=as_role(keys, "coordinator"))
        assert refused.status_code == 422, refused.text
        error = refused.json()["detail"][0]
        assert error["loc"] == ["query", "sample"]
        assert f"{whole['candidates']} ready people" in error["msg"]
        fits = int(re.search(r"\?sample=(\d+)", error["msg"]).group(1))  # type: ignore[union-attr]
        assert 1 <= fits < whole["candidates"]
        sampled = get(client, keys, f"/stats/barriers?sample={fits}", role="coordinator")
        assert sampled["candidates"] == fits
        assert sampled["ready_candidates"] == whole["ready_candidates"]
        assert sampled["open_vacancies"] == whole["open_vacancies"]
    finally:
        app.dependency_overrides.pop(stats_pair_limit)


def test_a_plan_for_more_people_than_can_be_scored_is_422_naming_candidate_ids(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    who = as_role(keys, "jobhunter")
    ready = [c["id"] for c in get(client, keys, "/candidates?stage=ready&limit=4")["data"]]
    open_vacancies = get(client, keys, "/stats/barriers", role="coordinator")["open_vacancies"]
    app.dependency_overrides[plan_pair_limit] = lambda: 4 * open_vacancies
    try:
        refused = client.post("/plans", json={}, headers=who)
        assert refused.status_code == 422, refused.text
        error = refused.json()["detail"][0]
        assert error["loc"] == ["body", "candidate_ids"]
        assert "name at most 4 people in candidate_ids" in error["msg"]
        response = client.post("/plans", json={"candidate_ids": ready}, headers=who)
        assert response.status_code == 200, response.text
        assert {c["candidate_id"] for c in response.json()["candidates"]} == set(ready)
    finally:
        app.dependency_overrides.pop(plan_pair_limit)
