"""Erasing a person removes their data for real, and nothing personal reaches the logs."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any, get_args

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import make_url, select
from support import Databases, as_role, candidate_body, make_key, settings_for, vacancy_body

from matcher.models import Stage
from service.app import create_app
from service.deps import get_catalog
from service.tables import ApplicationRow, CandidateRow, StageChangeRow


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


def test_delete_erases_the_row_and_its_bytes(databases: Databases) -> None:
    url = databases.new()
    app = create_app(settings_for(url, load_fixtures=False))
    with TestClient(app) as client:
        key = {"X-API-Key": make_key(app, "jobhunter")}
        body, values = distinctive()
        assert client.post("/candidates", json=body, headers=key).status_code == 201
        client.get(f"/candidates/{body['id']}/shortlist", headers=key)  # cached, then forgotten
        # An application with debrief notes, a hire (a stage change) and a rejection reason.
        note = f"Debrief about {values[0]}"
        values.append(note)
        job = vacancy_body()
        assert client.post("/vacancies", json=job, headers=key).status_code == 201
        proposal = {"candidate_id": body["id"], "vacancy_id": job["id"], "note": note}
        made = client.post("/applications", json=proposal, headers=key).json()
        hired = {"status": "hired", "on": made["proposed_on"], "note": note}
        assert (
            client.patch(f"/applications/{made['id']}", json=hired, headers=key).status_code == 200
        )
        if databases.kind == "sqlite":
            assert all(v.encode() in sqlite_bytes(url) for v in values[:2])  # the check can fail
            assert note.encode() in sqlite_bytes(url)
        every_stage = "&".join(f"stage={s}" for s in get_args(Stage))
        ranked = client.get(f"/vacancies/{job['id']}/shortlist?{every_stage}", headers=key)
        assert ranked.status_code == 200, ranked.text
        assert body["id"] in str(app.state.catalog._people)  # validated and kept, for now
        assert client.delete(f"/candidates/{body['id']}", headers=key).status_code == 204

        with app.state.sessions() as session:
            for table, column in (
                (CandidateRow, CandidateRow.id),
                (ApplicationRow, ApplicationRow.candidate_id),
                (StageChangeRow, StageChangeRow.candidate_id),
            ):
                assert session.execute(select(table).where(column == body["id"])).all() == []
        gone = client.get(f"/applications/{made['id']}", headers=key)
        assert gone.status_code == 404
        assert client.get(f"/vacancies/{job['id']}/applications", headers=key).json() == []
        assert client.get(f"/candidates/{body['id']}/shortlist", headers=key).status_code == 404
        assert body["id"] not in str(app.state.shortlist_cache._entries.values())
        assert body["id"] not in str(app.state.catalog._people)
        if databases.kind == "sqlite":
            stored = sqlite_bytes(url)
            for value in values:
                assert value.encode() not in stored, f"{value!r} is still in the SQLite file"


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
