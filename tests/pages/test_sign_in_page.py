"""Signing in as a person does it, in a real browser: the page in the reader's language, the
keyboard's first stop the skip link, a wrong password shown beside the field with the e-mail
kept, then the home page and signing out."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from service import store

PASSWORD = "a password long enough"


def _account(live, name: str) -> str:
    email = f"{name.lower()}-{secrets.token_hex(3)}@example.org"
    with live.app.state.sessions.begin() as session:
        store.create_account(session, name=name, role="jobhunter", email=email, password=PASSWORD)
    return email


@pytest.mark.parametrize(
    ("language", "heading", "wrong_word", "sign_out"),
    [
        ("uk", "Увійдіть", "пароль", "Вийти"),
        ("nl", "Meld je aan", "wachtwoord", "Afmelden"),
    ],
)
def test_sign_in_and_out_in_the_readers_language(
    live, page: Page, language: str, heading: str, wrong_word: str, sign_out: str
) -> None:
    email = _account(live, "Olena")
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto(f"{live.url}/")
    expect(page).to_have_url(f"{live.url}/sign-in")  # no page without a session
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()

    page.locator("#email").fill(email)
    page.locator("#password").fill("not the password")
    page.locator("form.sign-in button[type=submit]").click()
    error = page.locator("#password-error, #email-error, #form-error").first
    expect(error).to_be_visible()
    expect(error).to_contain_text(wrong_word, ignore_case=True)
    expect(page.locator("#email")).to_have_value(email)  # what was typed is kept

    page.locator("#password").fill(PASSWORD)
    page.locator("form.sign-in button[type=submit]").click()
    expect(page).to_have_url(f"{live.url}/")
    expect(page.locator("header .who")).to_have_text("Olena")
    page.get_by_role("button", name=sign_out).click()
    expect(page).to_have_url(re.compile(r"/sign-in\?signed_out=true$"))
    expect(page.locator("p.notice")).to_be_visible()
    page.goto(f"{live.url}/")
    expect(page).to_have_url(re.compile(r"/sign-in(\?|$)"))  # the session ended on the server
