"""What needs attention (GET /attention) and follow-ups with an outcome (POST /followups)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from support import Databases, candidate_body, settings_for, vacancy_body

from service import store
from service.app import create_app
from service.tables import FollowUpRow

T = date.today()


def day(offset: int) -> str:
    return (T + timedelta(days=offset)).isoformat()


def ok(response: Any) -> Any:
    assert response.status_code in (200, 201, 204), response.text
    return response.json() if response.content else None


def named(app: FastAPI, role: store.Role, name: str) -> dict[str, str]:
    with app.state.sessions.begin() as session:
        _, key = store.create_key(session, role=role, name=name)
    return {"X-API-Key": key}


@pytest.fixture(scope="module")
def programme(databases: Databases) -> Any:
    app = create_app(settings_for(databases.new(), load_fixtures=False))
    with TestClient(app) as client:
        yield (
            client,
            named(app, "jobhunter", "An"),
            named(app, "jobhunter", "Bart"),
            named(app, "coordinator", "Chris"),
        )


def _person(client: TestClient, who: dict[str, str], **fields: Any) -> str:
    body = candidate_body(**fields)
    ok(client.post("/candidates", json=body, headers=who))
    return str(body["id"])


def _vacancy(client: TestClient, who: dict[str, str]) -> dict[str, Any]:
    body = vacancy_body()
    ok(client.post("/vacancies", json=body, headers=who))
    return body


def _propose(client: TestClient, who: dict[str, str], person: str, job: str, on: int) -> str:
    body = {"candidate_id": person, "vacancy_id": job, "on": day(on)}
    return str(ok(client.post("/applications", json=body, headers=who))["id"])


def _attention(client: TestClient, who: dict[str, str], on: int = 0) -> dict[str, Any]:
    result: dict[str, Any] = ok(client.get(f"/attention?on={day(on)}", headers=who))
    return result


def test_a_proposal_with_no_step_for_two_weeks_needs_attention_until_a_step(
    programme: Any,
) -> None:
    client, an, bart, coordinator = programme
    person, job = _person(client, an), _vacancy(client, an)
    quiet = _propose(client, an, person, job["id"], -20)
    fresh = _propose(client, an, _person(client, an), job["id"], -3)
    listed = {q["application_id"]: q for q in _attention(client, an)["quiet_proposals"]}
    assert quiet in listed and fresh not in listed
    assert listed[quiet]["days_without_step"] == 20 and listed[quiet]["title"] == job["title"]
    # Only An's: Bart's list does not hold it, the coordinator's does.
    assert quiet not in {q["application_id"] for q in _attention(client, bart)["quiet_proposals"]}
    assert quiet in {
        q["application_id"] for q in _attention(client, coordinator)["quiet_proposals"]
    }
    ok(client.patch(f"/applications/{quiet}", json={"status": "applied"}, headers=an))
    assert quiet not in {q["application_id"] for q in _attention(client, an)["quiet_proposals"]}


def test_open_proposals_to_a_vacancy_that_closed_or_went_need_attention(programme: Any) -> None:
    client, an, _, _ = programme
    person = _person(client, an)
    closing, going = _vacancy(client, an), _vacancy(client, an)
    to_closing = _propose(client, an, person, closing["id"], 0)
    to_going = _propose(client, an, person, going["id"], 0)
    assert not {to_closing, to_going} & {
        p["application_id"] for p in _attention(client, an)["proposals_to_closed_vacancies"]
    }
    ok(client.put(f"/vacancies/{closing['id']}", json={**closing, "status": "closed"}, headers=an))
    ok(client.delete(f"/vacancies/{going['id']}", headers=an))
    listed = {
        p["application_id"]: p for p in _attention(client, an)["proposals_to_closed_vacancies"]
    }
    assert listed[to_closing]["vacancy_status"] == "closed"
    assert listed[to_closing]["title"] == closing["title"]
    # A vacancy with a history is archived, not destroyed: closed, with its title.
    assert listed[to_going]["vacancy_status"] == "closed"
    assert listed[to_going]["title"] == going["title"]


def test_a_person_ready_a_month_with_nothing_proposed_needs_attention(programme: Any) -> None:
    client, an, bart, _ = programme
    waiting = _person(client, an, stage="ready")
    intake = _person(client, an, stage="intake")
    # Ready since today: a month on they are waiting; not today, not at intake.
    assert waiting not in {
        w["candidate_id"] for w in _attention(client, an)["ready_without_proposal"]
    }
    later = {
        w["candidate_id"]: w for w in _attention(client, bart, on=31)["ready_without_proposal"]
    }
    assert later[waiting]["days_ready"] == 31 and later[waiting]["ready_since"] == day(0)
    assert intake not in later
    _propose(client, bart, waiting, _vacancy(client, bart)["id"], 0)
    assert waiting not in {
        w["candidate_id"] for w in _attention(client, an, on=31)["ready_without_proposal"]
    }


def test_a_follow_up_records_its_outcome_and_moves_the_stage(programme: Any) -> None:
    client, an, bart, coordinator = programme
    person = _person(client, an, stage="ready")
    hired = _propose(client, an, person, _vacancy(client, an)["id"], -80)
    ok(client.patch(f"/applications/{hired}", json={"status": "hired", "on": day(-70)}, headers=an))
    due = {f["candidate_id"] for f in _attention(client, an)["followups_due"]}
    assert person in due
    assert person not in {f["candidate_id"] for f in _attention(client, bart)["followups_due"]}
    assert person in {f["candidate_id"] for f in _attention(client, coordinator)["followups_due"]}

    recorded = ok(
        client.post(
            "/followups",
            json={"candidate_id": person, "outcome": "still_working", "note": "Happy there"},
            headers=an,
        )
    )
    assert recorded["stage"] == "follow_up" and recorded["recorded_by"] == "An"
    assert ok(client.get(f"/candidates/{person}", headers=an))["stage"] == "follow_up"
    assert person not in {f["candidate_id"] for f in _attention(client, an)["followups_due"]}

    stopped = {"candidate_id": person, "outcome": "stopped", "reason": "childcare"}
    assert ok(client.post("/followups", json=stopped, headers=an))["stage"] == "ready"
    history = ok(client.get(f"/candidates/{person}/followups", headers=an))
    assert [f["outcome"] for f in history] == ["still_working", "stopped"]
    assert history[0]["note"] == "Happy there"
    # Back at ready, they are no longer in work: another follow-up is refused.
    again = client.post("/followups", json=stopped, headers=an)
    assert again.status_code == 409 and "stage 'ready'" in again.json()["detail"]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"outcome": "stopped"}, "reason is required"),
        ({"outcome": "still_working", "reason": "quit"}, "reason is required"),
        ({"outcome": "problem_reported"}, "note is required"),
        ({"outcome": "fine"}, "outcome"),
        ({"outcome": "still_working", "on": day(1)}, "in the future"),
    ],
)
def test_an_impossible_follow_up_is_422_saying_why(
    programme: Any, body: dict[str, Any], says: str
) -> None:
    client, an, _, _ = programme
    person = _person(client, an, stage="placed")
    response = client.post("/followups", json={"candidate_id": person, **body}, headers=an)
    assert response.status_code == 422 and says in response.text
    assert ok(client.get(f"/candidates/{person}", headers=an))["stage"] == "placed"
    assert (
        client.post(
            "/followups", json={"candidate_id": "c-nobody", "outcome": "still_working"}, headers=an
        ).status_code
        == 404
    )


def test_erasure_takes_the_follow_ups_and_their_notes(programme: Any) -> None:
    client, an, _, _ = programme
    person = _person(client, an, stage="placed")
    note = {"candidate_id": person, "outcome": "problem_reported", "note": "Boss shouts"}
    ok(client.post("/followups", json=note, headers=an))
    ok(client.delete(f"/candidates/{person}", headers=an))
    app = client.app
    with app.state.sessions() as session:  # type: ignore[attr-defined]
        left = session.execute(
            select(func.count()).select_from(FollowUpRow).where(FollowUpRow.candidate_id == person)
        ).scalar()
    assert left == 0
