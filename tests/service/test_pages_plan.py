"""This week's plan and a vacancy's candidates as pages, over HTTP: the plan is POST /plans's,
proposing from it records what the person page's button records (once), a bad number is said
beside its field, an employer opens none of it, and the printed page names no one's postcode."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from support import EMPLOYER, make_key, settings_for
from test_pages_coach import signed_in, token

from service import store
from service.app import create_app

COACH = "Plan Coach"
PAIR = re.compile(
    r'name="candidate_id" value="([^"]+)">\s*<input type="hidden" name="vacancy_id" value="([^"]+)"'
)


@pytest.fixture(scope="module")
def pages(database_url: str) -> Iterator[FastAPI]:
    app = create_app(settings_for(database_url))
    with TestClient(app):
        yield app


@pytest.fixture(scope="module")
def coached(pages: FastAPI) -> list[str]:
    """Five ready people, coached by COACH."""
    with pages.state.sessions.begin() as session:
        ready = pages.state.catalog.candidates_at(session, stages=["ready"])[:5]
        for person in ready:
            store.replace_candidate(session, candidate=person.model_copy(update={"coach": COACH}))
    return [str(p.id) for p in ready]


def pairs(html: str) -> set[tuple[str, str]]:
    return set(PAIR.findall(html))


def applications(app: FastAPI, person: str) -> list:
    with app.state.sessions.begin() as session:
        return store.applications(session, candidate_id=person)


def planned(app: FastAPI, ids: list[str] | None, per_candidate: int = 3) -> set[tuple[str, str]]:
    body: dict[str, object] = {"per_candidate": per_candidate}
    if ids is not None:
        body["candidate_ids"] = ids
    answer = TestClient(app).post(
        "/plans", json=body, headers={"X-API-Key": make_key(app, "jobhunter")}
    )
    assert answer.status_code == 200, answer.text
    return {
        (c["candidate_id"], p["vacancy_id"])
        for c in answer.json()["candidates"]
        for p in c["proposals"]
    }


def test_the_plan_page_lists_the_pairs_post_plans_gives(pages: FastAPI, coached: list[str]) -> None:
    client = signed_in(pages, name=COACH)
    mine = client.get("/plan")  # whose=mine by default: the account coaches people
    assert mine.status_code == 200
    assert 'name="whose" value="mine" checked' in mine.text
    assert pairs(mine.text) == planned(pages, coached)
    assert {c for c, _ in pairs(mine.text)} <= set(coached)
    two = client.get("/plan", params={"whose": "mine", "per_candidate": "2"})
    assert pairs(two.text) == planned(pages, coached, per_candidate=2)
    everyone = client.get("/plan", params={"whose": "all"})
    assert everyone.status_code == 200
    assert pairs(everyone.text) == planned(pages, None)
    for person in coached:
        assert f'id="person-{person}"' in everyone.text and f'href="/people/{person}"' in mine.text


def test_the_plan_page_says_how_it_spreads_the_proposals_as_post_plans_does(
    pages: FastAPI, coached: list[str]
) -> None:
    """The planner's fairness beside plain top-k, in the numbers POST /plans's summary gives."""
    client = signed_in(pages, name=COACH)
    page = client.get("/plan", params={"whose": "all", "per_candidate": "3"}).text
    summary = (
        TestClient(pages)
        .post(
            "/plans", json={"per_candidate": 3}, headers={"X-API-Key": make_key(pages, "jobhunter")}
        )
        .json()["summary"]
    )
    table = page.split('class="plan-spread"', 1)[1].split("</details>", 1)[0]
    rows = {
        label: (plan, top_k)
        for label, plan, top_k in re.findall(
            r'<th scope="row">([^<]+)</th><td class="number">([^<]+)</td>'
            r'<td class="number">([^<]+)</td>',
            table,
        )
    }
    for label, metric in [
        ("Proposals", "proposals"),
        ("Most proposals to one vacancy", "max_per_vacancy"),
        ("Vacancies with more proposals than their open positions allow", "over_capacity"),
        ("People without any proposal", "candidates_without"),
    ]:
        assert rows[label] == (str(summary["planner"][metric]), str(summary["top_k"][metric]))
    reach = rows["Vacancies within reach that get at least one proposal"]
    assert reach == tuple(
        f"{round(100 * summary[side]['coverage_reachable'])}%" for side in ("planner", "top_k")
    )
    # The point of the plan: no vacancy gets more than its positions allow, unlike top-k.
    assert summary["planner"]["over_capacity"] == 0 < summary["top_k"]["over_capacity"]


def test_someone_who_coaches_nobody_gets_everyone_and_an_empty_mine(
    pages: FastAPI, coached: list[str]
) -> None:
    client = signed_in(pages, name="Nobody's Coach")
    page = client.get("/plan")
    assert 'name="whose" value="all" checked' in page.text and pairs(page.text)
    empty = client.get("/plan", params={"whose": "mine"})
    assert empty.status_code == 200
    assert "Nobody you coach is ready for work now." in empty.text and not pairs(empty.text)


def test_accepting_a_line_proposes_it_once_and_the_line_is_gone(
    pages: FastAPI, coached: list[str]
) -> None:
    client = signed_in(pages, name=COACH)
    csrf = token(client)
    person, vacancy = sorted(pairs(client.get("/plan").text))[0]
    before = len(applications(pages, person))
    form = {"csrf_token": csrf, "candidate_id": person, "vacancy_id": vacancy}
    accepted = client.post("/plan/accept", data={**form, "whose": "mine", "per_candidate": "3"})
    assert accepted.status_code == 303
    location = accepted.headers["location"]
    assert location.startswith("/plan?whose=mine&per_candidate=3&")
    assert location.endswith(f"#person-{person}")
    made = [a for a in applications(pages, person) if a.vacancy_id == vacancy]
    assert len(made) == 1 and made[0].jobhunter == COACH and made[0].status == "proposed"
    assert made[0].snapshot is not None  # as the person page's propose records it
    back = client.get(location)
    assert back.status_code == 200
    notice = re.search(r'id="plan-notice">(.*?)</p>', back.text, re.S)
    assert notice is not None and "was proposed for" in notice.group(1)
    assert f'href="/people/{person}#application-{made[0].id}"' in notice.group(1)
    # Said in the person's group, where the page scrolls to, not at the top out of view.
    group = back.text.split(f'id="person-{person}"', 1)[1].split('class="plan-person"', 1)[0]
    assert 'id="plan-notice"' in group
    assert (person, vacancy) not in pairs(back.text)  # under way now
    assert pairs(back.text) == planned(pages, coached)
    person_page = client.get(f"/people/{person}")
    assert f'id="application-{made[0].id}"' in person_page.text

    again = client.post("/plan/accept", data={**form, "whose": "mine"})
    assert again.status_code == 409
    assert 'id="plan-notice"' in again.text and "nothing was recorded" in again.text
    assert len(applications(pages, person)) == before + 1
    unknown = client.post("/plan/accept", data={**form, "vacancy_id": "v-nowhere"})
    assert unknown.status_code == 404 and 'id="plan-notice"' in unknown.text
    assert len(applications(pages, person)) == before + 1


def test_a_line_whose_vacancy_closed_since_the_plan_is_refused(
    pages: FastAPI, coached: list[str]
) -> None:
    """The employer closed it between the plan and the click: 409, a notice, nothing stored."""
    client = signed_in(pages, name=COACH)
    person, vacancy = sorted(pairs(client.get("/plan").text))[-1]
    coordinator = {"X-API-Key": make_key(pages, "coordinator")}
    closed = TestClient(pages).patch(
        f"/vacancies/{vacancy}", json={"status": "closed"}, headers=coordinator
    )
    assert closed.status_code == 200, closed.text
    before = len(applications(pages, person))
    form = {"csrf_token": token(client), "candidate_id": person, "vacancy_id": vacancy}
    refused = client.post("/plan/accept", data={**form, "whose": "mine", "per_candidate": "3"})
    assert refused.status_code == 409 and 'id="plan-notice"' in refused.text
    assert len(applications(pages, person)) == before
    page = client.post(f"/people/{person}/propose", data=form)
    assert page.status_code == 409 and len(applications(pages, person)) == before


@pytest.mark.parametrize("value", ["0", "abc", "6", "-1", "2.5"])
def test_a_bad_number_per_person_is_said_beside_its_field(pages: FastAPI, value: str) -> None:
    client = signed_in(pages)
    page = client.get("/plan", params={"per_candidate": value})
    assert page.status_code == 422
    field = re.search(r'<div class="field invalid">(.*?)</div>', page.text, re.S)
    assert field is not None
    assert 'id="plan-per_candidate-error"' in field.group(1)
    assert f'value="{value}"' in field.group(1)  # kept as typed
    assert not pairs(page.text)


def test_an_employer_opens_none_of_it(pages: FastAPI) -> None:
    client = signed_in(pages, "employer", employer=EMPLOYER)
    csrf = token(client)
    person, vacancy = "c-0002", "v-0524"
    before = len(applications(pages, person))
    for method, path in [
        ("GET", "/plan"),
        ("POST", "/plan/accept"),
        ("GET", f"/vacancies/{vacancy}/candidates"),
        ("GET", f"/vacancies/{vacancy}/candidates/print"),
    ]:
        data = {"csrf_token": csrf, "candidate_id": person, "vacancy_id": vacancy}
        answer = client.request(method, path, data=data if method == "POST" else None)
        assert answer.status_code == 403, (method, path)
        assert "coach-line" not in answer.text and "plan-line" not in answer.text
    assert len(applications(pages, person)) == before


def test_an_accept_without_its_token_records_nothing(pages: FastAPI, coached: list[str]) -> None:
    client = signed_in(pages, name=COACH)
    person, vacancy = sorted(pairs(client.get("/plan").text))[0]
    before = len(applications(pages, person))
    for sent in ({}, {"csrf_token": "not-it"}):
        refused = client.post(
            "/plan/accept", data={**sent, "candidate_id": person, "vacancy_id": vacancy}
        )
        assert refused.status_code == 403
    assert len(applications(pages, person)) == before


def test_a_vacancys_candidates_and_its_printed_page(pages: FastAPI) -> None:
    client = signed_in(pages)
    vacancy = "v-0312"
    listed = client.get(f"/vacancies/{vacancy}/candidates")
    assert listed.status_code == 200
    shortlist = TestClient(pages).get(
        f"/vacancies/{vacancy}/shortlist",
        params={"top": 8},
        headers={"X-API-Key": make_key(pages, "jobhunter")},
    )
    people = [line["candidate_id"] for line in shortlist.json()["results"]]
    assert people
    for person in people:
        assert f'action="/people/{person}/propose"' in listed.text
    assert f'href="/vacancies/{vacancy}/candidates/print"' in listed.text
    printed = client.get(f"/vacancies/{vacancy}/candidates/print")
    assert printed.status_code == 200
    assert "<nav" not in printed.text and "<form" not in printed.text
    first_reason = shortlist.json()["results"][0]["features"]["skills"]["reasons"][0]["message"]
    assert first_reason in printed.text
    with pages.state.sessions.begin() as session:
        found = store.candidates_with_ids(session, ids=people)
    text = re.sub(r"\d{4}-\d{2}-\d{2}", "", printed.text)  # the day it was made
    for person in found:
        assert str(person.id) in text or (person.display_name or "") in text
        assert person.home.postcode and not re.search(rf"\b{person.home.postcode}\b", text)


def test_an_unknown_vacancy_is_the_not_found_page(pages: FastAPI) -> None:
    client = signed_in(pages)
    for path in ("/vacancies/v-nowhere/candidates", "/vacancies/v-nowhere/candidates/print"):
        assert client.get(path).status_code == 404


def test_the_person_page_and_a_jobhunters_vacancy_page_link_to_the_candidates(
    pages: FastAPI,
) -> None:
    client = signed_in(pages)
    person = client.get("/people/c-0002").text
    first = re.search(r'name="vacancy_id" value="([^"]+)"', person)
    assert first is not None
    assert f'href="/vacancies/{first.group(1)}/candidates"' in person
    vacancy = client.get("/employer/vacancies/v-0524")
    assert vacancy.status_code == 200
    assert 'href="/vacancies/v-0524/candidates"' in vacancy.text
    employer = signed_in(pages, "employer", employer=EMPLOYER)
    own = employer.get("/employer/vacancies/v-0524")
    assert "/candidates" not in own.text
