"""Shortlists that remember: on the fixtures' history, a pair with an application (in progress or
ended) is never offered as new, from either side, unless asked; asked, it is listed marked with
what happened; people not looking get vacancies only when asked."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from support import Databases, as_role, candidate_body, make_key, settings_for, vacancy_body

from service import store
from service.app import create_app


@pytest.fixture(scope="module")
def recorded(app: FastAPI) -> dict[str, list[Any]]:
    """Every fixture application, by candidate."""
    with app.state.sessions() as session:
        found = store.applications(session)
    by_person: dict[str, list[Any]] = {}
    for application in found:
        by_person.setdefault(application.candidate_id, []).append(application)
    return by_person


def test_no_candidate_shortlist_offers_a_vacancy_already_in_their_record(
    client: TestClient, keys: dict[str, str], recorded: dict[str, list[Any]]
) -> None:
    headers = as_role(keys, "jobhunter")
    people = client.get("/candidates?stage=ready&limit=500", headers=headers).json()["data"]
    checked = 0
    for person in people:
        history = {a.vacancy_id for a in recorded.get(person["id"], [])}
        if not history:
            continue
        shortlist = client.get(
            f"/candidates/{person['id']}/shortlist?top=20&include_blocked=true", headers=headers
        ).json()
        listed = {line["vacancy_id"] for line in shortlist["results"]}
        assert not listed & history, person["id"]
        assert all(line["history"] is None for line in shortlist["results"])
        checked += 1
    assert checked > 100  # the fixtures' history covers most ready people


def test_asked_for_history_a_shortlist_marks_each_pair_with_what_happened(
    client: TestClient, keys: dict[str, str], recorded: dict[str, list[Any]]
) -> None:
    """c-0013 was turned down 30 times: their best matches are those rejections, each marked
    with its day and reason, and without history nothing of theirs is left to offer."""
    headers = as_role(keys, "jobhunter")
    plain = client.get("/candidates/c-0013/shortlist?top=5", headers=headers).json()
    assert plain["results"] == [] and plain["left_out"] >= 20 and plain["stage"] == "ready"
    marked = client.get(
        "/candidates/c-0013/shortlist?top=5&include_history=true", headers=headers
    ).json()
    assert len(marked["results"]) == 5
    latest = {a.vacancy_id: a for a in recorded["c-0013"]}
    for line in marked["results"]:
        application = latest[line["vacancy_id"]]
        last = application.steps[-1]
        assert line["history"]["code"] == "previously_rejected"
        assert line["history"]["on"] == last.on.isoformat()
        assert line["history"]["reason"] == last.reason
        assert line["history"]["application_id"] == application.id


def test_no_vacancy_shortlist_offers_a_person_already_proposed_to_it(
    client: TestClient, keys: dict[str, str], recorded: dict[str, list[Any]]
) -> None:
    headers = as_role(keys, "jobhunter")
    by_vacancy: dict[str, set[str]] = {}
    for person, applications in recorded.items():
        for application in applications:
            by_vacancy.setdefault(application.vacancy_id, set()).add(person)
    busiest = sorted(by_vacancy, key=lambda v: -len(by_vacancy[v]))[:5]
    stages = "&".join(f"stage={s}" for s in ("ready", "activation", "intake"))
    for vacancy in busiest:
        url = f"/vacancies/{vacancy}/shortlist?top=100&include_blocked=true&{stages}"
        listed = {
            line["candidate_id"] for line in client.get(url, headers=headers).json()["results"]
        }
        assert not listed & by_vacancy[vacancy]
        marked = client.get(url + "&include_history=true", headers=headers).json()["results"]
        shown = {line["candidate_id"]: line["history"] for line in marked}
        for person in by_vacancy[vacancy] & set(shown):
            assert shown[person] is not None and shown[person]["code"].startswith(
                ("previously", "hired")
            )


def test_a_proposal_takes_the_vacancy_out_of_the_next_shortlist(
    client: TestClient, keys: dict[str, str]
) -> None:
    headers = as_role(keys, "jobhunter")
    person = candidate_body(stage="ready")
    assert client.post("/candidates", json=person, headers=headers).status_code == 201
    url = f"/candidates/{person['id']}/shortlist?top=5"
    first = client.get(url, headers=headers).json()["results"][0]["vacancy_id"]
    body = {"candidate_id": person["id"], "vacancy_id": first}
    assert client.post("/applications", json=body, headers=headers).status_code == 201
    after = client.get(url, headers=headers).json()
    assert first not in {line["vacancy_id"] for line in after["results"]}
    assert after["left_out"] == 1
    marked = client.get(url + "&include_history=true", headers=headers).json()["results"]
    assert marked[0]["vacancy_id"] == first
    assert marked[0]["history"]["code"] == "previously_proposed"


@pytest.mark.parametrize("stage", ["placed", "follow_up", "closed"])
def test_people_not_looking_get_vacancies_only_when_asked(
    client: TestClient, keys: dict[str, str], stage: str
) -> None:
    headers = as_role(keys, "jobhunter")
    person = candidate_body(stage=stage)
    assert client.post("/candidates", json=person, headers=headers).status_code == 201
    url = f"/candidates/{person['id']}/shortlist?top=3"
    withheld = client.get(url, headers=headers).json()
    assert withheld["results"] == [] and withheld["stage"] == stage
    assert "not looking" in withheld["withheld"] and "any_stage=true" in withheld["withheld"]
    asked = client.get(url + "&any_stage=true", headers=headers).json()
    assert len(asked["results"]) == 3 and asked["withheld"] is None


def test_a_rejection_past_its_expiry_comes_back_marked(databases: Databases) -> None:
    app = create_app(settings_for(databases.new(), load_fixtures=False, rejection_expires_months=2))
    with TestClient(app) as client:
        headers = {"X-API-Key": make_key(app, "jobhunter")}
        person = candidate_body(stage="ready")
        old, recent = vacancy_body(), vacancy_body()
        assert client.post("/candidates", json=person, headers=headers).status_code == 201
        for job in (old, recent):
            assert client.post("/vacancies", json=job, headers=headers).status_code == 201
        for job, days in ((old, 90), (recent, 20)):
            on = (date.today() - timedelta(days=days)).isoformat()
            made = client.post(
                "/applications",
                json={"candidate_id": person["id"], "vacancy_id": job["id"], "on": on},
                headers=headers,
            ).json()
            step = {"status": "rejected", "reason": "language", "on": on}
            assert client.patch(
                f"/applications/{made['id']}", json=step, headers=headers
            ).is_success
        lines = client.get(
            f"/candidates/{person['id']}/shortlist?top=10&include_blocked=true", headers=headers
        ).json()["results"]
        shown = {line["vacancy_id"]: line["history"] for line in lines}
        assert recent["id"] not in shown  # rejected 20 days ago: still out
        assert shown[old["id"]]["code"] == "previously_rejected"
        assert shown[old["id"]]["expired"] is True
