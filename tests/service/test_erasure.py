"""Erasing a person removes their data for real (database files, every process's memory), and
nothing personal reaches the logs."""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, make_url, select, text
from support import (
    Databases,
    LiveServer,
    as_role,
    candidate_body,
    make_key,
    settings_for,
    vacancy_body,
)

from matcher.features.skills import remembers_phrase
from matcher.models import Stage
from matcher.reading.vocabulary import default_vocabulary
from service.app import create_app
from service.deps import get_catalog
from service.tables import ApplicationRow, CandidateRow, StageChangeRow

EVERY_STAGE = "&".join(f"stage={s}" for s in get_args(Stage))
PEOPLE_TABLES = ("candidates", "applications", "stage_changes")


def distinctive() -> tuple[dict[str, Any], list[str]]:
    """A person whose skill and occupation appear nowhere else, and those values."""
    token = secrets.token_hex(5)
    skill, job = f"Zwaluwstaartverbinding {token}", f"Klokkengieter {token}"
    body = candidate_body(id=f"c-erase-{token}", skills=[skill], occupations=[job])
    return body, [skill, job, f"c-erase-{token}"]


def sqlite_bytes(url: str) -> bytes:
    path = Path(make_url(url).database or "")
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-journal")]
    return b"".join(f.read_bytes() for f in files if f.exists())


# Each relation of a table: itself, its TOAST table and the TOAST table's index, its indexes.
_RELATIONS = text(
    """
    SELECT c.oid::regclass::text, pg_relation_filepath(c.oid) FROM pg_class c
     WHERE c.oid = CAST(:table AS regclass)
    UNION ALL
    SELECT t.oid::regclass::text, pg_relation_filepath(t.oid) FROM pg_class c
      JOIN pg_class t ON t.oid = c.reltoastrelid WHERE c.oid = CAST(:table AS regclass)
    UNION ALL
    SELECT i.indexrelid::regclass::text, pg_relation_filepath(i.indexrelid) FROM pg_index i
     WHERE i.indrelid = CAST(:table AS regclass)
        OR i.indrelid = (SELECT reltoastrelid FROM pg_class WHERE oid = CAST(:table AS regclass))
    """
)


def postgres_files(db: Engine) -> Callable[[], dict[str, bytes]]:
    """Reads the files of the people's tables (after a CHECKPOINT, so that what the server holds
    in its buffers is in them too), by table; skips when they cannot be read from here."""
    with db.connect() as connection:
        folder = Path(connection.execute(text("SHOW data_directory")).scalar_one())
        relations = {
            table: [str(path) for _, path in connection.execute(_RELATIONS, {"table": table})]
            for table in PEOPLE_TABLES
        }
    if not os.access(folder / "base", os.R_OK | os.X_OK):
        pytest.skip(f"the server's data directory {folder} cannot be read from this process")

    def read() -> dict[str, bytes]:
        with db.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("CHECKPOINT"))
            # The paths change when a table is rewritten: ask again each time.
            paths = {
                table: [str(path) for _, path in connection.execute(_RELATIONS, {"table": table})]
                for table in PEOPLE_TABLES
            }
        found: dict[str, bytes] = {}
        for table, files in paths.items():
            chunks = []
            for relative in files:
                first = folder / relative
                segments = [first, *sorted(first.parent.glob(first.name + ".[0-9]*"))]
                chunks += [f.read_bytes() for f in segments if f.exists()]
            found[table] = b"".join(chunks)
        return found

    assert all(relations.values())
    return read


def files_reader(kind: str, url: str, app: FastAPI) -> Callable[[], dict[str, bytes]]:
    if kind == "sqlite":
        return lambda: dict.fromkeys(PEOPLE_TABLES, sqlite_bytes(url))
    return postgres_files(app.state.db)


def test_an_erased_person_is_in_no_table_file(databases: Databases) -> None:
    """The profile, the debrief notes and the stage history are in none of the files of the
    tables (heap, TOAST, indexes; SQLite's file and its log) a few seconds after DELETE."""
    url = databases.new()
    app = create_app(settings_for(url, load_fixtures=False))
    with TestClient(app) as client:
        key = {"X-API-Key": make_key(app, "jobhunter")}
        body, values = distinctive()
        skill, job, ident = values
        note = f"Debrief about {skill}"
        assert client.post("/candidates", json=body, headers=key).status_code == 201
        # A profile change: the old version of the row is personal data too.
        changed = {**body, "stage": "activation", "occupations": [job, f"{job} (oud)"]}
        assert client.put(f"/candidates/{ident}", json=changed, headers=key).status_code == 200
        job_ad = vacancy_body()
        assert client.post("/vacancies", json=job_ad, headers=key).status_code == 201
        proposal = {"candidate_id": ident, "vacancy_id": job_ad["id"], "note": note}
        made = client.post("/applications", json=proposal, headers=key).json()
        hired = {"status": "hired", "on": made["proposed_on"], "note": note}
        step = client.patch(f"/applications/{made['id']}", json=hired, headers=key)
        assert step.status_code == 200, step.text
        # Where each value must be before the erasure (so this check can fail).
        expected = {"candidates": [skill, job, ident], "applications": [note, ident]}
        expected["stage_changes"] = [ident]

        read = files_reader(databases.kind, url, app)
        before = read()
        for table, wanted in expected.items():
            for value in wanted:
                assert value.encode() in before[table], f"{value!r} not in {table} before"

        assert client.delete(f"/candidates/{ident}", headers=key).status_code == 204
        with app.state.sessions() as session:
            for table, column in (
                (CandidateRow, CandidateRow.id),
                (ApplicationRow, ApplicationRow.candidate_id),
                (StageChangeRow, StageChangeRow.candidate_id),
            ):
                assert session.execute(select(table).where(column == ident)).all() == []
        assert client.get(f"/applications/{made['id']}", headers=key).status_code == 404
        assert client.get(f"/vacancies/{job_ad['id']}/applications", headers=key).json() == []

        deadline = time.monotonic() + 30
        while True:
            left = {
                (table, value)
                for table, stored in read().items()
                for value in [*values, note, f"{job} (oud)"]
                if value.encode() in stored
            }
            if not left or time.monotonic() > deadline:
                break
            time.sleep(0.25)
        assert not left, f"still in the files after 30 s: {sorted(left)}"


def test_erasures_under_load_finish_without_errors_or_deadlock(databases: Databases) -> None:
    """People erased one after another while others are proposed, turned down and shortlisted: every
    request succeeds, every rewrite finishes, and none of the erased is left in the files."""
    url = databases.new()
    app = create_app(settings_for(url, load_fixtures=False))
    with LiveServer(app) as server:
        headers = {"X-API-Key": make_key(app, "coordinator")}
        http = httpx.Client(base_url=server.url, headers=headers, timeout=60)
        leaving = [distinctive() for _ in range(5)]
        staying = [candidate_body() for _ in range(3)]
        job_ad = vacancy_body()
        assert http.post("/vacancies", json=job_ad).status_code == 201
        for person in [body for body, _ in leaving] + staying:
            assert http.post("/candidates", json=person).status_code == 201
        for body, values in leaving:
            note = {"candidate_id": body["id"], "vacancy_id": job_ad["id"], "note": values[0]}
            assert http.post("/applications", json=note).status_code == 201
        read = files_reader(databases.kind, url, app)
        done, problems = threading.Event(), []

        # A vacancy of each worker's own: two workers proposing one pair at once is a 409.
        own_ads = [vacancy_body() for _ in range(4)]
        for ad in own_ads:
            assert http.post("/vacancies", json=ad).status_code == 201

        def busy(n: int) -> None:
            person = staying[n % len(staying)]["id"]
            job_ad = own_ads[n]
            with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
                while not done.is_set():
                    # Each proposal of the pair is turned down, so the next one needs `again`.
                    proposal = {
                        "candidate_id": person,
                        "vacancy_id": job_ad["id"],
                        "note": "ok",
                        "again": True,
                    }
                    made = client.post("/applications", json=proposal)
                    answers = [made]
                    if made.status_code == 201:
                        step = {"status": "rejected", "on": made.json()["proposed_on"]}
                        step["reason"] = "schedule"
                        answers.append(
                            client.patch(f"/applications/{made.json()['id']}", json=step)
                        )
                    answers.append(client.get(f"/candidates/{person}/shortlist"))
                    answers.append(client.get(f"/vacancies/{job_ad['id']}/shortlist?{EVERY_STAGE}"))
                    problems.extend(
                        f"{a.request.method} {a.request.url.path}: {a.status_code}"
                        for a in answers
                        if a.status_code >= 400
                    )

        workers = [threading.Thread(target=busy, args=(n,)) for n in range(4)]
        for worker in workers:
            worker.start()
        try:
            for body, _ in leaving:
                assert http.delete(f"/candidates/{body['id']}").status_code == 204
                time.sleep(0.1)
            assert app.state.erasures.wait_rewritten(60), "a rewrite did not finish in 60 s"
        finally:
            done.set()
            for worker in workers:
                worker.join()
            http.close()
        assert problems == []
        stored = read()
        left = [
            (table, value)
            for table, data in stored.items()
            for _, values in leaving
            for value in values
            if value.encode() in data
        ]
        assert left == []


def test_requests_after_a_rewrite_wait_for_locks_as_long_as_before(databases: Databases) -> None:
    """The rewrite's short lock timeout is its own: no pooled connection keeps it for the
    requests that get that connection next (they would fail with 503 on any lock wait)."""
    if databases.kind != "postgres":
        pytest.skip("SQLite has no lock timeout setting to leak")
    app = create_app(settings_for(databases.new(), load_fixtures=False))
    with TestClient(app) as client:
        key = {"X-API-Key": make_key(app, "jobhunter")}
        body = candidate_body()
        assert client.post("/candidates", json=body, headers=key).status_code == 201
        assert client.delete(f"/candidates/{body['id']}", headers=key).status_code == 204
        assert app.state.erasures.wait_rewritten(30)
        db: Engine = app.state.db
        held = [db.connect() for _ in range(db.pool.checkedin() + 1)]  # type: ignore[attr-defined]
        try:
            settings = {c.execute(text("SHOW lock_timeout")).scalar_one() for c in held}
        finally:
            for connection in held:
                connection.close()
        assert settings == {"0"}


def test_an_erased_person_leaves_this_process_memory_at_once(databases: Databases) -> None:
    url = databases.new()
    app = create_app(settings_for(url, load_fixtures=False))
    with TestClient(app) as client:
        key = {"X-API-Key": make_key(app, "jobhunter")}
        body, (skill, _, ident) = distinctive()
        assert client.post("/candidates", json=body, headers=key).status_code == 201
        # A vacancy asking for the same words: the person's phrase earns a skill credit, and
        # the shared credits keep the phrase it came from.
        job_ad = vacancy_body(skills_required=[skill.upper()])
        assert client.post("/vacancies", json=job_ad, headers=key).status_code == 201
        assert client.get(f"/candidates/{ident}/shortlist", headers=key).status_code == 200
        ranked = client.get(f"/vacancies/{job_ad['id']}/shortlist?{EVERY_STAGE}", headers=key)
        assert ranked.status_code == 200, ranked.text
        catalog, cache = app.state.catalog, app.state.shortlist_cache
        assert catalog.holds(ident) and cache.holds(ident)  # kept, for now
        assert default_vocabulary().has_read(skill)
        assert remembers_phrase(skill)

        assert client.delete(f"/candidates/{ident}", headers=key).status_code == 204
        assert not catalog.holds(ident)
        assert not cache.holds(ident)
        assert not default_vocabulary().has_read(skill)
        assert not remembers_phrase(skill)
        assert client.get(f"/candidates/{ident}/shortlist", headers=key).status_code == 404


def test_an_erasure_reaches_every_process_sharing_the_database(databases: Databases) -> None:
    """Two apps on one database (as `matcher serve --workers 2`): erased through the first, the
    person leaves the second's caches within a second or so, without a request to it."""
    url = databases.new()
    first = create_app(settings_for(url, load_fixtures=False))
    second = create_app(settings_for(url, load_fixtures=False))
    with TestClient(first) as one, TestClient(second) as two:
        key = {"X-API-Key": make_key(first, "jobhunter")}
        body, (_, _, ident) = distinctive()
        kept = candidate_body()  # someone who stays
        for person in (body, kept):
            assert one.post("/candidates", json=person, headers=key).status_code == 201
        job_ad = vacancy_body()
        assert one.post("/vacancies", json=job_ad, headers=key).status_code == 201
        for person in (ident, kept["id"]):
            assert two.get(f"/candidates/{person}/shortlist", headers=key).status_code == 200
        ranked = two.get(f"/vacancies/{job_ad['id']}/shortlist?{EVERY_STAGE}", headers=key)
        assert ranked.status_code == 200, ranked.text
        caches = (second.state.catalog, second.state.shortlist_cache)
        assert all(c.holds(ident) and c.holds(kept["id"]) for c in caches)

        assert one.delete(f"/candidates/{ident}", headers=key).status_code == 204
        erased_at = time.monotonic()
        while any(c.holds(ident) for c in caches) and time.monotonic() - erased_at < 5:
            time.sleep(0.02)
        took = time.monotonic() - erased_at
        assert not any(c.holds(ident) for c in caches), "still held 5 s after the erasure"
        assert took < 1.5, f"the second process let go only after {took:.2f} s"
        assert all(c.holds(kept["id"]) for c in caches)  # nobody else is dropped


def test_nothing_personal_is_logged(
    app: FastAPI, client: TestClient, keys: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    who = as_role(keys, "jobhunter")
    body, values = distinctive()
    secret_values = values[:2]  # the id is a reference that may appear in a request path
    client.post("/candidates", json=body, headers=who)
    client.get(f"/candidates/{body['id']}", headers=who)
    client.put(f"/candidates/{body['id']}", json={**body, "stage": "activation"}, headers=who)
    client.get(f"/candidates/{body['id']}/shortlist?include_blocked=true", headers=who)
    bad = {**body, "home": {"postcode": "0000"}, "id": f"{body['id']}-2"}
    assert client.post("/candidates", json=bad, headers=who).status_code == 422
    assert client.post("/candidates", json=body, headers=who).status_code == 409

    def explode() -> None:
        raise RuntimeError(f"failed for {secret_values[0]}")

    app.dependency_overrides[get_catalog] = explode
    try:
        failed = client.get(f"/candidates/{body['id']}/shortlist", headers=who)
    finally:
        del app.dependency_overrides[get_catalog]
    assert failed.status_code == 500
    assert secret_values[0] not in failed.text
    client.delete(f"/candidates/{body['id']}", headers=who)

    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    assert "unexpected RuntimeError" in logged  # the error itself is known
    for value in secret_values:
        assert value not in logged


def test_the_erasures_log_names_who_erased_and_nothing_of_whom(
    client: TestClient, keys: dict[str, str]
) -> None:
    """A coordinator answers for the data: GET /erasures says which account erased someone and
    when; the person's id, name and skills are in no line of it."""
    coordinator = as_role(keys, "coordinator")
    made = client.post(
        "/accounts",
        json={
            "name": "Olha (coach)",
            "email": f"olha-{secrets.token_hex(3)}@example.org",
            "role": "jobhunter",
        },
        headers=coordinator,
    ).json()
    key = client.post(
        "/keys",
        json={"role": "jobhunter", "account_id": made["id"]},
        headers=as_role(keys, "admin"),
    ).json()["key"]
    olha = {"X-API-Key": key}
    body, values = distinctive()
    body["display_name"] = f"Nadiia {secrets.token_hex(3)}"
    assert client.post("/candidates", json=body, headers=olha).status_code == 201
    before = client.get("/erasures", headers=coordinator).json()
    assert client.delete(f"/candidates/{body['id']}", headers=olha).status_code == 204
    log = client.get("/erasures", headers=coordinator).json()
    assert len(log) == len(before) + 1
    newest = log[0]
    assert (newest["erased_by"], newest["account_id"], newest["role"]) == (
        "Olha (coach)",
        made["id"],
        "jobhunter",
    )
    shown = str(log)
    assert all(value not in shown for value in [*values, body["display_name"]])
    # A failed erasure (nobody by that id) is not logged.
    assert client.delete(f"/candidates/{body['id']}", headers=olha).status_code == 404
    assert len(client.get("/erasures", headers=coordinator).json()) == len(log)
    assert client.get("/erasures", headers=as_role(keys, "admin")).status_code == 200
    for role in ("jobhunter", "employer"):
        assert client.get("/erasures", headers=as_role(keys, role)).status_code == 403
