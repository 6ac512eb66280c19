"""Accounts over HTTP: admins and coordinators manage them, passwords are argon2 hashes only, keys
belong to accounts, and the record names the account."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from support import EMPLOYER, as_role

from matcher.cli import main
from service import store
from service.tables import AccountRow


def _email(who: str = "someone") -> str:
    return f"{who}-{secrets.token_hex(3)}@Example.org"


def _account(role: str = "jobhunter", **fields: Any) -> dict[str, Any]:
    return {"name": "Olena Koval", "email": _email(), "role": role, **fields}


def _key_of(app: FastAPI, account_id: str, *, name: str = "laptop") -> dict[str, str]:
    with app.state.sessions.begin() as session:
        account = store.get_account(session, account_id=account_id)
        assert account is not None
        _, key = store.create_key(
            session,
            role=account.role,
            employer=account.employer,
            name=name,
            account_id=account_id,
        )
    return {"X-API-Key": key}


def test_a_coordinator_creates_an_account_and_sees_its_password_once(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    coordinator = as_role(keys, "coordinator")
    made = client.post("/accounts", json=_account(), headers=coordinator)
    assert made.status_code == 201, made.text
    new = made.json()
    assert new["role"] == "jobhunter" and new["can_sign_in"] is True
    assert len(new["password"]) >= store.PASSWORD_MIN
    listed = client.get("/accounts", headers=coordinator).json()
    mine = next(a for a in listed if a["id"] == new["id"])
    assert mine == {k: v for k, v in new.items() if k != "password"}
    shown = " ".join(str(a) for a in listed)
    assert "password" not in shown and "argon2" not in shown
    # The database holds an argon2id hash, never the password.
    with app.state.sessions() as session:
        row = session.execute(select(AccountRow).where(AccountRow.id == new["id"])).scalar_one()
        stored = " ".join(str(v) for v in vars(row).values())
    assert row.password_hash is not None and row.password_hash.startswith("$argon2id$")
    assert new["password"] not in stored


def test_a_password_given_is_not_echoed(client: TestClient, keys: dict[str, str]) -> None:
    body = _account(password="correct horse battery")
    made = client.post("/accounts", json=body, headers=as_role(keys, "admin"))
    assert made.status_code == 201 and made.json()["password"] is None


def test_e_mails_are_unique_whatever_their_case(client: TestClient, keys: dict[str, str]) -> None:
    admin = as_role(keys, "admin")
    body = _account()
    assert client.post("/accounts", json=body, headers=admin).status_code == 201
    again = body | {"email": body["email"].upper(), "name": "Someone else"}
    taken = client.post("/accounts", json=again, headers=admin)
    assert taken.status_code == 409 and "exists already" in taken.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"role": "employer"}, "body"),
        ({"role": "jobhunter", "employer": EMPLOYER}, "body"),
        ({"role": "employer", "employer": "Nobody Such NV"}, "employer"),
        ({"email": "not an address"}, "email"),
        # Python strips U+001E, the schema's \s does not match it: the store's check decides.
        ({"email": "\u001e@\U000768ca"}, "email"),
        ({"name": "\u001e\u001f"}, "name"),
        ({"password": "short"}, "password"),
        ({"role": "superuser"}, "role"),
    ],
)
def test_bad_accounts_are_422_naming_the_field(
    client: TestClient, keys: dict[str, str], body: dict[str, Any], field: str
) -> None:
    client.post("/employers", json={"name": EMPLOYER}, headers=as_role(keys, "coordinator"))
    answer = client.post("/accounts", json=_account(**body), headers=as_role(keys, "admin"))
    assert answer.status_code == 422, answer.text
    assert any(e["loc"][-1] == field for e in answer.json()["detail"]), answer.text


def test_an_employer_account_is_bound_to_an_employer_record(
    client: TestClient, keys: dict[str, str]
) -> None:
    client.post("/employers", json={"name": EMPLOYER}, headers=as_role(keys, "coordinator"))
    body = _account("employer", employer=EMPLOYER)
    made = client.post("/accounts", json=body, headers=as_role(keys, "coordinator"))
    assert made.status_code == 201 and made.json()["employer"] == EMPLOYER


@pytest.mark.parametrize("role", ["jobhunter", "employer"])
def test_only_admins_and_coordinators_manage_accounts(
    client: TestClient, keys: dict[str, str], role: str
) -> None:
    who = as_role(keys, role)
    assert client.get("/accounts", headers=who).status_code == 403
    assert client.post("/accounts", json=_account(), headers=who).status_code == 403
    assert client.patch("/accounts/u-x", json={"name": "X"}, headers=who).status_code == 403
    assert client.get("/accounts").status_code == 401


def test_only_an_admin_makes_or_changes_admins(client: TestClient, keys: dict[str, str]) -> None:
    coordinator, admin = as_role(keys, "coordinator"), as_role(keys, "admin")
    refused = client.post("/accounts", json=_account("admin"), headers=coordinator)
    assert refused.status_code == 403 and "admin" in refused.json()["detail"]
    boss = client.post("/accounts", json=_account("admin"), headers=admin).json()
    patched = client.patch(f"/accounts/{boss['id']}", json={"name": "X"}, headers=coordinator)
    assert patched.status_code == 403
    helper = client.post("/accounts", json=_account(), headers=coordinator).json()
    promoted = client.patch(
        f"/accounts/{helper['id']}", json={"role": "admin"}, headers=coordinator
    )
    assert promoted.status_code == 403
    promoted = client.patch(f"/accounts/{helper['id']}", json={"role": "admin"}, headers=admin)
    assert promoted.status_code == 200 and promoted.json()["role"] == "admin"


def test_a_changed_role_holds_for_the_accounts_keys_too(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    coordinator = as_role(keys, "coordinator")
    made = client.post("/accounts", json=_account(), headers=coordinator).json()
    key = _key_of(app, made["id"])
    assert client.get("/stats", headers=key).status_code == 403  # a jobhunter's
    changed = client.patch(
        f"/accounts/{made['id']}", json={"role": "coordinator"}, headers=coordinator
    )
    assert changed.status_code == 200, changed.text
    assert client.get("/stats", headers=key).status_code == 200
    listed = client.get("/keys", headers=as_role(keys, "admin")).json()
    assert {k["role"] for k in listed if k["name"] == "laptop"} >= {"coordinator"}


def test_a_disabled_account_s_keys_stop_working_at_once(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    coordinator = as_role(keys, "coordinator")
    made = client.post("/accounts", json=_account(), headers=coordinator).json()
    key = _key_of(app, made["id"])
    assert client.get("/candidates?limit=1", headers=key).status_code == 200
    off = client.patch(f"/accounts/{made['id']}", json={"disabled": True}, headers=coordinator)
    assert off.status_code == 200 and off.json()["disabled_at"] is not None
    assert off.json()["can_sign_in"] is False
    refused = client.get("/candidates?limit=1", headers=key)
    assert refused.status_code == 401 and "disabled" in refused.json()["detail"]
    on = client.patch(f"/accounts/{made['id']}", json={"disabled": False}, headers=coordinator)
    assert on.status_code == 200 and on.json()["disabled_at"] is None
    assert client.get("/candidates?limit=1", headers=key).status_code == 200


def test_nobody_disables_their_own_account(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    made = client.post("/accounts", json=_account("coordinator"), headers=as_role(keys, "admin"))
    own = _key_of(app, made.json()["id"])
    refused = client.patch(f"/accounts/{made.json()['id']}", json={"disabled": True}, headers=own)
    assert refused.status_code == 403 and "your own" in refused.json()["detail"]


def test_passwords_are_set_by_the_account_itself_or_an_admin(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    coordinator, admin = as_role(keys, "coordinator"), as_role(keys, "admin")
    olena = client.post("/accounts", json=_account(), headers=coordinator).json()
    other = client.post("/accounts", json=_account(), headers=coordinator).json()
    own = _key_of(app, olena["id"])
    new = {"password": "a new long password"}
    assert client.put(f"/accounts/{olena['id']}/password", json=new, headers=own).status_code == 204
    assert client.put(f"/accounts/{other['id']}/password", json=new, headers=own).status_code == 403
    assert (
        client.put(f"/accounts/{other['id']}/password", json=new, headers=coordinator).status_code
        == 403
    )
    assert (
        client.put(f"/accounts/{other['id']}/password", json=new, headers=admin).status_code == 204
    )
    assert client.put("/accounts/u-nobody/password", json=new, headers=admin).status_code == 404
    short = client.put(f"/accounts/{olena['id']}/password", json={"password": "x"}, headers=own)
    assert short.status_code == 422
    with app.state.sessions() as session:
        assert store.check_sign_in(session, email=olena["email"], password=new["password"])
        assert (
            store.check_sign_in(session, email=olena["email"], password=olena["password"]) is None
        )


def test_the_record_names_the_account_not_the_key(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    """A proposal made and weights set with keys of the account "Olena" say "Olena"."""
    made = client.post(
        "/accounts",
        json=_account("coordinator", name="Olena"),
        headers=as_role(keys, "admin"),
    ).json()
    key = _key_of(app, made["id"], name="the office laptop")
    proposal = {"candidate_id": "c-0002", "vacancy_id": "v-0002"}
    proposed = client.post("/applications", json=proposal, headers=key)
    assert proposed.status_code == 201, proposed.text
    assert proposed.json()["jobhunter"] == "Olena"
    current = client.get("/weights", headers=key).json()
    body = {"weights": current["weights"], "version": current["version"] + 1}
    changed = client.put("/weights", json=body, headers=key)
    assert changed.status_code == 200, changed.text
    assert changed.json()["changed_by"] == "Olena"


def test_a_key_cannot_belong_to_an_account_of_another_role(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    made = client.post("/accounts", json=_account(), headers=as_role(keys, "admin")).json()
    with app.state.sessions() as session, pytest.raises(ValueError, match="jobhunter account"):
        store.create_key(session, role="coordinator", account_id=made["id"])


def test_users_create_and_keys_create_for_an_account_on_the_command_line(
    client: TestClient,
    keys: dict[str, str],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MATCHER_DATABASE_URL", database_url)
    email = _email("sara")
    args = ["users", "create", "--role", "jobhunter", "--name", "Sara", "--email", email]
    assert main(args) == 0
    out, err = capsys.readouterr()
    password = out.strip().splitlines()[-1]
    assert "shown only now" in err and len(password) >= store.PASSWORD_MIN
    with pytest.raises(SystemExit):  # the same e-mail again, in another case
        main([*args[:-1], email.lower()])
    capsys.readouterr()

    assert main(["keys", "create", "--account", email.lower(), "--name", "phone"]) == 0
    key = {"X-API-Key": capsys.readouterr().out.strip().splitlines()[-1]}
    proposal = {"candidate_id": "c-0003", "vacancy_id": "v-0003"}
    proposed = client.post("/applications", json=proposal, headers=key)
    assert proposed.status_code == 201 and proposed.json()["jobhunter"] == "Sara"
    with pytest.raises(SystemExit):  # a key of another role than the account's
        main(["keys", "create", "--account", email, "--role", "coordinator"])
    with pytest.raises(SystemExit):
        main(["keys", "create", "--account", "nobody@example.org"])
    capsys.readouterr()

    assert main(["users", "list"]) == 0
    listing = capsys.readouterr().out
    assert "Sara" in listing and email in listing and password not in listing


def test_users_create_reads_a_password_from_standard_input(
    client: TestClient,
    app: FastAPI,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import io

    monkeypatch.setenv("MATCHER_DATABASE_URL", database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO("my own long password\n"))
    email = _email("piet")
    args = ["users", "create", "--role", "coordinator", "--name", "Piet", "--email", email]
    assert main([*args, "--password-stdin"]) == 0
    out, _ = capsys.readouterr()
    assert out == ""  # nothing to show: they know it
    with app.state.sessions() as session:
        found = store.check_sign_in(session, email=email, password="my own long password")
    assert found is not None and found.name == "Piet"


def test_the_first_account_is_made_once_and_only_while_nobody_can_sign_in(
    databases: Any,
) -> None:
    """What `matcher serve` does on start: a coordinator account when no account can sign in
    (its password shown once), nothing when one can."""
    from support import settings_for

    from service.app import create_app

    app = create_app(settings_for(databases.new(), load_fixtures=False))
    with TestClient(app), app.state.sessions.begin() as session:
        store.create_key(session, role="jobhunter", name="a script's key")  # cannot sign in
        password = store.first_account(session, email="coordinator@localhost", name="Coordinator")
        assert password is not None
        made = store.check_sign_in(session, email="coordinator@localhost", password=password)
        assert made is not None and made.role == "coordinator"
        again = store.first_account(session, email="coordinator@localhost", name="Coordinator")
        assert again is None  # someone can sign in: nothing is made, nothing printed
        store.update_account(session, account_id=made.id, disabled=True)
        renewed = store.first_account(session, email="coordinator@localhost", name="Coordinator")
        assert renewed is not None and renewed != password  # enabled again, a new password
        assert store.check_sign_in(session, email="coordinator@localhost", password=renewed)
        assert len(store.list_accounts(session)) == 2


def test_an_account_made_for_a_key_signs_in_once_given_an_e_mail_and_a_password(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    admin = as_role(keys, "admin")
    made = client.post("/keys", json={"role": "jobhunter", "name": "Old script"}, headers=admin)
    with app.state.sessions() as session:
        owner = next(k.account_id for k in store.list_keys(session) if k.id == made.json()["id"])
    listed = {a["id"]: a for a in client.get("/accounts", headers=admin).json()}
    assert listed[owner]["name"] == "Old script" and listed[owner]["can_sign_in"] is False
    email = _email("script")
    given = client.patch(f"/accounts/{owner}", json={"email": email}, headers=admin)
    assert given.status_code == 200 and given.json()["can_sign_in"] is False  # no password yet
    password = {"password": "now it has one"}
    assert (
        client.put(f"/accounts/{owner}/password", json=password, headers=admin).status_code == 204
    )
    listed = {a["id"]: a for a in client.get("/accounts", headers=admin).json()}
    assert listed[owner]["can_sign_in"] is True
    removed = client.patch(f"/accounts/{owner}", json={"email": None}, headers=admin)
    assert removed.status_code == 200 and removed.json()["can_sign_in"] is False
    with app.state.sessions() as session:
        assert store.check_sign_in(session, email=email, password="now it has one") is None


def test_an_admin_makes_a_key_for_an_account_over_http_and_the_record_names_it(
    client: TestClient, keys: dict[str, str]
) -> None:
    admin = as_role(keys, "admin")
    made = client.post("/accounts", json=_account(name="Iryna"), headers=admin).json()
    body = {"role": "jobhunter", "name": "Iryna's phone", "account_id": made["id"]}
    new = client.post("/keys", json=body, headers=admin)
    assert new.status_code == 201, new.text
    assert new.json()["account_id"] == made["id"]
    listed = {k["id"]: k for k in client.get("/keys", headers=admin).json()}
    assert listed[new.json()["id"]]["account_id"] == made["id"]
    proposal = {"candidate_id": "c-0004", "vacancy_id": "v-0004"}
    proposed = client.post("/applications", json=proposal, headers={"X-API-Key": new.json()["key"]})
    assert proposed.status_code == 201, proposed.text
    assert proposed.json()["jobhunter"] == "Iryna"


@pytest.mark.parametrize(
    "key, why",
    [
        ({"role": "coordinator"}, "jobhunter account"),  # the account is a jobhunter's
        ({"role": "jobhunter", "account_id": "a-nobody"}, "no account with id 'a-nobody'"),
    ],
)
def test_a_key_for_a_missing_or_other_role_account_is_422_naming_account_id(
    client: TestClient, keys: dict[str, str], key: dict[str, str], why: str
) -> None:
    admin = as_role(keys, "admin")
    made = client.post("/accounts", json=_account(), headers=admin).json()
    before = client.get("/keys", headers=admin).json()
    refused = client.post("/keys", json={"account_id": made["id"], **key}, headers=admin)
    assert refused.status_code == 422, refused.text
    (error,) = refused.json()["detail"]
    assert error["loc"] == ["body", "account_id"] and why in error["msg"]
    assert client.get("/keys", headers=admin).json() == before
