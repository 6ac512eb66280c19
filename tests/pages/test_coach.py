"""The coaches' journeys in a real Chromium: finding a person by a Ukrainian skill word and
working their shortlist (propose, reject for the schedule with a debrief), and a hurried intake;
each in Ukrainian and in Dutch. Also the screenshots of the caseload and a person's page."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from matcher.reasons import translator
from service import store

PASSWORD = "a password long enough"
from conftest import SCREENSHOTS  # noqa: E402

LANGUAGE_NAMES = {"uk": "Українська", "nl": "Nederlands", "ru": "Русский", "en": "English"}
# pytest-playwright's session fixture `base_url` is one pytest 9 warns about (its own issue).
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")


def sign_in_as_coach(live, page: Page, language: str, name: str = "Coach") -> None:
    email = f"coach-{secrets.token_hex(3)}@example.org"
    with live.app.state.sessions.begin() as session:
        store.create_account(session, name=name, role="jobhunter", email=email, password=PASSWORD)
    page.goto(f"{live.url}/people")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("form.sign-in button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/people$"))
    page.get_by_role("button", name=LANGUAGE_NAMES[language]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def words(language: str, key: str) -> str:
    """A message's words before its first placeholder, in this language."""
    return translator(language).text(key).split("{")[0].strip()


@pytest.mark.parametrize("language", ["uk", "nl"])
def test_a_coach_works_a_shortlist_found_by_a_ukrainian_skill_word(
    live, page: Page, language: str
) -> None:
    sign_in_as_coach(live, page, language)
    page.fill("#filter-skill", "бухгалтерський облік")
    page.locator("form.coach-filters button[type=submit]").click()
    school_hours = translator(language).fill(
        "page.coach.window",
        {"days": translator(language).days(["mon", "tue", "wed", "thu", "fri"]),
         "start": "08:45", "end": "15:30"},
    )  # fmt: skip
    row = page.locator("#stage-ready ~ table tbody tr", has_text=school_hours).first
    expect(row).to_be_visible()
    row.locator("a").first.click()
    expect(page.locator("h1")).to_be_visible()
    shortlist = page.locator("ol.coach-shortlist")
    expect(shortlist).to_contain_text(words(language, "schedule_fits"))  # reasons, in language
    first = shortlist.locator("li.coach-line").first
    vacancy = first.get_attribute("id")
    assert vacancy is not None
    first.locator("form.coach-propose button").click()
    expect(page).to_have_url(re.compile(r"#application-"))  # back at the proposal recorded
    application = page.locator(page.url[page.url.index("#") :])
    expect(application).to_contain_text(translator(language).text("page.person.status.proposed"))
    application.locator("select[name=reason]").select_option("schedule")
    note = f"Alleen schooluren ({language})."
    application.locator("textarea[name=note]").fill(note)
    application.locator("button[value=rejected]").click()
    expect(application).to_contain_text(translator(language).text("page.person.rejection.schedule"))
    expect(application.locator(".coach-note")).to_have_text(note)
    expect(page.locator(f"ol.coach-shortlist #{vacancy}")).to_have_count(0)


@pytest.mark.parametrize("language", ["uk", "nl"])
def test_a_hurried_intake_is_read_back_and_saved(live, page: Page, language: str) -> None:
    sign_in_as_coach(live, page, language)
    page.goto(f"{live.url}/people/new")
    page.fill("#display_name", f"Oksana {language}")
    page.fill("#postcode", "B-2060")
    page.fill("#skills", "водій навантажувача\nheftruk chaufeur")
    expect(page.locator("#skills-reading")).to_contain_text(
        "водій навантажувача → heftruckchauffeur"
    )  # read back as typed, by the page's script
    page.select_option("#lang-code-0", "uk")
    page.select_option("#lang-level-0", "native")
    for day in ("mon", "tue", "wed", "thu", "fri"):
        page.locator(f"input[name=avail_day][value='0:{day}']").check()
    page.fill("#avail-start-0", "25u00")  # impossible
    page.fill("#avail-end-0", "15u30")
    page.locator("form.coach-intake button[type=submit]").click()
    error = page.locator("#avail_0-error")
    expect(error).to_have_text(translator(language).text("page.intake.error.time"))
    expect(page.locator("#avail-start-0")).to_have_value("25u00")  # nothing typed is lost
    expect(page.locator("#skills")).to_have_value("водій навантажувача\nheftruk chaufeur")
    expect(page.locator("#postcode")).to_have_value("B-2060")
    page.fill("#avail-start-0", "8u30")
    page.locator("form.coach-intake button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(f"Oksana {language}")
    expect(page.locator("dl.coach-facts")).to_contain_text("08:30-15:30")
    expect(page.locator("dl.coach-facts")).to_contain_text("2060")


def test_screenshots_of_the_caseload_and_a_persons_page(live, page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_as_coach(live, page, "nl", name="Sara")
    page.goto(f"{live.url}/people?skill=kassawerk&stage=ready")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "caseload.png"))
    page.goto(f"{live.url}/people/c-0002")
    page.screenshot(path=str(SCREENSHOTS / "person.png"))
    page.set_viewport_size({"width": 375, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > 376).slice(0, 5)"
        ".map(e => e.tagName + ': ' + e.textContent.slice(0, 40))"
    )
    assert width <= 380, wide  # no sideways scrolling on a phone


def pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF as Chromium writes it (one page object each)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.mark.parametrize("language", ["uk", "nl", "ru", "en"])
def test_a_persons_print_view_is_one_a4_page_in_every_language(
    live, page: Page, language: str
) -> None:
    """For an employer visit: the ten lines with each feature's verdict, on one sheet."""
    sign_in_as_coach(live, page, language)
    for person in ("c-0002", "c-0013", "c-0100", "c-0200", "c-0300"):
        page.goto(f"{live.url}/people/{person}/print")
        expect(page.locator("ol.coach-shortlist > li")).to_have_count(10)
        assert page.locator("nav, form").count() == 0
        assert pdf_pages(page.pdf(format="A4")) == 1, person


@pytest.mark.parametrize("language", ["uk", "nl"])
def test_a_persons_shortlist_downloads_as_the_pdf_and_sheet_of_the_lines_the_page_shows(
    live, page: Page, language: str
) -> None:
    """What a jobhunter takes to an employer visit, from the person's page (no curl, no key)."""
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    sign_in_as_coach(live, page, language)
    page.goto(f"{live.url}/people/c-0002")
    lines = page.locator("ol.coach-shortlist > li")
    ids = [
        str(lines.nth(i).get_attribute("id")).removeprefix("vacancy-") for i in range(lines.count())
    ]
    assert len(ids) == 10
    with page.expect_download() as pdf:
        page.get_by_role("link", name="PDF", exact=True).click()
    text = PdfReader(io.BytesIO(pdf.value.path().read_bytes())).pages[0].extract_text()
    title = words(language, "document.shortlist.title")
    assert title in text  # in the page's language
    assert re.findall(r"v-\d{4}", text) == ids
    with page.expect_download() as sheet:
        page.get_by_role("link", name="Excel", exact=True).click()
    assert sheet.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(sheet.value.path().read_bytes()))
    rows = list(book.active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ids
