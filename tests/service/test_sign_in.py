"""Signing in to the pages, as a browser does it over HTTP: the session cookie and its flags,
sign-out on the server, CSRF tokens, the rate limit on failures, and no page without a session."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from support import as_role, settings_for

from matcher.cli import main
from service import store
from service.app import create_app
from service.tables import SessionRow, SignInFailureRow, utcnow

PASSWORD = "a password long enough"
PUBLIC = {
    ("GET", "/sign-in"),
    ("POST", "/sign-in"),
    ("POST", "/language"),
    ("GET", "/docs"),
    ("GET", "/redoc"),
}
"""The page routes that work without a session: signing in, choosing the pages' language, and
the API's documentation (the schema holds no one's data)."""


@pytest.fixture(scope="module")
def pages(database_url: str) -> Iterator[FastAPI]:
    """The app behind a proxy it trusts (the test client's address), so each test can come from
    an address of its own (X-Forwarded-For); failures are limited to 5 per e-mail, 8 per address."""
    app = create_app(
        settings_for(
            database_url,
            trusted_proxies="testclient",
            sign_in_failures_per_email=5,
            sign_in_failures_per_address=8,
        )
    )
    with TestClient(app):
        yield app


def browser(app: FastAPI, *, https: bool = False, **headers: str) -> TestClient:
    """A browser of its own (its own cookies) at an address of its own."""
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    return TestClient(
        app,
        base_url="https://testserver" if https else "http://testserver",
        headers={"X-Forwarded-For": address, **headers},
        follow_redirects=False,
    )


def account(app: FastAPI, *, role: store.Role = "jobhunter", name: str = "Olena") -> str:
    """A new account that can sign in with PASSWORD; its e-mail."""
    email = f"{name.lower()}-{secrets.token_hex(3)}@example.org"
    with app.state.sessions.begin() as session:
        store.create_account(session, name=name, role=role, email=email, password=PASSWORD)
    return email


def sign_in(client: TestClient, email: str, password: str = PASSWORD, **extra: str):
    return client.post("/sign-in", data={"email": email, "password": password, **extra})


def csrf_of(client: TestClient) -> str:
    home = client.get("/")
    assert home.status_code == 200, home.text
    found = re.search(r'name="csrf_token" value="([^"]+)"', home.text)
    assert found is not None
    return found.group(1)


def test_signing_in_opens_the_home_page_with_a_safe_cookie(pages: FastAPI) -> None:
    email = account(pages, role="coordinator", name="Olena")
    client = browser(pages)
    first = client.get("/")
    assert first.status_code == 303 and first.headers["location"] == "/sign-in"
    signed = sign_in(client, email.upper())  # e-mails compare whatever their case
    assert signed.status_code == 303 and signed.headers["location"] == "/"
    cookie = signed.headers["set-cookie"]
    assert cookie.startswith("matcher_session=")
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/"} <= flags
    assert "secure" not in flags  # plain HTTP: a Secure cookie would never come back
    home = client.get("/")
    assert home.status_code == 200
    assert "<h1>Welcome, Olena</h1>" in home.text and "Your role: coordinator" in home.text
    assert '<html lang="en">' in home.text and '<body class="page-home">' in home.text
    assert 'action="/sign-out"' in home.text
    assert home.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in home.headers["content-security-policy"]


def test_the_cookie_is_secure_over_https_only(pages: FastAPI, app: FastAPI) -> None:
    email = account(pages)
    direct = sign_in(browser(pages, https=True), email)
    assert "secure" in direct.headers["set-cookie"].lower()
    proxied = sign_in(browser(pages, **{"X-Forwarded-Proto": "https"}), email)
    assert "secure" in proxied.headers["set-cookie"].lower()  # said by a trusted proxy
    # `app` trusts no proxy: anyone can send the header, so it is not believed.
    untrusted = sign_in(browser(app, **{"X-Forwarded-Proto": "https"}), email)
    assert untrusted.status_code == 303
    assert "secure" not in untrusted.headers["set-cookie"].lower()


def test_a_failed_sign_in_shows_the_form_again_with_the_error_beside_the_field(
    pages: FastAPI,
) -> None:
    email = account(pages)
    client = browser(pages)
    failed = sign_in(client, email, "not the password")
    assert failed.status_code == 400 and "set-cookie" not in failed.headers
    assert f'value="{email}"' in failed.text  # kept
    assert '<input type="hidden" name="next" value="/sign-in">' in failed.text  # the switch
    assert 'aria-describedby="password-error"' in failed.text
    assert re.search(r'id="password-error">The e-mail address or the password is not', failed.text)
    unknown = sign_in(client, "nobody-at-all@example.org", "not the password")
    assert unknown.status_code == 400  # as for a wrong password: nothing says who has an account
    assert re.search(r'id="password-error">The e-mail address or the password is not', unknown.text)
    empty = client.post("/sign-in", data={"email": "", "password": "x"})
    assert empty.status_code == 400 and 'id="email-error"' in empty.text
    no_at = client.post("/sign-in", data={"email": "olena", "password": "x"})
    assert no_at.status_code == 400 and 'id="email-error">This is not an e-mail' in no_at.text
    assert 'value="olena"' in no_at.text


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.labels: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") != "hidden":
            self.inputs.append(found)
        if tag == "label" and found.get("for"):
            self.labels.add(str(found["for"]))


def test_every_input_of_the_sign_in_form_has_a_label(pages: FastAPI) -> None:
    parsed = _Inputs()
    parsed.feed(browser(pages).get("/sign-in").text)
    assert len(parsed.inputs) == 2
    assert all(i.get("id") in parsed.labels for i in parsed.inputs), parsed.inputs


def test_sign_out_ends_the_session_on_the_server(pages: FastAPI) -> None:
    email = account(pages)
    client = browser(pages)
    sign_in(client, email)
    token = client.cookies["matcher_session"]
    out = client.post("/sign-out", data={"csrf_token": csrf_of(client)})
    assert out.status_code == 303 and out.headers["location"].startswith("/sign-in")
    assert "signed out" in client.get(out.headers["location"]).text
    # The old cookie, sent again as it was, opens nothing: the session is gone from the server.
    replay = browser(pages, Cookie=f"matcher_session={token}")
    assert replay.get("/").status_code == 303
    with pages.state.sessions() as session:
        left = session.execute(
            select(func.count())
            .select_from(SessionRow)
            .where(SessionRow.token_hash == store.hash_key(token))
        ).scalar_one()
    assert left == 0


@pytest.mark.parametrize("token", ["missing", "wrong", "another session's"])
def test_a_form_without_this_session_s_token_is_403(pages: FastAPI, token: str) -> None:
    email = account(pages)
    client, other = browser(pages), browser(pages)
    sign_in(client, email)
    sign_in(other, email)
    sent = {
        "missing": {},
        "wrong": {"csrf_token": "not-the-token"},
        "another session's": {"csrf_token": csrf_of(other)},
    }[token]
    refused = client.post("/sign-out", data=sent)
    assert refused.status_code == 403
    assert "The form has expired or did not come from this site" in refused.text
    assert client.get("/").status_code == 200  # still signed in: nothing was done
    header = client.post("/sign-out", headers={"X-CSRF-Token": csrf_of(client)})
    assert header.status_code == 303  # the token in the header does as well as in the form


def test_requests_with_an_api_key_need_no_form_token(pages: FastAPI, keys: dict[str, str]) -> None:
    """A key is not a cookie a browser sends by itself: no cross-site request can carry it."""
    client = browser(pages)
    sign_in(client, account(pages, role="coordinator"))  # a session cookie goes along too
    made = client.post(
        "/accounts",
        json={
            "name": "Bert",
            "email": f"bert-{secrets.token_hex(3)}@example.org",
            "role": "jobhunter",
        },
        headers=as_role(keys, "coordinator"),
    )
    assert made.status_code == 201, made.text


def _page_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every page: every route of an included router kept out of the API's
    schema (FastAPI keeps an included router whole in `app.routes`)."""
    found = set()
    pending = list(app.routes)
    while pending:
        route = pending.pop()
        if isinstance(route, APIRoute) and not route.include_in_schema:
            found |= {(method, route.path) for method in route.methods}
        inner = getattr(route, "original_router", None)
        if inner is not None and not inner.include_in_schema:
            pending.extend(inner.routes)
    return sorted(found)


def test_no_page_or_form_works_without_a_session(pages: FastAPI) -> None:
    routes = _page_routes(pages)
    assert set(routes) >= PUBLIC | {("GET", "/"), ("POST", "/sign-out")}
    client = browser(pages)
    for method, path in routes:
        if (method, path) in PUBLIC:
            continue
        answer = client.request(method, path, data={"csrf_token": "x"})
        if method == "GET":
            assert answer.status_code == 303, (method, path)
            assert answer.headers["location"].startswith("/sign-in"), (method, path)
        else:
            assert answer.status_code in {401, 403}, (method, path, answer.status_code)
    # A page asked for without a session comes back after signing in.
    email = account(pages)
    asked = client.get("/?from=mail")
    assert asked.headers["location"] == "/sign-in?next=%2F%3Ffrom%3Dmail"
    form = client.get(asked.headers["location"])
    assert 'name="next" value="/?from=mail"' in form.text
    back = sign_in(client, email, next="/?from=mail")
    assert back.headers["location"] == "/?from=mail"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_sign_in_never_sends_the_browser_to_another_site(pages: FastAPI, target: str) -> None:
    assert sign_in(browser(pages), account(pages), next=target).headers["location"] == "/"


def test_after_five_failures_an_e_mail_waits_and_others_do_not(pages: FastAPI) -> None:
    email, other = account(pages), account(pages, name="Bert")
    client = browser(pages)
    for _ in range(5):
        assert sign_in(client, email, "a wrong password").status_code == 400
    sixth = sign_in(client, email)  # even the right password: the limit is on trying
    assert sixth.status_code == 429, sixth.text
    assert 1 <= int(sixth.headers["retry-after"]) <= 15 * 60
    assert "Too many failed sign-ins. Try again in 15 minutes." in sixth.text
    assert "set-cookie" not in sixth.headers
    assert sign_in(browser(pages), email).status_code == 429  # from anywhere: it is per e-mail
    assert sign_in(client, other).status_code == 303  # another e-mail is not held up
    # Fifteen minutes later (the failures made older, in the database every worker reads):
    with pages.state.sessions.begin() as session:
        session.execute(
            update(SignInFailureRow)
            .where(SignInFailureRow.email_key == email)
            .values(at=utcnow() - timedelta(minutes=16))
        )
    assert sign_in(client, email).status_code == 303


def test_an_address_with_too_many_failures_waits(pages: FastAPI) -> None:
    client = browser(pages)
    for n in range(8):  # each a different e-mail: what guessing over many accounts looks like
        assert sign_in(client, f"guess-{n}-{secrets.token_hex(2)}@example.org").status_code == 400
    email = account(pages)
    assert sign_in(client, email).status_code == 429
    assert sign_in(browser(pages), email).status_code == 303  # from another address


def test_disabling_an_account_or_changing_its_password_ends_its_sessions(
    pages: FastAPI, keys: dict[str, str]
) -> None:
    coordinator = as_role(keys, "coordinator")
    email = account(pages)
    client = browser(pages)
    sign_in(client, email)
    with pages.state.sessions() as session:
        found = store.account_by_email(session, email=email)
    assert found is not None
    changed = client.put(
        f"/accounts/{found.id}/password",
        json={"password": "another long password"},
        headers=as_role(keys, "admin"),
    )
    assert changed.status_code == 204
    assert client.get("/").status_code == 303
    assert sign_in(client, email, "another long password").status_code == 303
    assert client.get("/").status_code == 200
    off = client.patch(f"/accounts/{found.id}", json={"disabled": True}, headers=coordinator)
    assert off.status_code == 200
    assert client.get("/").status_code == 303
    assert sign_in(client, email, "another long password").status_code == 400


def test_the_language_switch_is_remembered(pages: FastAPI) -> None:
    visitor = browser(pages)
    chosen = visitor.post("/language", data={"language": "uk", "next": "/sign-in"})
    assert chosen.status_code == 303 and chosen.headers["location"] == "/sign-in"
    page = visitor.get("/sign-in")
    assert '<html lang="uk">' in page.text and page.headers["content-language"] == "uk"
    dutch = browser(pages, **{"Accept-Language": "nl-BE,nl;q=0.9,en;q=0.5"}).get("/sign-in")
    assert '<html lang="nl">' in dutch.text
    # Signed in, the choice is the account's: it follows them to another browser.
    email = account(pages)
    client = browser(pages)
    sign_in(client, email)
    refused = client.post("/language", data={"language": "ru", "next": "/"})
    assert refused.status_code == 403  # a form of the signed-in pages: it needs the token
    assert (
        client.post(
            "/language", data={"language": "ru", "next": "/", "csrf_token": csrf_of(client)}
        ).status_code
        == 303
    )
    elsewhere = browser(pages)
    sign_in(elsewhere, email)
    assert '<html lang="ru">' in elsewhere.get("/").text


def test_the_stylesheet_is_served_by_the_app(pages: FastAPI) -> None:
    css = browser(pages).get("/static/matcher.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


def test_a_nul_in_a_form_is_422(pages: FastAPI) -> None:
    answer = browser(pages).post("/sign-in", data={"email": "a\x00@b.c", "password": "x"})
    assert answer.status_code == 422
    assert ["body", "email"] in [e["loc"] for e in answer.json()["detail"]]


def test_users_create_prints_a_password_that_signs_in(
    pages: FastAPI,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MATCHER_DATABASE_URL", database_url)
    email = f"ana-{secrets.token_hex(3)}@example.org"
    assert main(["users", "create", "--role", "jobhunter", "--name", "Ana", "--email", email]) == 0
    password = capsys.readouterr().out.strip().splitlines()[-1]
    client = browser(pages)
    assert sign_in(client, email, password).status_code == 303
    assert "Welcome, Ana" in client.get("/").text
