"""The coordinator's journey in a real browser: a weight changed on the weights page is the
version the very next shortlist uses, and the figures page counts a hire recorded meanwhile."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from datetime import date

import httpx
import pytest
from playwright.sync_api import Page, expect
from support import LiveServer, make_key

from service import store

pytestmark = [
    pytest.mark.browser,
    # pytest-base-url's session fixture is a method, which pytest 9 warns is deprecated.
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

PASSWORD = "a password long enough"
from conftest import SCREENSHOTS  # noqa: E402


@pytest.fixture
def api(live: LiveServer) -> Iterator[httpx.Client]:
    """The JSON API with a coordinator's key, to read shortlists and record a hire."""
    key = make_key(live.app, "coordinator")  # type: ignore[attr-defined]
    with httpx.Client(base_url=live.url, headers={"X-API-Key": key}) as client:
        yield client


def coordinator(live: LiveServer, language: str) -> str:
    email = f"coordinator-{secrets.token_hex(3)}@example.org"
    with live.app.state.sessions.begin() as session:  # type: ignore[attr-defined]
        store.create_account(
            session,
            name=f"Coordinator {language}",
            role="coordinator",
            email=email,
            password=PASSWORD,
        )
    return email


def sign_in(page: Page, live: LiveServer, email: str, language: str) -> None:
    page.goto(f"{live.url}/figures")
    names = {"en": "English", "ru": "Русский"}
    page.get_by_role("button", name=names[language]).click()
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form.sign-in button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/figures$"))
    expect(page.locator("html")).to_have_attribute("lang", language)


def hire_someone(api: httpx.Client) -> None:
    """A ready person with no hire yet proposed their first shortlist line and hired (JSON)."""
    ready = api.get("/candidates", params={"stage": "ready", "limit": 50}).json()
    for person in ready["data"]:
        past = api.get(f"/candidates/{person['id']}/applications").json()
        if any(a["status"] == "hired" for a in past):
            continue
        line = api.get(f"/candidates/{person['id']}/shortlist").json()["results"][0]
        made = api.post(
            "/applications", json={"candidate_id": person["id"], "vacancy_id": line["vacancy_id"]}
        )
        assert made.status_code == 201, made.text
        for step in ("applied", "interview", "hired"):
            done = api.patch(f"/applications/{made.json()['id']}", json={"status": step})
            assert done.status_code == 200, done.text
        return
    raise AssertionError("no ready person without a hire in the fixtures")


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_new_weight_is_the_next_shortlists_and_the_figures_count_a_hire(
    live: LiveServer, page: Page, api: httpx.Client, language: str
) -> None:
    sign_in(page, live, coordinator(live, language), language)

    placed = int(page.locator(".coordinator-placed").get_attribute("data-placed") or "")
    month = date.today().strftime("%Y-%m")
    hires_cell = page.locator("tr", has=page.locator(f"th:text-is('{month}')")).locator("td").first
    hires_before = int(hires_cell.inner_text())
    # The charts have their tables for readers who cannot see them.
    expect(page.locator("svg.coordinator-chart").first).to_be_visible()
    assert page.locator("section.coordinator-figure table").count() == 4

    page.locator(".coordinator-nav a[href='/coordinator/weights']").click()
    version = int(page.locator("input[name=version]").input_value())
    skills = page.locator("#weight-skills")
    skills.fill("0.55")
    page.locator("#note").fill(f"More weight on skills ({language})")
    page.locator("form.coordinator-weights button[type=submit]").click()
    expect(page.locator("p.notice[role=status]")).to_contain_text(str(version))
    history = page.locator("table.coordinator-history tbody tr").first
    expect(history.locator("th")).to_have_text(str(version))
    expect(history).to_contain_text(f"More weight on skills ({language})")
    if language == "ru":  # the features' names are in the page's language
        expect(page.locator("table.coordinator-history thead")).to_contain_text("навыки")

    someone = api.get("/candidates", params={"stage": "ready", "limit": 1}).json()
    first = someone["data"][0]["id"]
    shortlist = api.get(f"/candidates/{first}/shortlist").json()
    assert shortlist["weights_version"] == version

    hire_someone(api)
    page.locator(".coordinator-nav a[href='/figures']").click()
    expect(page.locator(".coordinator-placed")).to_have_attribute("data-placed", str(placed + 1))
    expect(hires_cell).to_have_text(str(hires_before + 1))


def test_a_second_coordinator_saving_first_is_a_form_error_that_keeps_the_numbers(
    live: LiveServer, page: Page
) -> None:
    sign_in(page, live, coordinator(live, "en"), "en")
    page.goto(f"{live.url}/coordinator/weights")
    page.locator("#weight-commute").fill("0.3")
    with live.app.state.sessions.begin() as session:  # type: ignore[attr-defined]
        now = store.get_weights(session, version=store.versions(session)[1]).weights
        store.set_weights(session, weights=now.weights, note="first", changed_by="someone")
    page.locator("form.coordinator-weights button[type=submit]").click()
    expect(page.locator("#form-error")).to_contain_text("Someone else saved")
    expect(page.locator("#weight-commute")).to_have_value("0.3")
    page.locator("form.coordinator-weights button[type=submit]").click()
    expect(page.locator("p.notice[role=status]")).to_be_visible()


def test_screenshot_of_the_figures_page(live: LiveServer, page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live, coordinator(live, "en"), "en")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "figures.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
