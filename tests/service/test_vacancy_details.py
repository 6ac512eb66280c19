"""The vacancy fields a coach acts on (description, address, contact, wage, contract, dates), and
closes_on closing the vacancy itself: stored closed, gone from shortlists, in every process."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import sessionmaker
from support import Databases, candidate_body, make_key, settings_for, vacancy_body

from service import store
from service.app import create_app
from service.closing import close_expired
from service.db import create_db_engine
from service.tables import VacancyRow

DETAILS: dict[str, Any] = {
    "description": "Order picking in a cold store; safety shoes provided.",
    "address": "Noorderlaan 147, 2030 Antwerpen",
    "contact": {"name": "An Peeters", "phone": "+32 3 123 45 67", "email": "jobs@koel.example"},
    "wage": {"min": 14.5, "max": 16.25},
    "contract": "temporary_agency",
    "starts_on": "2026-01-05",
    "closes_on": "2099-12-31",
}


@pytest.fixture(scope="module")
def setup(databases: Databases) -> Any:
    app = create_app(settings_for(databases.new(), load_fixtures=False))
    with TestClient(app) as client:
        yield app, client, {"X-API-Key": make_key(app, "coordinator")}


def _in_shortlist(client: TestClient, key: dict[str, str], person: str, vacancy_id: str) -> bool:
    shortlist = client.get(
        f"/candidates/{person}/shortlist?top=100&include_blocked=true", headers=key
    ).json()
    return vacancy_id in {r["vacancy_id"] for r in shortlist["results"]}


def test_the_details_a_coach_needs_round_trip(setup: Any) -> None:
    _, client, key = setup
    job = {**vacancy_body(), **DETAILS}
    created = client.post("/vacancies", json=job, headers=key)
    assert created.status_code == 201, created.text
    stored = client.get(f"/vacancies/{job['id']}", headers=key).json()
    assert {name: stored[name] for name in DETAILS} == DETAILS
    patched = client.patch(
        f"/vacancies/{job['id']}",
        json={"wage": {"min": 15, "max": 15}, "contact": None},
        headers={**key, "Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200, patched.text
    again = client.get(f"/vacancies/{job['id']}", headers=key).json()
    assert again["wage"] == {"min": 15, "max": 15} and again["contact"] is None
    assert again["description"] == DETAILS["description"]


@pytest.mark.parametrize(
    ("fields", "loc", "words"),
    [
        ({"wage": {"min": 18, "max": 12}}, ["body", "wage"], "larger than max"),
        ({"wage": {"min": 0, "max": 12}}, ["body", "wage", "min"], "greater than 0"),
        ({"wage": {"min": 12, "max": 2500}}, ["body", "wage", "max"], "less than or equal"),
        ({"contract": "forever"}, ["body", "contract"], "permanent"),
        ({"contact": {"email": "an at koel"}}, ["body", "contact", "email"], "pattern"),
        ({"contact": {"phone": "03/123.45.67"}}, ["body", "contact", "phone"], "pattern"),
        ({"description": "x" * 5001}, ["body", "description"], "5000"),
        ({"starts_on": "1999-12-31"}, ["body", "starts_on"], "2000-01-01"),
        ({"closes_on": "2101-01-01"}, ["body", "closes_on"], "2100-12-31"),
        (
            {"starts_on": "2026-03-01", "closes_on": "2026-02-28"},
            ["body", "closes_on"],
            "before starts_on",
        ),
    ],
)
def test_bad_details_are_422_naming_the_field(
    setup: Any, fields: dict[str, Any], loc: list[str], words: str
) -> None:
    _, client, key = setup
    job = {**vacancy_body(), **fields}
    response = client.post("/vacancies", json=job, headers=key)
    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    assert any(e["loc"] == loc and words in e["msg"] for e in errors), errors
    assert client.get(f"/vacancies/{job['id']}", headers=key).status_code == 404


def test_a_vacancy_past_its_closes_on_is_closed_by_the_sweep_and_leaves_shortlists(
    setup: Any,
) -> None:
    app, client, key = setup
    today = date.today()
    job = vacancy_body(closes_on=today.isoformat())  # open through today
    assert client.post("/vacancies", json=job, headers=key).status_code == 201
    person = candidate_body(stage="ready")
    assert client.post("/candidates", json=person, headers=key).status_code == 201
    assert _in_shortlist(client, key, person["id"], job["id"])

    # Tomorrow, closes_on is yesterday's date.
    assert job["id"] in close_expired(app.state.db, today=today + timedelta(days=1))

    assert client.get(f"/vacancies/{job['id']}", headers=key).json()["status"] == "closed"
    assert not _in_shortlist(client, key, person["id"], job["id"])
    # Closed once is closed: a second sweep finds nothing and leaves the catalog as it was.
    with sessionmaker(app.state.db)() as session:
        before = store.versions(session)
    assert close_expired(app.state.db, today=today + timedelta(days=1)) == []
    with sessionmaker(app.state.db)() as session:
        assert store.versions(session) == before


def test_a_vacancy_written_past_its_closes_on_is_stored_closed(setup: Any) -> None:
    _, client, key = setup
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    job = vacancy_body(closes_on=yesterday)
    created = client.post("/vacancies", json=job, headers=key)
    assert created.status_code == 201 and created.json()["status"] == "closed"
    reopened = client.patch(
        f"/vacancies/{job['id']}",
        json={"status": "open"},
        headers={**key, "Content-Type": "application/merge-patch+json"},
    )
    assert reopened.json()["status"] == "closed"  # reopening needs a later closes_on
    later = (date.today() + timedelta(days=30)).isoformat()
    moved = client.patch(
        f"/vacancies/{job['id']}",
        json={"status": "open", "closes_on": later},
        headers={**key, "Content-Type": "application/merge-patch+json"},
    )
    assert moved.json()["status"] == "open"


def test_start_up_closes_what_expired_while_no_process_ran(databases: Databases) -> None:
    url = databases.new()
    app = create_app(settings_for(url, load_fixtures=False))
    job = vacancy_body(closes_on=date.today().isoformat())
    with TestClient(app) as client:
        key = {"X-API-Key": make_key(app, "coordinator")}
        assert client.post("/vacancies", json=job, headers=key).status_code == 201
    # Days pass while no process runs: the stored closes_on is now behind us.
    stale = (date.today() - timedelta(days=3)).isoformat()
    db = create_db_engine(url)
    try:
        with sessionmaker(db).begin() as session:
            session.execute(
                update(VacancyRow)
                .where(VacancyRow.id == job["id"])
                .values(data={**job, "closes_on": stale})
            )
    finally:
        db.dispose()
    app = create_app(settings_for(url, load_fixtures=False))
    with TestClient(app) as client:
        key = {"X-API-Key": make_key(app, "coordinator")}
        assert client.get(f"/vacancies/{job['id']}", headers=key).json()["status"] == "closed"
