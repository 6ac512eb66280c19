"""This week's plan in a real Chromium: a jobhunter proposes a line and finds it on the person's
page; the plan fits a phone; a vacancy's printed candidates fit one A4 page."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from service import store

PASSWORD = "a password long enough"
from conftest import SCREENSHOTS  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")


def sign_in(live, page: Page) -> None:
    email = f"plan-{secrets.token_hex(3)}@example.org"
    with live.app.state.sessions.begin() as session:
        store.create_account(
            session, name="Plan Coach", role="jobhunter", email=email, password=PASSWORD
        )
    page.goto(f"{live.url}/plan")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("form.sign-in button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/plan$"))


def test_a_jobhunter_proposes_a_line_of_the_plan(live, page: Page) -> None:
    sign_in(live, page)
    line = page.locator("li.plan-line").first
    expect(line).to_be_visible()
    title = line.locator(".plan-vacancy a").inner_text()
    line.locator("form.plan-accept button").click()
    expect(page).to_have_url(re.compile(r"/plan\?.*proposed=.*#person-c-"))
    notice = page.locator("#plan-notice")
    expect(notice).to_contain_text(title)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "plan.png"))
    notice.locator("a").click()
    expect(page).to_have_url(re.compile(r"/people/c-[^#]+#application-"))
    application = page.locator(page.url[page.url.index("#") :])
    expect(application).to_contain_text(title)


def test_the_plan_fits_a_phone(live, page: Page) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(live, page)
    expect(page.locator("li.plan-line").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > 376).slice(0, 5)"
        ".map(e => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 40))"
    )
    assert width <= 375, wide
    page.screenshot(path=str(SCREENSHOTS / "plan-phone.png"))


def test_a_vacancys_printed_candidates_fit_one_a4_page(live, page: Page) -> None:
    sign_in(live, page)
    page.locator("li.plan-line .plan-vacancy a").first.click()
    expect(page.locator("li.coach-line").first).to_be_visible()
    page.locator(".coach-actions a[href$='/candidates/print']").click()
    expect(page.locator("main.vacancy-print li.coach-line").first).to_be_visible()
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 680, "height": 1000})  # A4's width inside its margins
    page.screenshot(path=str(SCREENSHOTS / "vacancy-print.png"), full_page=True)
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    assert pages == 1, f"{pages} A4 pages"
