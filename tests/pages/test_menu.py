"""Every role reaches its pages from the menu at the top of each page, and every one of them
opens (a heading, no error), in a real browser."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Page, expect

from service import store
from service.web.render import MENU

PASSWORD = "a password long enough"


def _sign_in(live, page: Page, role: str) -> None:
    email = f"{role}-{secrets.token_hex(3)}@example.org"
    employer = f"Bakkerij {secrets.token_hex(3)}" if role == "employer" else None
    with live.app.state.sessions.begin() as session:
        if employer is not None:
            store.create_employer(session, name=employer)
        store.create_account(
            session, name=f"A {role}", role=role, email=email, employer=employer, password=PASSWORD
        )
    page.goto(f"{live.url}/sign-in")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form.sign-in button[type=submit]").click()
    expect(page).to_have_url(f"{live.url}/")


@pytest.mark.parametrize("role", ["jobhunter", "coordinator", "employer", "admin"])
def test_each_roles_menu_opens_each_of_its_pages_and_each_fits_a_phone(
    live, page: Page, role: str
) -> None:
    page.set_extra_http_headers({"Accept-Language": "uk"})  # long words, the longest lines
    page.set_viewport_size({"width": 375, "height": 800})
    _sign_in(live, page, role)
    links = page.locator("nav.menu a")
    expect(links).to_have_count(len(MENU[role]))
    for path, _ in MENU[role]:
        response = page.goto(f"{live.url}{path}")
        assert response is not None and response.status == 200, (role, path)
        expect(page.locator("main h1").first).to_be_visible()
        expect(page.locator(f'nav.menu a[href="{path}"]')).to_have_attribute("aria-current", "page")
