"""Vacancies over HTTP: language-light posts, filters, employers kept to their own."""

from __future__ import annotations

from typing import Any

import pytest
from factories import dutch_required
from fastapi.testclient import TestClient
from support import EMPLOYER, OTHER_EMPLOYER, as_role, vacancy_body

LIGHT = {"dutch": None, "contact_languages": ["en", "uk", "ru"], "contact_level": "A2"}


def test_an_employer_posts_a_language_light_vacancy(
    client: TestClient, keys: dict[str, str]
) -> None:
    body = vacancy_body(employer=EMPLOYER, language=LIGHT, location={"postcode": "2030"})
    made = client.post("/vacancies", json=body, headers=as_role(keys, "employer"))
    assert made.status_code == 201, made.text
    assert made.json()["language"] == LIGHT
    listed = client.get(
        "/vacancies?language_light=true&limit=500", headers=as_role(keys, "employer")
    ).json()
    assert body["id"] in [v["id"] for v in listed["data"]]
    assert all(v["language"]["dutch"] is None for v in listed["data"])


def test_language_light_filter_splits_the_catalogue(
    client: TestClient, keys: dict[str, str]
) -> None:
    who = as_role(keys, "jobhunter")
    everything = client.get("/vacancies?limit=1", headers=who).json()["count"]
    light = client.get("/vacancies?language_light=true&limit=500", headers=who).json()
    dutch = client.get("/vacancies?language_light=false&limit=500", headers=who).json()
    assert light["count"] + dutch["count"] == everything
    assert all(v["language"]["dutch"] is None for v in light["data"])
    assert all(v["language"]["dutch"] is not None for v in dutch["data"])


def test_filters_by_employer_and_status(client: TestClient, keys: dict[str, str]) -> None:
    who = as_role(keys, "coordinator")
    body = vacancy_body(employer="Filtertest BV", status="closed")
    client.post("/vacancies", json=body, headers=who)
    page = client.get("/vacancies?employer=Filtertest BV", headers=who).json()
    assert [v["id"] for v in page["data"]] == [body["id"]]
    assert client.get("/vacancies?employer=Filtertest BV&status=open", headers=who).json() == {
        "data": [],
        "count": 0,
        "limit": 50,
        "offset": 0,
    }


@pytest.mark.parametrize(
    ("change", "loc", "words"),
    [
        ({"location": {"postcode": "9999"}}, ["body", "location"], "postcode '9999'"),
        (
            {"shifts": [{"days": ["mon"], "start": "08:00"}]},
            ["body", "shifts", 0, "end"],
            "required",
        ),
        (
            {"language": {"dutch": None, "contact_languages": ["en"]}},
            ["body", "language"],
            "contact_level is required",
        ),
        (
            {"language": {"dutch": None, "contact_level": "A2"}},
            ["body", "language"],
            "contact_languages",
        ),
        (
            {"shifts": [{"days": ["mon"], "start": "25:00", "end": "08:00"}]},
            ["body", "shifts", 0, "start"],
            "HH:MM",
        ),
        ({"hours_per_week": 0}, ["body", "hours_per_week"], "greater than 0"),
        ({"employer": ""}, ["body", "employer"], "at least 1"),
    ],
)
def test_an_employer_is_told_exactly_what_is_wrong(
    client: TestClient,
    keys: dict[str, str],
    change: dict[str, Any],
    loc: list[Any],
    words: str,
) -> None:
    body = {**vacancy_body(employer=EMPLOYER), **change}
    response = client.post("/vacancies", json=body, headers=as_role(keys, "employer"))
    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    assert any(e["loc"] == loc and words in e["msg"] for e in errors), errors


def test_employers_see_and_change_only_their_own(client: TestClient, keys: dict[str, str]) -> None:
    mine, theirs = as_role(keys, "employer"), as_role(keys, "other_employer")
    body = vacancy_body(employer=EMPLOYER)
    assert client.post("/vacancies", json=body, headers=mine).status_code == 201

    # posting for somebody else
    other = vacancy_body(employer=EMPLOYER)
    refused = client.post("/vacancies", json=other, headers=theirs)
    assert refused.status_code == 403 and "employer" in refused.json()["detail"]

    # listing: only their own, even when asking for another's
    listed = client.get("/vacancies?limit=500", headers=theirs).json()
    assert {v["employer"] for v in listed["data"]} <= {OTHER_EMPLOYER}
    assert client.get(f"/vacancies?employer={EMPLOYER}", headers=theirs).status_code == 403
    mine_listed = client.get("/vacancies?limit=500", headers=mine).json()
    assert body["id"] in {v["id"] for v in mine_listed["data"]}
    assert {v["employer"] for v in mine_listed["data"]} == {EMPLOYER}

    # reading, changing, deleting another's
    path = f"/vacancies/{body['id']}"
    assert client.get(path, headers=theirs).status_code == 403
    assert client.put(path, json={**body, "title": "Mine now"}, headers=theirs).status_code == 403
    moved = {**body, "employer": OTHER_EMPLOYER}
    assert client.put(path, json=moved, headers=theirs).status_code == 403
    assert client.put(path, json=moved, headers=mine).status_code == 403  # give it away
    assert client.delete(path, headers=theirs).status_code == 403
    assert client.get(path, headers=mine).json() == body

    # their own: fine
    closed = client.put(path, json={**body, "status": "closed"}, headers=mine)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert client.delete(path, headers=mine).status_code == 204
    assert client.get(path, headers=mine).status_code == 404


def test_jobhunters_may_write_vacancies_for_any_employer(
    client: TestClient, keys: dict[str, str]
) -> None:
    body = vacancy_body(employer="Any Employer NV", language=dutch_required("B1"))
    made = client.post("/vacancies", json=body, headers=as_role(keys, "jobhunter"))
    assert made.status_code == 201
    assert made.json()["language"]["dutch"] == "B1"


def test_conflicts_and_mismatches(client: TestClient, keys: dict[str, str]) -> None:
    who = as_role(keys, "coordinator")
    assert client.post("/vacancies", json=vacancy_body(id="v-0001"), headers=who).status_code == 409
    mismatch = client.put("/vacancies/v-0001", json=vacancy_body(id="v-0002"), headers=who)
    assert mismatch.status_code == 422 and mismatch.json()["detail"][0]["loc"] == ["body", "id"]
    assert (
        client.put("/vacancies/v-none", json=vacancy_body(id=None), headers=who).status_code == 404
    )
    assert client.get("/vacancies/v-none", headers=who).status_code == 404
    assert client.delete("/vacancies/v-none", headers=who).status_code == 404


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=501", "offset=-3", "status=gone", "language_light=maybe"]
)
def test_list_parameters_out_of_range_are_422(
    client: TestClient, keys: dict[str, str], query: str
) -> None:
    response = client.get(f"/vacancies?{query}", headers=as_role(keys, "jobhunter"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", query.split("=")[0]]
