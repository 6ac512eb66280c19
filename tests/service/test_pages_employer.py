"""The employer pages over HTTP: a session for every page and form, CSRF tokens checked, an
employer sees only its own vacancies and applications (and no person anywhere), the form keeps
what was typed and says what is wrong beside each field."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from support import EMPLOYER, OTHER_EMPLOYER, make_key, settings_for

from service import store
from service.app import create_app

PASSWORD = "a password long enough"
HTML = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture(scope="module")
def pages(database_url: str) -> Iterator[FastAPI]:
    app = create_app(settings_for(database_url))
    with TestClient(app):
        yield app


def browser(app: FastAPI) -> TestClient:
    return TestClient(app, headers=HTML, follow_redirects=False)


def signed_in(app: FastAPI, *, role: store.Role, employer: str | None = None) -> TestClient:
    """A browser signed in through the form with a new account of this role."""
    email = f"{role}-{secrets.token_hex(3)}@example.org"
    with app.state.sessions.begin() as session:
        if employer is not None and employer not in {e.name for e in store.list_employers(session)}:
            store.create_employer(session, name=employer)
        store.create_account(
            session, name=f"Test {role}", role=role, email=email, employer=employer,
            password=PASSWORD,
        )  # fmt: skip
    client = browser(app)
    answer = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert answer.status_code == 303, answer.text
    return client


def token(client: TestClient, path: str = "/employer/vacancies") -> str:
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None, page.text
    return found.group(1)


def vacancy_form(**overrides: object) -> dict[str, object]:
    """What a hurried employer types for an early, language-light shift."""
    return {
        "title": "Inpakker vroege ploeg",
        "postcode": "B-2030",
        "contact_languages": ["en", "uk"],
        "contact_level": "A2",
        "dutch_required": "no",
        "dutch_level": "A2",
        "shift_days_0": ["mon", "tue", "wed", "thu", "fri"],
        "shift_start_0": "6u00",
        "shift_end_0": "14u00",
        "shift_start_1": "",
        "shift_end_1": "",
        "shift_pattern": "all",
        "hours_per_week": "38",
        "positions": "1",
        "skills_required": "inpakken",
        **overrides,
    }


def post_vacancy(client: TestClient, **overrides: object):
    return client.post(
        "/employer/vacancies/new", data={"csrf_token": token(client), **vacancy_form(**overrides)}
    )


def test_no_page_or_form_without_a_session(pages: FastAPI) -> None:
    client = browser(pages)
    for path in (
        "/employer/vacancies",
        "/employer/vacancies/new",
        "/employer/vacancies/v-0001",
        "/employer/vacancies/v-0001/edit",
    ):
        answer = client.get(path)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/sign-in?next="), path
    for path in (
        "/employer/vacancies/new",
        "/employer/vacancies/v-0001/edit",
        "/employer/vacancies/v-0001/applications/a-1/steps",
    ):
        assert client.post(path, data=vacancy_form()).status_code == 401, path


def test_forms_refuse_a_missing_or_wrong_csrf_token(pages: FastAPI) -> None:
    client = signed_in(pages, role="employer", employer=EMPLOYER)
    for sent in ({}, {"csrf_token": "forged"}):
        answer = client.post("/employer/vacancies/new", data={**vacancy_form(), **sent})
        assert answer.status_code == 403
        assert "This form cannot be sent" in answer.text
    mine = post_vacancy(client)
    vacancy_id = mine.headers["location"].split("/")[3].split("?")[0]
    edit = client.post(f"/employer/vacancies/{vacancy_id}/edit", data=vacancy_form(title="Changed"))
    assert edit.status_code == 403
    step = client.post(
        f"/employer/vacancies/{vacancy_id}/applications/a-x/steps", data={"status": "hired"}
    )
    assert step.status_code == 403
    with pages.state.sessions() as session:
        stored = store.get_vacancy(session, vacancy_id=vacancy_id)
    assert stored is not None and stored.title == "Inpakker vroege ploeg"


def test_an_employer_posts_a_language_light_vacancy_as_typed_in_a_hurry(pages: FastAPI) -> None:
    client = signed_in(pages, role="employer", employer=EMPLOYER)
    answer = post_vacancy(client)
    assert answer.status_code == 303, answer.text
    vacancy_id = answer.headers["location"].split("/")[3].split("?")[0]
    with pages.state.sessions() as session:
        stored = store.get_vacancy(session, vacancy_id=vacancy_id)
    assert stored is not None
    assert stored.employer == EMPLOYER  # theirs, never typed
    assert stored.location.postcode == "2030"
    assert stored.language.language_light
    assert stored.language.contact_languages == ["en", "uk"]
    assert [(s.start, s.end, s.days) for s in stored.shifts] == [
        ("06:00", "14:00", ["mon", "tue", "wed", "thu", "fri"])
    ]
    page = client.get(answer.headers["location"])
    assert page.status_code == 200 and "Inpakker vroege ploeg" in page.text
    assert vacancy_id in client.get("/employer/vacancies").text


def test_errors_stand_beside_their_fields_and_nothing_typed_is_lost(pages: FastAPI) -> None:
    client = signed_in(pages, role="employer", employer=EMPLOYER)
    answer = post_vacancy(
        client,
        postcode="99999",
        contact_languages=[],
        shift_start_0="25u00",
        hours_per_week="veel",
        description="Wij zoeken iemand voor de vroege ploeg.",
    )
    assert answer.status_code == 422
    text = answer.text
    for field in ("postcode", "contact_languages", "shift_0_start", "hours_per_week"):
        assert f'id="{field}-error"' in text, field
    assert 'id="postcode" name="postcode" type="text" value="99999"' in text
    assert 'value="25u00"' in text and 'value="14u00"' in text and 'value="veel"' in text
    assert "Wij zoeken iemand voor de vroege ploeg." in text
    assert 'name="shift_days_0" value="mon" checked' in text
    assert "Inpakker vroege ploeg" in text


def test_errors_are_in_the_pages_language(pages: FastAPI) -> None:
    client = signed_in(pages, role="employer", employer=EMPLOYER)
    answer = post_vacancy(client, shift_start_0="later")
    english = re.search(r'id="shift_0_start-error">([^<]+)<', answer.text)
    assert english is not None and "6u00" in english.group(1)
    client.post("/language", data={"language": "nl", "csrf_token": token(client), "next": "/"})
    dutch = post_vacancy(client, shift_start_0="later")
    assert dutch.headers["content-language"] == "nl"
    assert 'lang="nl"' in dutch.text and 'id="shift_0_start-error"' in dutch.text


def test_add_a_shift_row_keeps_what_was_typed(pages: FastAPI) -> None:
    client = signed_in(pages, role="employer", employer=EMPLOYER)
    answer = post_vacancy(client, add_shift="1")
    assert answer.status_code == 200
    assert 'value="6u00"' in answer.text and 'name="shift_start_1"' in answer.text
    assert "Inpakker vroege ploeg" in answer.text


def test_dutch_is_asked_only_when_required(pages: FastAPI) -> None:
    client = signed_in(pages, role="employer", employer=EMPLOYER)
    form = client.get("/employer/vacancies/new").text
    assert form.index('name="contact_languages"') < form.index('name="dutch_required"')
    assert 'value="no" checked' in form  # Dutch not required: the case made easy
    assert "widens the pool" in form
    answer = post_vacancy(client, contact_languages=[], dutch_required="yes", dutch_level="B1")
    vacancy_id = answer.headers["location"].split("/")[3].split("?")[0]
    with pages.state.sessions() as session:
        stored = store.get_vacancy(session, vacancy_id=vacancy_id)
    assert stored is not None and stored.language.dutch == "B1"


def test_editing_keeps_what_the_form_does_not_show(pages: FastAPI) -> None:
    key = make_key(pages, "employer", EMPLOYER)
    api = TestClient(pages, headers={"X-API-Key": key})
    made = api.post(
        "/vacancies",
        json={
            "title": "Bakker",
            "location": {"postcode": "2500"},
            "language": {"dutch": "A2"},
            "shifts": [{"days": ["sat"], "start": "04:00", "end": "10:00"}],
            "hours_per_week": 12,
            "wage": {"min": 15, "max": 16},
            "contact": {"name": "Els", "phone": "+32 3 123 45 67"},
        },
    ).json()
    client = signed_in(pages, role="employer", employer=EMPLOYER)
    form = client.get(f"/employer/vacancies/{made['id']}/edit")
    assert form.status_code == 200 and 'value="04:00"' in form.text
    saved = client.post(
        f"/employer/vacancies/{made['id']}/edit",
        data={
            "csrf_token": token(client),
            **vacancy_form(title="Bakker, vroeg", shift_start_0="4u30", shift_end_0="10u30"),
        },
    )
    assert saved.status_code == 303, saved.text
    after = api.get(f"/vacancies/{made['id']}").json()
    assert after["title"] == "Bakker, vroeg" and after["shifts"][0]["start"] == "04:30"
    assert after["wage"] == {"min": 15.0, "max": 16.0} and after["contact"]["name"] == "Els"
    assert after["language"]["dutch"] is None


def test_an_employer_cannot_open_or_change_another_employers_vacancy(pages: FastAPI) -> None:
    other = signed_in(pages, role="employer", employer=OTHER_EMPLOYER)
    theirs = post_vacancy(other).headers["location"].split("/")[3].split("?")[0]
    client = signed_in(pages, role="employer", employer=EMPLOYER)
    csrf = token(client)
    for path in (f"/employer/vacancies/{theirs}", f"/employer/vacancies/{theirs}/edit"):
        answer = client.get(path)
        assert answer.status_code == 404, path
        assert "Inpakker" not in answer.text
    changed = client.post(
        f"/employer/vacancies/{theirs}/edit",
        data={"csrf_token": csrf, **vacancy_form(title="Mine now")},
    )
    assert changed.status_code == 404
    assert theirs not in client.get("/employer/vacancies").text
    with pages.state.sessions() as session:
        stored = store.get_vacancy(session, vacancy_id=theirs)
    assert stored is not None and stored.employer == OTHER_EMPLOYER
    assert stored.title == "Inpakker vroege ploeg"


def _person_paths(app: FastAPI) -> set[tuple[str, str]]:
    """Every person route the app has (API and pages), with ids filled in, and those a person's
    pages may have."""
    named = {
        ("GET", p)
        for p in (
            "/people", "/people/new", "/people/c-0001", "/people/c-0001/edit",
            "/people/c-0001/print", "/people/c-0001/shortlist", "/people/c-0001/applications",
            "/candidates", "/candidates/c-0001", "/candidates/c-0001/shortlist",
            "/candidates/c-0001/applications", "/candidates/c-0001/barriers",
            "/candidates/c-0001/plan", "/plan", "/caseload", "/attention",
            "/vacancies/v-0001/shortlist", "/vacancies/v-0001/print",
            "/people/c-0001/shortlist.pdf", "/vacancies/v-0001/candidates.pdf",
            "/vacancies/v-0001/candidates.xlsx",
        )
    }  # fmt: skip
    for route in app.routes:
        if isinstance(route, APIRoute) and re.search(r"candidate|people|person", route.path):
            path = re.sub(r"\{candidate_id\}|\{person_id\}", "c-0001", route.path)
            path = re.sub(r"\{vacancy_id\}", "v-0001", path)
            path = re.sub(r"\{[^}]+\}", "x-1", path)
            named.update((method, path) for method in route.methods)
    return named


def test_an_employer_session_sees_no_person_on_any_route(pages: FastAPI) -> None:
    client = signed_in(pages, role="employer", employer=EMPLOYER)
    csrf = token(client)
    with pages.state.sessions() as session:
        person = store.get_candidate(session, candidate_id="c-0001")
    assert person is not None
    paths = _person_paths(pages)
    assert len(paths) > 15
    for method, path in sorted(paths):
        answer = client.request(
            method, path, data={"csrf_token": csrf} if method not in ("GET", "HEAD") else None
        )
        assert answer.status_code in (401, 403, 404, 405), (method, path, answer.status_code)
        assert '"c-0001"' not in answer.text and "c-0001</" not in answer.text, (method, path)


def test_applications_show_progress_but_no_person_to_the_employer(pages: FastAPI) -> None:
    client = signed_in(pages, role="employer", employer=EMPLOYER)
    vacancy_id = post_vacancy(client).headers["location"].split("/")[3].split("?")[0]
    coach = make_key(pages, "jobhunter")
    api = TestClient(pages, headers={"X-API-Key": coach})
    proposed = api.post(
        "/applications",
        json={"candidate_id": "c-0003", "vacancy_id": vacancy_id, "note": "Olena, speaks uk"},
    )
    assert proposed.status_code == 201, proposed.text
    application = proposed.json()["id"]
    page = client.get(f"/employer/vacancies/{vacancy_id}")
    assert f'id="application-{application}"' in page.text
    assert "c-0003" not in page.text and "Olena" not in page.text

    csrf = token(client)
    steps = f"/employer/vacancies/{vacancy_id}/applications/{application}/steps"
    rejected = client.post(steps, data={"csrf_token": csrf, "status": "rejected"})
    assert rejected.status_code == 422
    assert f'id="step-error-{application}"' in rejected.text
    interview = client.post(
        steps, data={"csrf_token": csrf, "status": "interview", "on": date.today().isoformat()}
    )
    assert interview.status_code == 303
    hired = client.post(steps, data={"csrf_token": csrf, "status": "hired"})
    assert hired.status_code == 303
    after = api.get(f"/applications/{application}").json()
    assert [s["status"] for s in after["steps"]] == ["proposed", "interview", "hired"]
    shown = client.get(f"/employer/vacancies/{vacancy_id}").text
    assert 'id="vacancy-status">Filled<' in shown
    again = client.post(steps, data={"csrf_token": csrf, "status": "interview"})
    assert again.status_code == 422  # nothing goes back after a hire


def test_an_employer_cannot_record_a_step_on_another_employers_application(
    pages: FastAPI,
) -> None:
    other = signed_in(pages, role="employer", employer=OTHER_EMPLOYER)
    theirs = post_vacancy(other).headers["location"].split("/")[3].split("?")[0]
    api = TestClient(pages, headers={"X-API-Key": make_key(pages, "jobhunter")})
    application = api.post(
        "/applications", json={"candidate_id": "c-0004", "vacancy_id": theirs}
    ).json()["id"]
    client = signed_in(pages, role="employer", employer=EMPLOYER)
    mine = post_vacancy(client).headers["location"].split("/")[3].split("?")[0]
    csrf = token(client)
    for vacancy_id in (theirs, mine):
        answer = client.post(
            f"/employer/vacancies/{vacancy_id}/applications/{application}/steps",
            data={"csrf_token": csrf, "status": "hired"},
        )
        assert answer.status_code in (404, 422), vacancy_id
    after = api.get(f"/applications/{application}").json()
    assert [s["status"] for s in after["steps"]] == ["proposed"]


def test_coordinators_see_every_vacancy_and_admins_none(pages: FastAPI) -> None:
    coordinator = signed_in(pages, role="coordinator")
    listed = coordinator.get("/employer/vacancies")
    assert listed.status_code == 200 and "v-0001" in listed.text
    assert coordinator.get("/employer/vacancies/v-0001").status_code == 200
    admin = signed_in(pages, role="admin")
    assert admin.get("/employer/vacancies").status_code == 403
    assert admin.get("/employer/vacancies/new").status_code == 403
