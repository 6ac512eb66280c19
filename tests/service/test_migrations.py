"""A database of an earlier version, filled with data, upgrades with all of it intact."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from factories import make_vacancy, point_east
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from support import Databases, settings_for

from matcher.fixtures import load_candidates, load_vacancies
from service import store
from service.app import create_app
from service.db import create_db_engine, migrate
from service.tables import VacancyRow

PREVIOUS = "0002"
"""The revision the last release shipped with."""


def _fill_at_previous_revision(url: str) -> dict[str, Any]:
    """Rows written as the previous version wrote them (its columns only), by plain SQL."""
    db = create_db_engine(url)
    migrate(db, revision=PREVIOUS)
    now = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
    people = list(load_candidates()[:5])
    # One given by its point only, with an accented title: what migration 0006 copies out of
    # `data` for the filters (postcode, point, folded title) differs most for it.
    by_point = make_vacancy(
        id="v-old-by-point", title="Medewerker Café Zuid", location=point_east(3)
    )
    jobs = [*load_vacancies()[:4], by_point]
    key = "mk_an-old-key-that-still-works"
    steps = [
        {"status": "proposed", "on": "2026-10-01", "reason": None, "note": "first try"},
        {"status": "rejected", "on": "2026-10-08", "reason": "language", "note": "more Dutch"},
    ]
    with db.begin() as connection:
        for person in people:
            connection.execute(
                text(
                    "INSERT INTO candidates (id, stage, data, created_at, updated_at)"
                    " VALUES (:id, :stage, :data, :now, :now)"
                ),
                {
                    "id": person.id,
                    "stage": person.stage,
                    "data": json.dumps(person.model_dump(mode="json")),
                    "now": now,
                },
            )
            connection.execute(
                text(
                    'INSERT INTO stage_changes (candidate_id, stage, "on", recorded_at)'
                    " VALUES (:id, :stage, :on, :now)"
                ),
                {"id": person.id, "stage": person.stage, "on": date(2026, 9, 15), "now": now},
            )
        for job in jobs:
            connection.execute(
                text(
                    "INSERT INTO vacancies (id, employer, status, language_light, revision, data,"
                    " created_at, updated_at) VALUES (:id, :employer, :status, :light, 1, :data,"
                    " :now, :now)"
                ),
                {
                    "id": job.id,
                    "employer": job.employer,
                    "status": job.status,
                    "light": job.language.language_light,
                    "data": json.dumps(job.model_dump(mode="json")),
                    "now": now,
                },
            )
        connection.execute(
            text(
                "INSERT INTO applications (id, candidate_id, vacancy_id, jobhunter, status,"
                " proposed_on, hired_on, steps, snapshot, created_at, updated_at) VALUES"
                " ('a-old-1', :candidate, :vacancy, 'An', 'rejected', :proposed, NULL, :steps,"
                " NULL, :now, :now)"
            ),
            {
                "candidate": people[0].id,
                "vacancy": jobs[0].id,
                "proposed": date(2026, 10, 1),
                "steps": json.dumps(steps),
                "now": now,
            },
        )
        connection.execute(
            text(
                "INSERT INTO weights (version, weights, note, changed_by, changed_at) VALUES"
                " (1, :weights, 'as it was', 'system', :now)"
            ),
            {
                "weights": json.dumps(
                    {"skills": 0.4, "language": 0.3, "commute": 0.2, "childcare": 0.1}
                ),
                "now": now,
            },
        )
        connection.execute(
            text(
                "INSERT INTO api_keys (id, key_hash, role, employer, name, created_at) VALUES"
                " ('k-old', :hash, 'coordinator', NULL, 'Old key', :now)"
            ),
            {"hash": store.hash_key(key), "now": now},
        )
        connection.execute(
            text(
                "UPDATE service_state SET catalog_version = 1, weights_version = 1,"
                " fixtures_loaded = :yes"
            ),
            {"yes": True},
        )
    db.dispose()
    return {"people": people, "jobs": jobs, "key": key, "steps": steps}


def test_a_previous_version_database_upgrades_with_its_data_intact(databases: Databases) -> None:
    url = databases.new()
    old = _fill_at_previous_revision(url)
    app = create_app(settings_for(url))  # migrates to the newest revision on start
    with TestClient(app) as client:
        headers = {"X-API-Key": old["key"]}  # the old key still opens the door
        listed = client.get("/candidates?limit=500", headers=headers).json()
        assert listed["count"] == len(old["people"])  # no fixtures piled on top
        for person in old["people"]:
            got = client.get(f"/candidates/{person.id}", headers=headers)
            assert got.status_code == 200 and got.json() == person.model_dump(mode="json")
        for job in old["jobs"]:
            got = client.get(f"/vacancies/{job.id}", headers=headers)
            assert got.status_code == 200 and got.json() == job.model_dump(mode="json")
        first = old["people"][0]
        [application] = client.get(f"/candidates/{first.id}/applications", headers=headers).json()
        assert application["id"] == "a-old-1" and application["status"] == "rejected"
        assert [s["note"] for s in application["steps"]] == [s["note"] for s in old["steps"]]
        weights = client.get("/weights", headers=headers).json()
        assert weights["version"] == 1 and weights["note"] == "as it was"
        shortlist = client.get(f"/candidates/{first.id}/shortlist", headers=headers)
        assert shortlist.status_code == 200 and shortlist.json()["weights_version"] == 1
        programme = client.get("/programme", headers=headers).json()
        assert programme["starts_on"] == "2026-09-15"  # the earliest stage on record
        stats = client.get("/stats", headers=headers).json()
        assert sum(stats["candidates_per_stage"].values()) == len(old["people"])
        assert stats["rejection_reasons"]["language"] == 1

        def found(query: str) -> list[str]:
            page = client.get(f"/vacancies?{query}&limit=500", headers=headers).json()
            return [v["id"] for v in page["data"]]

        # The filters' columns were filled for the rows that were there before the upgrade.
        assert found("title=cafe zuid") == ["v-old-by-point"]
        assert "v-old-by-point" in found("near=2000&within_km=4")
        assert found("postcode=2030") == ["v-0003"]
        # Every employer a vacancy named became a record, so keys can be bound to it.
        employers = {e["name"] for e in client.get("/employers", headers=headers).json()}
        assert {job.employer for job in old["jobs"]} <= employers
        # The old key got an account of its own, named after it, that cannot sign in yet.
        [account] = client.get("/accounts", headers=headers).json()
        assert account["name"] == "Old key" and account["role"] == "coordinator"
        assert account["email"] is None and account["can_sign_in"] is False
    with app.state.sessions() as session:
        employer = session.execute(
            text("SELECT employer FROM applications WHERE id = 'a-old-1'")
        ).scalar_one()
    assert employer == old["jobs"][0].employer  # filled in from its vacancy by the upgrade
    with app.state.sessions() as session:
        filled = {
            row.id: row
            for row in session.execute(
                select(
                    VacancyRow.id,
                    VacancyRow.postcode,
                    VacancyRow.lat,
                    VacancyRow.lon,
                    VacancyRow.title_key,
                )
            )
        }
    for job in old["jobs"]:
        # What the upgrade filled in is what the service writes for the same vacancy.
        written = store._vacancy_values(job, revision=1)
        row = filled[str(job.id)]
        assert (row.postcode, row.title_key) == (written["postcode"], written["title_key"])
        assert (row.lat, row.lon) == (pytest.approx(written["lat"]), pytest.approx(written["lon"]))


def test_keys_stored_before_accounts_get_an_account_each(databases: Databases) -> None:
    """Migration 0008: each key an account of its own, of its role and employer, named after the
    key; the record names that account, and nobody can sign in as it."""
    url = databases.new()
    db = create_db_engine(url)
    migrate(db, revision="0007")
    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    made = {
        "k-named": ("mk_named-jobhunter-key", "jobhunter", None, "Olena"),
        "k-bare": ("mk_a-key-without-a-name", "jobhunter", None, None),
        "k-shop": ("mk_the-bakery-key", "employer", "Bakkerij Reigerhoek", "HR"),
    }
    with db.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO employers (id, name, contact, created_at)"
                " VALUES ('e-old', 'Bakkerij Reigerhoek', NULL, :now)"
            ),
            {"now": now},
        )
        for key_id, (key, role, employer, name) in made.items():
            connection.execute(
                text(
                    "INSERT INTO api_keys (id, key_hash, role, employer, name, created_at) VALUES"
                    " (:id, :hash, :role, :employer, :name, :now)"
                ),
                {
                    "id": key_id,
                    "hash": store.hash_key(key),
                    "role": role,
                    "employer": employer,
                    "name": name,
                    "now": now,
                },
            )
    db.dispose()
    app = create_app(settings_for(url))
    with TestClient(app) as client:
        with app.state.sessions() as session:
            owners = dict(session.execute(text("SELECT id, account_id FROM api_keys")).all())
            accounts = {a.id: a for a in store.list_accounts(session)}
        assert set(owners) == set(made) and len(set(owners.values())) == 3  # one each
        named, bare, shop = (accounts[owners[k]] for k in ("k-named", "k-bare", "k-shop"))
        assert (named.name, named.role, named.employer) == ("Olena", "jobhunter", None)
        assert (bare.name, bare.role) == ("jobhunter key k-bare", "jobhunter")
        assert (shop.name, shop.role, shop.employer) == ("HR", "employer", "Bakkerij Reigerhoek")
        assert all(a.email is None and not a.can_sign_in for a in accounts.values())
        # The keys still work, and what they record is recorded under their account's name.
        olena = {"X-API-Key": made["k-named"][0]}
        proposal = {"candidate_id": "c-0001", "vacancy_id": "v-0001"}
        proposed = client.post("/applications", json=proposal, headers=olena)
        assert proposed.status_code == 201, proposed.text
        assert proposed.json()["jobhunter"] == "Olena"
        bakery = client.get("/vacancies?limit=1", headers={"X-API-Key": made["k-shop"][0]})
        assert bakery.status_code == 200
        assert {v["employer"] for v in bakery.json()["data"]} == {"Bakkerij Reigerhoek"}
