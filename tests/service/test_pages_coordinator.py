"""The coordinators' pages over HTTP: only a coordinator opens them (an admin only accounts), every
form needs its token, and each page says what its JSON route says."""

from __future__ import annotations

import re
import secrets

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from support import EMPLOYER, as_role

from service import store

PASSWORD = "a password long enough"
COORDINATOR_PAGES = ["/figures", "/coordinator/weights", "/coordinator/attention"]
FORMS = [
    "/coordinator/weights",
    "/coordinator/accounts",
    "/coordinator/accounts/someone/disable",
    "/coordinator/accounts/someone/enable",
]


def browser(app: FastAPI, role: store.Role | None = "coordinator", **fields: str) -> TestClient:
    """A browser signed in as a new account of this role (None: not signed in)."""
    client = TestClient(app, follow_redirects=False)
    if role is None:
        return client
    email = f"{role}-{secrets.token_hex(4)}@example.org"
    with app.state.sessions.begin() as session:
        if role == "employer" and EMPLOYER not in {e.name for e in store.list_employers(session)}:
            store.create_employer(session, name=EMPLOYER)
        store.create_account(
            session,
            name=fields.get("name", f"{role} {secrets.token_hex(2)}"),
            role=role,
            email=email,
            employer=EMPLOYER if role == "employer" else None,
            password=PASSWORD,
        )
    signed = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert signed.status_code == 303, signed.text
    return client


def token(client: TestClient, path: str = "/coordinator/accounts") -> str:
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None, page.text
    return found.group(1)


def weights_form(client: TestClient, **weights: str) -> dict[str, str]:
    page = client.get("/coordinator/weights").text
    values = dict(
        re.findall(r'name="weight_(\w+)" type="text" inputmode="decimal" value="([^"]*)"', page)
    )
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version is not None and values
    return {
        "csrf_token": token(client, "/coordinator/weights"),
        "version": version.group(1),
        "note": "",
        **{f"weight_{k}": v for k, v in {**values, **weights}.items()},
    }


def current_version(app: FastAPI) -> int:
    with app.state.sessions() as session:
        return store.versions(session)[1]


def test_without_a_session_the_pages_send_to_sign_in_and_the_forms_refuse(app: FastAPI) -> None:
    client = browser(app, None)
    for path in [*COORDINATOR_PAGES, "/coordinator/accounts"]:
        answer = client.get(path)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/sign-in")
    for path in FORMS:
        assert client.post(path, data={"csrf_token": "x"}).status_code == 401


@pytest.mark.parametrize("role", ["jobhunter", "employer", "admin"])
def test_only_a_coordinator_opens_the_figures_weights_and_attention(
    app: FastAPI, role: store.Role
) -> None:
    client = browser(app, role)
    for path in COORDINATOR_PAGES:
        answer = client.get(path)
        assert answer.status_code == 403, (path, answer.status_code)
        assert "for coordinators" in answer.text and "<svg" not in answer.text
    before = current_version(app)
    sent = client.post(
        "/coordinator/weights", data={"csrf_token": token(client, "/"), "version": "9"}
    )
    assert sent.status_code == 403 and current_version(app) == before


@pytest.mark.parametrize("role", ["jobhunter", "employer"])
def test_accounts_are_for_admins_and_coordinators_only(app: FastAPI, role: store.Role) -> None:
    client = browser(app, role)
    assert client.get("/coordinator/accounts").status_code == 403
    made = client.post(
        "/coordinator/accounts",
        data={
            "csrf_token": token(client, "/"),
            "name": "Intruder",
            "email": f"x-{secrets.token_hex(3)}@example.org",
            "role": "coordinator",
        },
    )
    assert made.status_code == 403
    assert browser(app, "admin").get("/coordinator/accounts").status_code == 200


def test_every_form_checks_its_token(app: FastAPI) -> None:
    client = browser(app)
    before = current_version(app)
    form = weights_form(client, skills="0.9")
    for path in FORMS:
        for bad in ({}, {"csrf_token": "not the token"}):
            data = {**form, **bad} if bad else {k: v for k, v in form.items() if k != "csrf_token"}
            assert client.post(path, data=data).status_code == 403, path
    assert current_version(app) == before


def test_the_figures_page_shows_what_get_stats_says(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    stats = client.get("/stats", headers=as_role(keys, "coordinator")).json()
    page = browser(app).get("/figures")
    assert page.status_code == 200
    assert f'data-placed="{stats["placements"]["placed"]}"' in page.text
    ready = stats["candidates_per_stage"]["ready"]
    assert re.search(
        rf"<th scope=\"row\">Ready for work</th><td class=\"number\">{ready}</td>", page.text
    )
    experience = stats["rejection_reasons"]["experience"]
    assert f'<th scope="row">Experience</th><td class="number">{experience}</td>' in page.text
    # Each chart is drawn on the server, for the eye only; its table says it to everyone.
    assert page.text.count('<svg class="coordinator-chart"') == 4
    assert page.text.count('aria-hidden="true" focusable="false"') == 4
    assert "<script" not in page.text


def test_a_new_version_from_the_form_is_the_one_get_weights_gives(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    page = browser(app, name="Marta Coordinator")
    saved = page.post("/coordinator/weights", data=weights_form(page, skills="0.7", commute="0,1"))
    assert saved.status_code == 303
    now = client.get("/weights", headers=as_role(keys, "jobhunter")).json()
    assert saved.headers["location"] == f"/coordinator/weights?saved={now['version']}"
    assert now["weights"]["skills"] == 0.7 and now["weights"]["commute"] == 0.1
    assert now["changed_by"] == "Marta Coordinator"


def test_a_weight_that_is_not_one_is_shown_beside_its_field_with_what_was_typed(
    app: FastAPI,
) -> None:
    client = browser(app)
    before = current_version(app)
    form = {**weights_form(client, skills="lots", commute="150"), "note": "kept, <b>escaped</b>"}
    answer = client.post("/coordinator/weights", data=form)
    assert answer.status_code == 422
    assert 'id="weight-skills-error">Enter a number from 0 to 100.' in answer.text
    assert 'id="weight-commute-error">A weight is from 0 to 100.' in answer.text
    assert 'value="lots"' in answer.text and "kept, &lt;b&gt;escaped&lt;/b&gt;" in answer.text
    zeros = {k: ("0" if k.startswith("weight_") else v) for k, v in form.items()}
    answer = client.post("/coordinator/weights", data=zeros)
    assert answer.status_code == 422 and "At least one weight must be above zero." in answer.text
    assert current_version(app) == before


def test_someone_saving_first_is_409_and_keeps_the_form(app: FastAPI) -> None:
    mine, theirs = browser(app), browser(app)
    form = weights_form(mine, language="0.33")
    assert theirs.post("/coordinator/weights", data=weights_form(theirs)).status_code == 303
    late = mine.post("/coordinator/weights", data=form)
    assert late.status_code == 409
    assert "Someone else saved version" in late.text and 'value="0.33"' in late.text
    assert f'name="version" value="{current_version(app) + 1}"' in late.text


def test_an_account_made_on_the_page_shows_its_password_once_and_can_sign_in(
    app: FastAPI,
) -> None:
    client = browser(app)
    email = f"new-{secrets.token_hex(3)}@example.org"
    made = client.post(
        "/coordinator/accounts",
        data={
            "csrf_token": token(client),
            "name": "New Coach",
            "email": email,
            "role": "jobhunter",
            "employer": "",
        },
    )
    assert made.status_code == 201
    found = re.search(r'class="coordinator-password">([^<]+)<', made.text)
    assert found is not None
    password = found.group(1)
    assert password not in client.get("/coordinator/accounts").text
    fresh = TestClient(app, follow_redirects=False)
    assert fresh.post("/sign-in", data={"email": email, "password": password}).status_code == 303


def test_account_form_errors_are_beside_their_fields(app: FastAPI) -> None:
    client = browser(app)
    bad = client.post(
        "/coordinator/accounts",
        data={"csrf_token": token(client), "name": "", "email": "nope", "role": "jobhunter"},
    )
    assert bad.status_code == 422
    assert 'id="account-name-error"' in bad.text and 'id="account-email-error"' in bad.text
    assert 'value="nope"' in bad.text
    unknown = client.post(
        "/coordinator/accounts",
        data={
            "csrf_token": token(client),
            "name": "Boss",
            "email": f"boss-{secrets.token_hex(3)}@example.org",
            "role": "employer",
            "employer": "Nobody At All BV",
        },
    )
    assert unknown.status_code == 422
    assert "No employer has this name: Nobody At All BV." in unknown.text
    with app.state.sessions() as session:
        existing = next(a.email for a in store.list_accounts(session) if a.email)
    taken = client.post(
        "/coordinator/accounts",
        data={"csrf_token": token(client), "name": "Twin", "email": existing, "role": "jobhunter"},
    )
    assert taken.status_code == 409
    assert 'id="account-email-error">An account with this e-mail address exists.' in taken.text


def test_a_coordinator_makes_no_admin_and_disables_neither_themselves_nor_an_admin(
    app: FastAPI,
) -> None:
    client = browser(app)
    assert 'value="admin"' not in client.get("/coordinator/accounts").text
    made = client.post(
        "/coordinator/accounts",
        data={
            "csrf_token": token(client),
            "name": "Root",
            "email": f"root-{secrets.token_hex(3)}@example.org",
            "role": "admin",
        },
    )
    assert made.status_code == 403
    with app.state.sessions() as session:
        accounts = store.list_accounts(session)
    assert not any(a.name == "Root" for a in accounts)
    with app.state.sessions.begin() as session:
        admin = store.create_account(session, name="An Admin", role="admin", email=None)
    assert (
        f"/coordinator/accounts/{admin.id}/disable" not in client.get("/coordinator/accounts").text
    )
    refused = client.post(
        f"/coordinator/accounts/{admin.id}/disable", data={"csrf_token": token(client)}
    )
    assert refused.status_code == 403
    with app.state.sessions() as session:
        found = store.get_account(session, account_id=admin.id)
    assert found is not None and found.disabled_at is None


def test_disabling_an_account_ends_its_sessions_and_enabling_brings_it_back(
    app: FastAPI,
) -> None:
    coordinator = browser(app)
    coach = browser(app, "jobhunter", name="Coach To Disable")
    with app.state.sessions() as session:
        target = next(a for a in store.list_accounts(session) if a.name == "Coach To Disable")
    done = coordinator.post(
        f"/coordinator/accounts/{target.id}/disable", data={"csrf_token": token(coordinator)}
    )
    assert done.status_code == 303
    shown = coordinator.get(done.headers["location"])
    assert "The account of Coach To Disable is disabled" in shown.text
    assert coach.get("/").status_code == 303  # signed out at once
    again = coordinator.post(
        f"/coordinator/accounts/{target.id}/enable", data={"csrf_token": token(coordinator)}
    )
    assert again.status_code == 303
    with app.state.sessions() as session:
        found = store.get_account(session, account_id=target.id)
    assert found is not None and found.disabled_at is None


def test_nobody_disables_their_own_account(app: FastAPI) -> None:
    client = browser(app, name="Self Disabler")
    with app.state.sessions() as session:
        me = next(a for a in store.list_accounts(session) if a.name == "Self Disabler")
    page = client.get("/coordinator/accounts").text
    assert f"/coordinator/accounts/{me.id}/disable" not in page
    refused = client.post(
        f"/coordinator/accounts/{me.id}/disable", data={"csrf_token": token(client)}
    )
    assert refused.status_code == 403
    assert client.get("/coordinator/accounts").status_code == 200


def test_the_attention_page_lists_what_get_attention_gives(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    found = client.get("/attention", headers=as_role(keys, "coordinator")).json()
    page = browser(app).get("/coordinator/attention")
    assert page.status_code == 200
    for line in found["quiet_proposals"][:5] + found["ready_without_proposal"][:5]:
        person = line["candidate_id"]  # each a link to the person's page, which opens
        assert f'<th scope="row"><a href="/people/{person}">{person}</a></th>' in page.text
    first = (found["quiet_proposals"] + found["ready_without_proposal"])[0]["candidate_id"]
    assert browser(app).get(f"/people/{first}").status_code == 200
    assert page.text.count("<tr>") >= len(found["quiet_proposals"]) + len(
        found["ready_without_proposal"]
    )
