"""The coaches' pages over HTTP: who may open them (never an employer), CSRF on every form, and
that the pages record and show what the API does (a proposal with its snapshot, a step with its
debrief, a person saved from a hurried intake, an erasure gone from every page)."""

from __future__ import annotations

import html
import io
import re
import secrets
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pypdf import PdfReader
from support import EMPLOYER, Databases, candidate_body, make_key, settings_for, vacancy_body

from service import store
from service.app import create_app

PASSWORD = "a password long enough"
PERSON = "c-0002"
"""A fixture person: ready, school hours (Mon-Fri 08:45-15:30), an accountant in Ukrainian."""
COACH_ROUTES = [
    ("GET", "/people"),
    ("GET", "/people/reading?text=Excel"),
    ("GET", "/people/new"),
    ("POST", "/people/new"),
    ("GET", f"/people/{PERSON}"),
    ("GET", f"/people/{PERSON}/print"),
    ("GET", f"/people/{PERSON}/shortlist.pdf"),
    ("GET", f"/people/{PERSON}/shortlist.xlsx"),
    ("GET", "/vacancies/v-0524/candidates.pdf"),
    ("GET", "/vacancies/v-0524/candidates.csv"),
    ("GET", f"/people/{PERSON}/edit"),
    ("POST", f"/people/{PERSON}/edit"),
    ("POST", f"/people/{PERSON}/propose"),
    ("POST", f"/people/{PERSON}/applications/a-x/step"),
    ("GET", f"/people/{PERSON}/erase"),
    ("POST", f"/people/{PERSON}/erase"),
]


@pytest.fixture(scope="module")
def pages(database_url: str) -> Iterator[FastAPI]:
    app = create_app(settings_for(database_url))
    with TestClient(app):
        yield app


def signed_in(app: FastAPI, role: store.Role = "jobhunter", **account: str) -> TestClient:
    """A browser signed in through the form, as an account of this role."""
    email = f"{role}-{secrets.token_hex(3)}@example.org"
    with app.state.sessions.begin() as session:
        employer = account.get("employer")
        if employer and not any(e.name == employer for e in store.list_employers(session)):
            store.create_employer(session, name=employer)
        store.create_account(
            session,
            name=account.get("name", f"Coach {secrets.token_hex(2)}"),
            role=role,
            email=email,
            password=PASSWORD,
            employer=account.get("employer"),
        )
    client = TestClient(app, follow_redirects=False)
    done = client.post("/sign-in", data={"email": email, "password": PASSWORD})
    assert done.status_code == 303, done.text
    return client


def token(client: TestClient) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text)
    assert found is not None
    return found.group(1)


def recorded(app: FastAPI) -> list[object]:
    """The person's applications, and everyone's count (a page must not add any)."""
    with app.state.sessions.begin() as session:
        return [*store.applications(session, candidate_id=PERSON), store.counts(session)]


def mine(app: FastAPI, name: str) -> list:
    with app.state.sessions.begin() as session:
        return [a for a in store.applications(session, candidate_id=PERSON) if a.jobhunter == name]


def test_no_coach_page_without_a_session(pages: FastAPI) -> None:
    client = TestClient(pages, follow_redirects=False)
    for method, path in COACH_ROUTES:
        answer = client.request(method, path, data={"csrf_token": "x"})
        if method == "GET":
            assert answer.status_code == 303, path
            assert answer.headers["location"].startswith("/sign-in?next="), path
        else:
            assert answer.status_code in {401, 403}, path


@pytest.mark.parametrize("role", ["employer", "admin"])
def test_an_employer_or_an_admin_opens_no_persons_page(pages: FastAPI, role: store.Role) -> None:
    before = recorded(pages)
    client = signed_in(pages, role, **({"employer": EMPLOYER} if role == "employer" else {}))
    csrf = token(client)
    for method, path in COACH_ROUTES:
        answer = client.request(method, path, data={"csrf_token": csrf, "vacancy_id": "v-0524"})
        assert answer.status_code == 403, (method, path, answer.status_code)
        assert "бухгалтер" not in answer.text and "08:45" not in answer.text  # none of their data
    assert recorded(pages) == before


def test_a_form_without_its_token_records_nothing(pages: FastAPI) -> None:
    before = recorded(pages)
    client = signed_in(pages)
    for method, path in COACH_ROUTES:
        if method == "POST":
            answer = client.post(path, data={"vacancy_id": "v-0524", "postcode": "2060"})
            assert answer.status_code == 403, path
            other = client.post(path, data={"csrf_token": "not-it", "vacancy_id": "v-0524"})
            assert other.status_code == 403, path
    assert recorded(pages) == before


def test_the_caseload_finds_people_by_a_ukrainian_skill_word(pages: FastAPI) -> None:
    client = signed_in(pages)
    page = client.get("/people", params={"skill": "бухгалтерський облік", "stage": "ready"})
    assert page.status_code == 200
    assert f'href="/people/{PERSON}"' in page.text
    assert "Mon-Fri 08:45-15:30" in page.text  # their school hours, on their line
    assert "c-0001" not in page.text.split("coach-count")[1]  # a teacher, not an accountant
    everyone = client.get("/people")
    assert 'id="attention-heading"' in everyone.text
    assert everyone.text.index("attention-heading") < everyone.text.index("stage-ready")


def test_a_postcode_typed_with_b_is_read_and_a_wrong_one_is_said_beside_it(
    pages: FastAPI,
) -> None:
    client = signed_in(pages)
    found = client.get("/people", params={"postcode": "B-2060"})
    assert found.status_code == 200 and f"/people/{PERSON}" in found.text
    wrong = client.get("/people", params={"postcode": "9"})
    assert wrong.status_code == 422
    assert 'id="filter-postcode-error"' in wrong.text and 'value="9"' in wrong.text


def test_propose_then_reject_for_schedule_leaves_the_vacancy_off_the_shortlist(
    pages: FastAPI,
) -> None:
    client = signed_in(pages, name="Sara Coach")
    csrf = token(client)
    person = client.get(f"/people/{PERSON}", headers={"Accept-Language": "uk"}).text
    first = re.search(r'name="vacancy_id" value="([^"]+)"', person)
    assert first is not None
    vacancy = first.group(1)
    proposed = client.post(
        f"/people/{PERSON}/propose", data={"csrf_token": csrf, "vacancy_id": vacancy}
    )
    assert proposed.status_code == 303
    (application,) = mine(pages, "Sara Coach")
    assert application.vacancy_id == vacancy and application.jobhunter == "Sara Coach"
    assert application.snapshot is not None and application.snapshot.score > 0
    again = client.post(
        f"/people/{PERSON}/propose", data={"csrf_token": csrf, "vacancy_id": vacancy}
    )
    assert again.status_code == 409
    step = f"/people/{PERSON}/applications/{application.id}/step"
    no_reason = client.post(
        step, data={"csrf_token": csrf, "step": "rejected", "note": "Wil alleen schooluren."}
    )
    assert no_reason.status_code == 422
    assert f'id="step-error-{application.id}"' in no_reason.text
    assert "Wil alleen schooluren." in no_reason.text  # the note typed is kept
    rejected = client.post(
        step,
        data={
            "csrf_token": csrf,
            "step": "rejected",
            "reason": "schedule",
            "note": "Wil alleen schooluren.",
        },
    )
    assert rejected.status_code == 303
    (application,) = mine(pages, "Sara Coach")
    assert application.status == "rejected" and application.steps[-1].reason == "schedule"
    after = client.get(f"/people/{PERSON}").text
    assert f'name="vacancy_id" value="{vacancy}"' not in after
    assert "Wil alleen schooluren." in after  # the debrief, on the timeline
    late = client.post(step, data={"csrf_token": csrf, "step": "interview"})
    assert late.status_code == 422  # no step after a rejection


def test_a_hurried_intake_saves_and_an_impossible_one_keeps_what_was_typed(
    pages: FastAPI,
) -> None:
    client = signed_in(pages)
    csrf = token(client)
    typed = {
        "csrf_token": csrf,
        "display_name": "Oksana T.",
        "postcode": "B-2060",
        "skills": "водій навантажувача\nheftruk chaufeur; 3",
        "occupations": "комірник",
        "lang_code": ["uk", "nl", ""],
        "lang_level": ["native", "a2", ""],
        "avail_day": ["0:mon", "0:tue", "0:wed", "0:thu", "0:fri"],
        "avail_start": ["8u30", ""],
        "avail_end": ["15.30", ""],
        "transport": ["bike"],
        "max_commute_minutes": "45",
        "stage": "ready",
    }
    wrong = client.post("/people/new", data={**typed, "avail_start": ["25u00", ""]})
    assert wrong.status_code == 422
    assert 'id="avail_0-error"' in wrong.text
    assert 'value="25u00"' in wrong.text
    assert "водій навантажувача\nheftruk chaufeur; 3" in wrong.text
    assert "водій навантажувача → heftruckchauffeur" in wrong.text  # read back without script
    saved = client.post("/people/new", data=typed)
    assert saved.status_code == 303, saved.text
    person_id = saved.headers["location"].removeprefix("/people/")
    with pages.state.sessions.begin() as session:
        person = store.get_candidate(session, candidate_id=person_id)
    assert person is not None
    assert person.home.postcode == "2060" and person.languages == {"uk": "native", "nl": "A2"}
    assert person.availability is not None
    assert (person.availability[0].start, person.availability[0].end) == ("08:30", "15:30")
    assert person.skills[1].label == "heftruk chaufeur" and person.skills[1].years == 3
    edit = client.get(f"/people/{person_id}/edit")
    assert 'value="08:30"' in edit.text and "heftruk chaufeur; 3" in edit.text


def test_the_reading_fragment_reads_each_line(pages: FastAPI) -> None:
    client = signed_in(pages)
    fragment = client.get("/people/reading", params={"text": "водій навантажувача\nzzqqxx"})
    assert fragment.status_code == 200
    assert "водій навантажувача → heftruckchauffeur" in fragment.text
    assert "zzqqxx" in fragment.text and "<html" not in fragment.text


def test_an_erased_person_is_gone_from_every_page(pages: FastAPI) -> None:
    client = signed_in(pages)
    csrf = token(client)
    made = client.post(
        "/people/new",
        data={"csrf_token": csrf, "postcode": "2000", "display_name": "Erase Me", "stage": "ready"},
    )
    person_id = made.headers["location"].removeprefix("/people/")
    assert "Erase Me" in client.get("/people", params={"q": "erase"}).text
    key = make_key(pages, "coordinator")
    erased = client.delete(f"/candidates/{person_id}", headers={"X-API-Key": key})
    assert erased.status_code == 204
    assert "Erase Me" not in client.get("/people", params={"q": "erase"}).text
    for path in (f"/people/{person_id}", f"/people/{person_id}/print", f"/people/{person_id}/edit"):
        assert client.get(path).status_code == 404


def test_a_coach_erases_a_person_from_their_page_once_the_name_is_typed(
    pages: FastAPI,
) -> None:
    client = signed_in(pages, name="Kateryna")
    csrf = token(client)
    made = client.post(
        "/people/new",
        data={"csrf_token": csrf, "postcode": "2060", "display_name": "Halyna T", "stage": "ready"},
    )
    person_id = made.headers["location"].removeprefix("/people/")
    page = client.get(f"/people/{person_id}")
    assert f'href="/people/{person_id}/erase"' in page.text
    form = client.get(f"/people/{person_id}/erase")
    assert form.status_code == 200 and "cannot be undone" in form.text
    wrong = client.post(
        f"/people/{person_id}/erase", data={"csrf_token": csrf, "confirm": "Halyna"}
    )
    assert wrong.status_code == 422
    assert 'aria-invalid="true"' in wrong.text and "nothing was erased" in wrong.text
    assert 'value="Halyna"' in wrong.text  # what was typed stays
    assert client.get(f"/people/{person_id}").status_code == 200
    coordinator = {"X-API-Key": make_key(pages, "coordinator")}
    before = client.get("/erasures", headers=coordinator).json()
    done = client.post(
        f"/people/{person_id}/erase", data={"csrf_token": csrf, "confirm": " halyna t "}
    )
    assert done.status_code == 303 and done.headers["location"] == "/people?erased=1"
    assert "was erased" in client.get(done.headers["location"]).text
    assert client.get(f"/people/{person_id}").status_code == 404
    assert client.get(f"/candidates/{person_id}", headers=coordinator).status_code == 404
    log = client.get("/erasures", headers=coordinator).json()
    assert len(log) == len(before) + 1 and log[0]["erased_by"] == "Kateryna"
    assert person_id not in str(log) and "Halyna" not in str(log)


def test_the_print_view_has_the_shortlist_and_no_navigation(pages: FastAPI) -> None:
    client = signed_in(pages)
    printed = client.get(f"/people/{PERSON}/print")
    assert printed.status_code == 200
    assert 'class="coach-shortlist"' in printed.text
    assert "sign-out" not in printed.text and "<form" not in printed.text


def test_a_person_s_barriers_follow_new_weights(databases: Databases) -> None:
    """The page keeps what would unlock most while nothing changes; new weights change it, as
    they change GET /candidates/{id}/barriers (which the page must then say, not the old)."""
    app = create_app(settings_for(databases.new()))
    with TestClient(app):
        client = signed_in(app)
        coordinator = {"X-API-Key": make_key(app, "coordinator")}

        def shown() -> list[str]:
            page = client.get(f"/people/{PERSON}").text
            section = page.split('id="barriers-heading"', 1)[-1].split("</section>", 1)[0]
            return [html.unescape(line) for line in re.findall(r"<li>([^<]*)</li>", section)]

        def answered() -> list[str]:
            body = client.get(f"/candidates/{PERSON}/barriers", headers=coordinator).json()
            return [c["label"] for c in body["changes"] if c["unblocked"] > 0][:5]

        before = shown()
        assert before, "the fixture person has something that would unlock vacancies"
        current = client.get("/weights", headers=coordinator).json()
        weights = {**current["weights"], "childcare": 0.0}  # hours no longer block anyone
        changed = client.put(
            "/weights",
            json={"weights": weights, "version": current["version"] + 1},
            headers=coordinator,
        )
        assert changed.status_code == 200, changed.text
        after, labels = shown(), answered()
        assert after != before
        assert len(after) == len(labels)
        assert all(line.startswith(f"{label}: ") for line, label in zip(after, labels, strict=True))


def test_each_coach_sees_their_own_proposals_in_what_needs_attention(pages: FastAPI) -> None:
    """The attention list is worked out once for every reader; each still sees only theirs."""
    coordinator = {"X-API-Key": make_key(pages, "coordinator")}
    person, vacancy = candidate_body(), vacancy_body()
    assert TestClient(pages).post("/candidates", json=person, headers=coordinator).is_success
    assert TestClient(pages).post("/vacancies", json=vacancy, headers=coordinator).is_success
    ira, maks = signed_in(pages, name="Ira Coach"), signed_in(pages, name="Maks Coach")

    def attention_of(client: TestClient) -> str:
        page = client.get("/people").text
        return page[page.index('id="attention-heading"') : page.index('id="stage-')]

    before = attention_of(maks)  # the list, remembered, before Ira's proposal
    proposal = {"csrf_token": token(ira), "vacancy_id": vacancy["id"]}
    assert ira.post(f"/people/{person['id']}/propose", data=proposal).status_code == 303
    closed = {**vacancy, "status": "closed"}
    answer = TestClient(pages).put(f"/vacancies/{vacancy['id']}", json=closed, headers=coordinator)
    assert answer.status_code == 200
    assert f'href="/people/{person["id"]}"' in attention_of(ira)
    assert f'href="/people/{person["id"]}"' not in attention_of(maks)
    assert attention_of(maks) == before


def test_the_pages_downloads_are_the_apis_documents_and_a_wrong_one_is_404(pages: FastAPI) -> None:
    client = signed_in(pages)
    pdf = client.get("/vacancies/v-0524/candidates.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    sheet = client.get("/vacancies/v-0524/candidates.csv")
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/csv")
    ids = re.findall(r"c-\d{4}", sheet.text)
    printed = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert ids and re.findall(r"c-\d{4}", printed) == ids  # one list, as a sheet and printed
    assert "08:45" not in sheet.text  # people by id: none of their hours or address
    person = client.get(f"/people/{PERSON}/shortlist.xlsx")
    assert person.status_code == 200 and "attachment" in person.headers["content-disposition"]
    for missing in (f"/people/{PERSON}/shortlist.docx", "/people/c-9999/shortlist.pdf",
                    "/vacancies/v-9999/candidates.pdf"):  # fmt: skip
        assert client.get(missing).status_code == 404, missing
