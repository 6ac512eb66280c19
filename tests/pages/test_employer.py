"""The employer's journey in a real browser: sign in, post a language-light vacancy with an early
shift (typed as a hurried person types it), a coach then finds it on a suitable person's
shortlist, the employer records the hire and the vacancy fills; in Dutch and in English."""

from __future__ import annotations

import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "service"))
from support import LiveServer, make_key  # noqa: E402

from service import store  # noqa: E402

PASSWORD = "a password long enough"
from conftest import SCREENSHOTS  # noqa: E402


@pytest.fixture(scope="session")
def base_url() -> str | None:
    """pytest-playwright's own base_url fixture (without pytest-base-url) is a method of a plugin
    object, which pytest 9.2 refuses as a warning, an error here; the pages need none."""
    return None


def employer_account(live: LiveServer, employer: str) -> str:
    email = f"werkgever-{secrets.token_hex(3)}@example.org"
    app = live.app  # type: ignore[attr-defined]
    with app.state.sessions.begin() as session:
        store.create_employer(session, name=employer)
        store.create_account(
            session, name="Els Peeters", role="employer", email=email, employer=employer,
            password=PASSWORD,
        )  # fmt: skip
    return email


def sign_in(page: Page, live: LiveServer, email: str, language: str) -> None:
    page.goto(f"{live.url}/employer/vacancies/new")
    page.locator(f'button[name="language"][value="{language}"]').click()
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("form.sign-in button[type=submit]").click()
    expect(page).to_have_url(f"{live.url}/employer/vacancies/new")
    expect(page.locator("html")).to_have_attribute("lang", language)


def suitable_person(live: LiveServer, coach: httpx.Client) -> str:
    """A newcomer with no Dutch, Ukrainian and some English, free early in the morning, near
    Antwerp's port, who packs."""
    made = coach.post(
        "/candidates",
        json={
            "home": {"postcode": "2030"},
            "languages": {"uk": "native", "en": "A2"},
            "skills": ["inpakken"],
            "transport": ["public_transport", "bike"],
            "max_commute_minutes": 45,
            "availability": [
                {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "05:30", "end": "15:00"}
            ],
            "stage": "ready",
        },
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


@pytest.fixture
def coach(live: LiveServer) -> Iterator[httpx.Client]:
    """A coach's script over the JSON API, with a jobhunter key."""
    key = make_key(live.app, "jobhunter")  # type: ignore[attr-defined]
    with httpx.Client(base_url=live.url, headers={"X-API-Key": key}) as client:
        yield client


@pytest.mark.parametrize("language", ["nl", "en"])
def test_an_employer_posts_a_language_light_vacancy_and_records_the_hire(
    page: Page, live: LiveServer, coach: httpx.Client, language: str
) -> None:
    employer = f"Havenpak {language.upper()} {secrets.token_hex(2)}"
    email = employer_account(live, employer)
    person = suitable_person(live, coach)

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live, email, language)

    # The language-light case is the one ready: Dutch not required, a contact language asked.
    expect(page.locator('input[name="dutch_required"][value="no"]')).to_be_checked()
    page.fill("#title", "Inpakker vroege ploeg")
    page.fill("#postcode", "B-2030")
    page.locator('input[name="contact_languages"][value="uk"]').check()
    page.select_option("#contact_level", "A2")
    for day in ("mon", "tue", "wed", "thu", "fri"):
        page.locator(f'input[name="shift_days_0"][value="{day}"]').check()
    page.fill("#shift_start_0", "6u00")
    page.fill("#shift_end_0", "14u00")
    page.fill("#hours_per_week", "38")
    page.fill("#skills_required", "inpakken")
    if language == "en":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.evaluate("document.activeElement.blur()")
        page.screenshot(path=str(SCREENSHOTS / "employer-form.png"), full_page=True)
    page.fill("#shift_end_0", "25u00")  # a slip: the form says so beside it, keeping the rest
    page.locator("button[name=save]:not(.employer-default)").click()

    error = page.locator("#shift_0_end-error")
    expect(error).to_be_visible()
    expect(page.locator("#shift_end_0")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#title")).to_have_value("Inpakker vroege ploeg")
    expect(page.locator("#shift_start_0")).to_have_value("6u00")
    expect(page.locator('input[name="contact_languages"][value="uk"]')).to_be_checked()
    page.fill("#shift_end_0", "14u00")
    page.keyboard.press("Enter")  # in the end field: Enter saves, as the visible button does

    expect(page.locator("p.notice")).to_be_visible()
    vacancy_id = page.url.split("/employer/vacancies/")[1].split("?")[0]
    expect(page.locator("h1")).to_have_text("Inpakker vroege ploeg")
    stored = coach.get(f"/vacancies/{vacancy_id}").json()
    assert stored["employer"] == employer
    assert stored["language"] == {"dutch": None, "contact_languages": ["en", "uk"],
                                  "contact_level": "A2"}  # fmt: skip
    assert stored["shifts"][0]["start"] == "06:00" and stored["shifts"][0]["end"] == "14:00"

    # The coach sees it on the person's shortlist, and proposes it.
    shortlist = coach.get(f"/candidates/{person}/shortlist", params={"top": 100}).json()
    listed = [line["vacancy_id"] for line in shortlist["results"]]
    assert vacancy_id in listed, listed[:10]
    proposed = coach.post("/applications", json={"candidate_id": person, "vacancy_id": vacancy_id})
    assert proposed.status_code == 201, proposed.text
    application = proposed.json()["id"]

    # The employer sees the application, without the person, and records the hire.
    page.goto(f"{live.url}/employer/vacancies")
    page.get_by_role("link", name="Inpakker vroege ploeg").click()
    card = page.locator(f"#application-{application}")
    expect(card).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(person)
    card.locator('button[name="status"][value="interview"]').click()
    expect(page.locator("p.notice")).to_be_visible()
    page.locator(f"#application-{application}").locator('button[value="hired"]').click()
    expect(page.locator("p.notice")).to_be_visible()

    assert coach.get(f"/vacancies/{vacancy_id}").json()["status"] == "filled"
    after = coach.get(f"/applications/{application}").json()
    assert [s["status"] for s in after["steps"]] == ["proposed", "interview", "hired"]
    assert coach.get(f"/candidates/{person}").json()["stage"] == "placed"
    # Filled, it leaves the shortlist, and no step buttons are left to press.
    again = coach.get(f"/candidates/{person}/shortlist", params={"top": 100}).json()
    assert vacancy_id not in [line["vacancy_id"] for line in again["results"]]
    expect(page.locator(f"#application-{application} button")).to_have_count(0)
