"""API keys: admins manage them over HTTP; `matcher keys` manages them on the command line."""

from __future__ import annotations

import hashlib

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from support import as_role

from matcher.cli import main
from service.tables import ApiKeyRow


def test_admin_creates_lists_and_revokes(client: TestClient, keys: dict[str, str]) -> None:
    admin = as_role(keys, "admin")
    client.post("/employers", json={"name": "Acme NV"}, headers=admin)  # 409 if there already
    made = client.post(
        "/keys", json={"role": "employer", "employer": "Acme NV", "name": "Acme HR"}, headers=admin
    )
    assert made.status_code == 201, made.text
    new = made.json()
    assert new["key"].startswith("mk_") and len(new["key"]) > 40
    listed = client.get("/keys", headers=admin).json()
    mine = next(k for k in listed if k["id"] == new["id"])
    assert mine == {k: v for k, v in new.items() if k != "key"}
    assert all("key" not in k for k in listed)
    as_acme = {"X-API-Key": new["key"]}
    assert client.get("/vacancies", headers=as_acme).json()["count"] == 0
    assert client.delete(f"/keys/{new['id']}", headers=admin).status_code == 204
    assert client.get("/vacancies", headers=as_acme).status_code == 401
    assert client.delete(f"/keys/{new['id']}", headers=admin).status_code == 404


def test_keys_are_stored_as_sha256_only(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    new = client.post("/keys", json={"role": "jobhunter"}, headers=as_role(keys, "admin")).json()
    with app.state.sessions() as session:
        row = session.execute(select(ApiKeyRow).where(ApiKeyRow.id == new["id"])).scalar_one()
        stored = [str(v) for v in vars(row).values()]
    assert new["key"] not in " ".join(stored)
    assert row.key_hash == hashlib.sha256(new["key"].encode()).hexdigest()


@pytest.mark.parametrize(
    "body",
    [
        {"role": "employer"},
        {"role": "jobhunter", "employer": "Acme NV"},
        {"role": "superuser"},
        {"role": "admin", "extra": 1},
    ],
)
def test_bad_key_requests_are_422(
    client: TestClient, keys: dict[str, str], body: dict[str, str]
) -> None:
    response = client.post("/keys", json=body, headers=as_role(keys, "admin"))
    assert response.status_code == 422, response.text


def test_the_command_line_makes_keys_the_service_accepts(
    client: TestClient,
    keys: dict[str, str],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MATCHER_DATABASE_URL", database_url)
    assert main(["keys", "create", "--role", "coordinator", "--name", "Sara"]) == 0
    out, err = capsys.readouterr()
    key = out.strip().splitlines()[-1]
    assert "coordinator key" in err
    assert client.get("/weights", headers={"X-API-Key": key}).status_code == 200

    client.post("/employers", json={"name": "Acme NV"}, headers=as_role(keys, "coordinator"))
    assert main(["keys", "create", "--role", "employer", "--employer", "Acme NV"]) == 0
    employer_key = capsys.readouterr().out.strip().splitlines()[-1]
    assert client.get("/vacancies", headers={"X-API-Key": employer_key}).status_code == 200

    with pytest.raises(SystemExit):
        main(["keys", "create", "--role", "employer"])
    with pytest.raises(SystemExit):
        main(["keys", "create", "--role", "jobhunter", "--employer", "Acme NV"])
    capsys.readouterr()

    assert main(["keys", "list"]) == 0
    listing = capsys.readouterr().out
    assert "Sara" in listing and "Acme NV" in listing and key not in listing
    key_id = next(line.split()[0] for line in listing.splitlines() if "Sara" in line)
    assert main(["keys", "revoke", key_id]) == 0
    assert client.get("/weights", headers={"X-API-Key": key}).status_code == 401
    assert main(["keys", "revoke", key_id]) == 1


def test_the_command_line_offers_exactly_the_service_roles() -> None:
    from service import cli, store

    assert set(cli.ROLES) == set(store.ROLES) == {"admin", "coordinator", "jobhunter", "employer"}
