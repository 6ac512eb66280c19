"""Vacancies over HTTP: language-light posts, filters, employers kept to their own."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest
from factories import dutch_required
from fastapi import FastAPI
from fastapi.testclient import TestClient
from support import EMPLOYER, OTHER_EMPLOYER, as_role, candidate_body, vacancy_body

from service import store
from service.tables import RetiredVacancyId

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

    # reading, changing, deleting another's: as missing as no vacancy at all
    path = f"/vacancies/{body['id']}"
    assert client.get(path, headers=theirs).status_code == 404
    # a body naming another employer than the key's is refused before any lookup
    assert client.put(path, json={**body, "title": "Mine now"}, headers=theirs).status_code == 403
    moved = {**body, "employer": OTHER_EMPLOYER}
    assert client.put(path, json=moved, headers=theirs).status_code == 404
    assert client.put(path, json=moved, headers=mine).status_code == 403  # give it away
    assert client.delete(path, headers=theirs).status_code == 404
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


def _vacancy_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path template) of every published operation with a vacancy id in its path."""
    return sorted(
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if "{vacancy_id}" in path
        for method in operations
    )


def test_another_employers_vacancy_is_as_missing_as_no_vacancy(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    """An employer key cannot tell which ids its competitors use: every route taking a vacancy
    id answers another employer's vacancy exactly as it answers a missing one."""
    mine, theirs = as_role(keys, "employer"), as_role(keys, "other_employer")
    taken = vacancy_body(employer=EMPLOYER)
    assert client.post("/vacancies", json=taken, headers=mine).status_code == 201
    missing = f"v-none-{secrets.token_hex(4)}"
    routes = _vacancy_routes(app)
    assert {path for _, path in routes} >= {
        "/vacancies/{vacancy_id}",
        "/vacancies/{vacancy_id}/applications",
    }

    def ask(method: str, template: str, ident: str) -> tuple[int, Any]:
        # The body names the key's own employer: the one thing an employer key may say.
        body = vacancy_body(id=ident, employer=OTHER_EMPLOYER) if method == "PUT" else None
        response = client.request(
            method, template.replace("{vacancy_id}", ident), json=body, headers=theirs
        )
        # The same answer for both ids, once each id is put back as a placeholder.
        return response.status_code, json.loads(response.text.replace(ident, "ID") or "null")

    for method, template in routes:
        assert ask(method, template, taken["id"]) == ask(method, template, missing), (
            method,
            template,
        )
        if method in {"GET", "PUT", "DELETE"} and template == "/vacancies/{vacancy_id}":
            assert ask(method, template, missing)[0] == 404
    assert client.get(f"/vacancies/{taken['id']}", headers=mine).json() == taken  # untouched


def _propose(client: TestClient, keys: dict[str, str], vacancy_id: str) -> str:
    person = client.post("/candidates", json=candidate_body(), headers=as_role(keys, "jobhunter"))
    assert person.status_code == 201, person.text
    body = {"candidate_id": person.json()["id"], "vacancy_id": vacancy_id}
    made = client.post("/applications", json=body, headers=as_role(keys, "jobhunter"))
    assert made.status_code == 201, made.text
    ident: str = made.json()["id"]
    return ident


def test_a_deleted_vacancys_id_is_never_given_to_another_employer(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    """Employer A deletes a vacancy with applications (it is archived) and one without (it is
    removed, its id retired); employer B can take neither id, so cannot see A's applications
    under it, while A (and the coordinators) still can."""
    a, b = as_role(keys, "employer"), as_role(keys, "other_employer")
    body, bare = vacancy_body(employer=EMPLOYER), vacancy_body(employer=EMPLOYER)
    path = f"/vacancies/{body['id']}"
    for made in (body, bare):
        assert client.post("/vacancies", json=made, headers=a).status_code == 201
    proposed = {_propose(client, keys, body["id"]) for _ in range(3)}
    assert client.delete(path, headers=a).status_code == 204
    assert client.delete(f"/vacancies/{bare['id']}", headers=a).status_code == 204
    catalog_version = client.get("/health").json()["catalog_version"]

    for who, employer in ((b, OTHER_EMPLOYER), (a, EMPLOYER), (as_role(keys, "coordinator"), "X")):
        archived = client.post("/vacancies", json={**body, "employer": employer}, headers=who)
        assert archived.status_code == 409, archived.text
        retired = client.post("/vacancies", json={**bare, "employer": employer}, headers=who)
        assert retired.status_code == 409, retired.text
        assert "was used by a deleted vacancy; ids are never reused" in retired.json()["detail"]
    assert client.get(path, headers=b).status_code == 404
    assert client.get(f"{path}/applications", headers=b).status_code == 404
    theirs = client.get(f"{path}/applications", headers=a)
    assert theirs.status_code == 200 and {x["id"] for x in theirs.json()} == proposed
    everyone = client.get(f"{path}/applications", headers=as_role(keys, "coordinator")).json()
    assert {x["id"] for x in everyone} == proposed

    with app.state.sessions() as session:
        assert session.get(RetiredVacancyId, body["id"]) is None  # archived, not retired
        retired_row = session.get(RetiredVacancyId, bare["id"])
        assert retired_row is not None
        # the catalog version the deletion moved to: what a fitted engine compares with its own
        assert (retired_row.employer, retired_row.revision) == (EMPLOYER, catalog_version)


def test_a_refused_delete_retires_nothing(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    body = vacancy_body(employer=EMPLOYER)
    assert (
        client.post("/vacancies", json=body, headers=as_role(keys, "employer")).status_code == 201
    )
    path = f"/vacancies/{body['id']}"
    assert client.delete(path, headers=as_role(keys, "other_employer")).status_code == 404
    with app.state.sessions() as session:
        assert session.get(RetiredVacancyId, body["id"]) is None
    assert client.get(path, headers=as_role(keys, "employer")).json() == body


def test_server_assigned_vacancy_ids_never_collide_with_retired_or_live_ones(
    client: TestClient, keys: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    who = as_role(keys, "coordinator")
    gone, live = vacancy_body(), vacancy_body()
    for body in (gone, live):
        assert client.post("/vacancies", json=body, headers=who).status_code == 201
    assert client.delete(f"/vacancies/{gone['id']}", headers=who).status_code == 204
    # Random ids collide only once in 2**48: the generator is made to offer the taken ones first.
    fresh = f"v-{secrets.token_hex(6)}"
    offered = iter([gone["id"], live["id"], fresh])
    monkeypatch.setattr(store, "_vacancy_id", lambda: next(offered))
    made = client.post("/vacancies", json=vacancy_body(id=None), headers=who)
    assert made.status_code == 201, made.text
    assert made.json()["id"] == fresh
    assert client.get(f"/vacancies/{live['id']}", headers=who).json() == live


def test_applications_stay_with_the_employer_they_were_proposed_to(
    client: TestClient, keys: dict[str, str]
) -> None:
    """A vacancy handed to another employer (a coordinator may) does not take its past
    applications along: they stay the first employer's."""
    a, b = as_role(keys, "employer"), as_role(keys, "other_employer")
    body = vacancy_body(employer=EMPLOYER)
    path = f"/vacancies/{body['id']}"
    assert client.post("/vacancies", json=body, headers=a).status_code == 201
    before = _propose(client, keys, body["id"])
    moved = {**body, "employer": OTHER_EMPLOYER}
    assert client.put(path, json=moved, headers=as_role(keys, "coordinator")).status_code == 200
    after = _propose(client, keys, body["id"])

    seen_by_b = client.get(f"{path}/applications", headers=b)
    assert seen_by_b.status_code == 200 and [x["id"] for x in seen_by_b.json()] == [after]
    seen_by_a = client.get(f"{path}/applications", headers=a)
    assert seen_by_a.status_code == 200 and [x["id"] for x in seen_by_a.json()] == [before]
