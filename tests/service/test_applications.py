"""Applications over HTTP: proposals with their shortlist line, steps, hires, follow-ups, roles."""

from __future__ import annotations

import logging
import secrets
from datetime import date, timedelta
from typing import Any

import pytest
from factories import WEEKDAYS, point_east
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, insert, select, update
from support import (
    EMPLOYER,
    Databases,
    as_role,
    candidate_body,
    make_key,
    settings_for,
    vacancy_body,
)

from service import store
from service.app import create_app
from service.tables import ApplicationRow, VacancyRow

# Far from the fixtures' vacancies, so the test's own vacancy is the only one in reach.
HOME = (50.71, 5.21)


def post(client: TestClient, keys: dict[str, str], path: str, body: Any, role: str) -> Any:
    response = client.post(path, json=body, headers=as_role(keys, role))
    assert response.status_code == 201, response.text
    return response.json()


def patch(client: TestClient, keys: dict[str, str], ident: str, step: dict[str, Any]) -> Any:
    return client.patch(f"/applications/{ident}", json=step, headers=as_role(keys, "jobhunter"))


@pytest.fixture(scope="module")
def vacancy(client: TestClient, keys: dict[str, str]) -> str:
    """EMPLOYER's vacancy next to HOME, with positions enough to stay open through the hires
    of this module's journeys (a filled vacancy takes no new proposal)."""
    body = vacancy_body(
        employer=EMPLOYER,
        location=point_east(2.0, HOME),
        shifts=[{"days": WEEKDAYS, "start": "09:00", "end": "17:00"}],
        positions=50,
    )
    ident: str = post(client, keys, "/vacancies", body, "coordinator")["id"]
    return ident


def new_person(client: TestClient, keys: dict[str, str], **fields: Any) -> str:
    body = candidate_body(
        home={"lat": HOME[0], "lon": HOME[1]}, transport=["public_transport", "bike"], **fields
    )
    ident: str = post(client, keys, "/candidates", body, "jobhunter")["id"]
    return ident


def propose(
    client: TestClient, keys: dict[str, str], person: str, vacancy: str, **more: Any
) -> dict[str, Any]:
    body = {"candidate_id": person, "vacancy_id": vacancy, **more}
    made: dict[str, Any] = post(client, keys, "/applications", body, "jobhunter")
    return made


def test_a_proposal_keeps_the_shortlist_line_it_came_from(
    client: TestClient, keys: dict[str, str], vacancy: str
) -> None:
    person = new_person(client, keys)
    jobhunter = as_role(keys, "jobhunter")
    line = client.get(f"/candidates/{person}/shortlist?top=1", headers=jobhunter).json()
    assert line["results"][0]["vacancy_id"] == vacancy
    response = client.post(
        "/applications",
        json={"candidate_id": person, "vacancy_id": vacancy, "note": "Keen, asked about shifts"},
        headers=jobhunter,
    )
    assert response.status_code == 201, response.text
    made = response.json()
    assert response.headers["Location"] == f"/applications/{made['id']}"
    assert made["id"].startswith("a-") and made["jobhunter"] == "test jobhunter"
    assert made["status"] == "proposed"
    assert made["proposed_on"] == made["updated_on"] == date.today().isoformat()
    assert made["steps"] == [
        {
            "status": "proposed",
            "on": date.today().isoformat(),
            "reason": None,
            "note": "Keen, asked about shifts",
        }
    ]
    shown = line["results"][0]
    assert made["snapshot"] == {
        "weights_version": line["weights_version"],
        "score": shown["score"],
        "blocked": shown["blocked"],
        "features": {name: f["score"] for name, f in shown["features"].items()},
    }
    assert client.get(f"/applications/{made['id']}", headers=jobhunter).json() == made


def test_a_journey_to_a_hire_places_the_person_and_records_the_stage(
    app: FastAPI, client: TestClient, keys: dict[str, str], vacancy: str
) -> None:
    person = new_person(client, keys, stage="ready")
    made = propose(client, keys, person, vacancy, on="2026-01-05", id=f"a-{secrets.token_hex(3)}")
    for step in (
        {"status": "applied", "on": "2026-01-06"},
        {"status": "interview", "on": "2026-01-12", "note": "Went well"},
    ):
        response = patch(client, keys, made["id"], step)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == step["status"]
    hired = patch(client, keys, made["id"], {"status": "hired", "on": "2026-01-20"}).json()
    assert [s["status"] for s in hired["steps"]] == ["proposed", "applied", "interview", "hired"]
    assert hired["updated_on"] == "2026-01-20" and hired["snapshot"] == made["snapshot"]
    person_now = client.get(f"/candidates/{person}", headers=as_role(keys, "coordinator")).json()
    assert person_now["stage"] == "placed"
    with app.state.sessions() as session:
        history = store.stage_changes(session, candidate_id=person)
    assert {(c.stage, c.on) for c in history} == {
        ("ready", date.today()),  # when it was created
        ("placed", date(2026, 1, 20)),  # the hire's day
    }
    listed = client.get(f"/candidates/{person}/applications", headers=as_role(keys, "jobhunter"))
    assert listed.json() == [hired]


def test_a_stage_change_by_put_is_recorded_once(
    app: FastAPI, client: TestClient, keys: dict[str, str]
) -> None:
    person = new_person(client, keys, stage="intake")
    who = as_role(keys, "jobhunter")
    body = client.get(f"/candidates/{person}", headers=who).json()
    for stage in ("activation", "activation", "ready"):
        assert client.put(f"/candidates/{person}", json={**body, "stage": stage}, headers=who)
    with app.state.sessions() as session:
        history = store.stage_changes(session, candidate_id=person)
    assert [c.stage for c in history] == ["intake", "activation", "ready"]


@pytest.mark.parametrize(
    ("steps", "step", "says"),
    [
        ([], {"status": "proposed", "on": "2026-01-06"}, "cannot go from 'proposed' to 'proposed'"),
        ([], {"status": "applied", "on": "2026-01-04"}, "before 'proposed' on 2026-01-05"),
        (
            [{"status": "interview", "on": "2026-01-08"}],
            {"status": "applied", "on": "2026-01-09"},
            "cannot go from 'interview' to 'applied'",
        ),
        (
            [{"status": "withdrawn", "on": "2026-01-08"}],
            {"status": "interview", "on": "2026-01-09"},
            "'withdrawn' is final",
        ),
        (
            [{"status": "rejected", "on": "2026-01-08", "reason": "schedule"}],
            {"status": "hired", "on": "2026-01-09"},
            "'rejected' is final",
        ),
        ([], {"status": "rejected", "on": "2026-01-06"}, "reason is required"),
        ([], {"status": "applied", "on": "2026-01-06", "reason": "other"}, "only for rejections"),
        ([], {"status": "rejected", "on": "2026-01-06", "reason": "salary"}, "Input should be"),
        ([], {"status": "promoted", "on": "2026-01-06"}, "Input should be"),
        ([], {"status": "applied", "on": "2100-12-31"}, "in the future"),
        ([], {"status": "applied", "on": "2101-01-01"}, "less than or equal to 2100-12-31"),
        ([], {"status": "applied", "on": "1999-12-31"}, "greater than or equal to 2000-01-01"),
        ([], {"status": "applied", "on": "2026-01-06", "mood": "good"}, "Extra inputs"),
    ],
)
def test_impossible_steps_are_422_saying_why(
    client: TestClient,
    keys: dict[str, str],
    vacancy: str,
    steps: list[dict[str, Any]],
    step: dict[str, Any],
    says: str,
) -> None:
    person = new_person(client, keys)
    made = propose(client, keys, person, vacancy, on="2026-01-05")
    for earlier in steps:
        assert patch(client, keys, made["id"], earlier).status_code == 200
    response = patch(client, keys, made["id"], step)
    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    assert errors[0]["loc"][0] == "body"
    assert any(says in e["msg"] for e in errors), errors
    after = client.get(f"/applications/{made['id']}", headers=as_role(keys, "jobhunter")).json()
    assert len(after["steps"]) == 1 + len(steps)  # nothing was written


def test_unknown_ids_are_404_and_a_taken_id_409(
    client: TestClient, keys: dict[str, str], vacancy: str
) -> None:
    who = as_role(keys, "jobhunter")
    person = new_person(client, keys)
    step = {"status": "applied", "on": "2026-01-06"}
    assert client.patch("/applications/a-missing", json=step, headers=who).status_code == 404
    assert client.get("/applications/a-missing", headers=who).status_code == 404
    assert client.get("/candidates/c-missing/applications", headers=who).status_code == 404
    assert client.get("/vacancies/v-missing/applications", headers=who).status_code == 404
    for body, field in (
        ({"candidate_id": "c-missing", "vacancy_id": vacancy}, "body.candidate_id"),
        ({"candidate_id": person, "vacancy_id": "v-missing"}, "body.vacancy_id"),
    ):
        response = client.post("/applications", json=body, headers=who)
        assert response.status_code == 404 and field in response.json()["detail"]
    made = propose(client, keys, person, vacancy)
    again = {"candidate_id": person, "vacancy_id": vacancy, "id": made["id"]}
    assert client.post("/applications", json=again, headers=who).status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"vacancy_id": "v-0001"}, "candidate_id"),
        ({"candidate_id": "c-0001", "vacancy_id": "v-0001", "jobhunter": "me"}, "jobhunter"),
        ({"candidate_id": "c-0001", "vacancy_id": "v-0001", "on": "yesterday"}, "on"),
        ({"candidate_id": "c 1", "vacancy_id": "v-0001"}, "candidate_id"),
        ({"candidate_id": "c-0001", "vacancy_id": "v-0001", "note": "x" * 2001}, "note"),
    ],
)
def test_bad_proposals_are_422_naming_the_field(
    client: TestClient, keys: dict[str, str], body: dict[str, Any], field: str
) -> None:
    response = client.post("/applications", json=body, headers=as_role(keys, "jobhunter"))
    assert response.status_code == 422, response.text
    assert any(e["loc"] == ["body", field] for e in response.json()["detail"])


def test_a_closed_vacancy_takes_no_new_proposal_and_a_late_record_is_scored_on_its_own(
    client: TestClient, keys: dict[str, str], vacancy: str
) -> None:
    coordinator = as_role(keys, "coordinator")
    body = vacancy_body(employer=EMPLOYER, location=point_east(3.0, HOME), status="closed")
    post(client, keys, "/vacancies", body, "coordinator")
    person = new_person(client, keys)
    # A closed vacancy takes no new proposal: 409 naming the field, nothing recorded.
    refused = client.post(
        "/applications",
        json={"candidate_id": person, "vacancy_id": body["id"]},
        headers=as_role(keys, "jobhunter"),
    )
    assert refused.status_code == 409, refused.text
    assert "is closed" in refused.json()["detail"] and "body.vacancy_id" in refused.json()["detail"]
    listed = client.get(f"/candidates/{person}/applications", headers=coordinator).json()
    assert listed == []
    # One made before it closed is recorded late, with its day, and scored on its own.
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    made = propose(client, keys, person, body["id"], on=yesterday)
    snapshot = made["snapshot"]
    current = client.get("/weights", headers=coordinator).json()["version"]
    assert snapshot["weights_version"] == current and 0 < snapshot["score"] <= 1
    assert set(snapshot["features"]) == {"skills", "language", "commute", "childcare"}


def test_employers_see_only_their_own_vacancies_applications_without_people_or_notes(
    client: TestClient, keys: dict[str, str], vacancy: str
) -> None:
    person = new_person(client, keys)
    made = propose(
        client, keys, person, vacancy, on="2026-01-05", note="Secret debrief Zwaluwstaart"
    )
    step = {
        "status": "rejected",
        "on": "2026-01-07",
        "reason": "language",
        "note": "Notes Zwaluwstaart",
    }
    assert patch(client, keys, made["id"], step).status_code == 200
    path = f"/vacancies/{vacancy}/applications"

    full = client.get(path, headers=as_role(keys, "coordinator"))
    assert full.status_code == 200
    mine = [a for a in full.json() if a["id"] == made["id"]]
    assert mine[0]["steps"][1]["note"] == "Notes Zwaluwstaart" and mine[0]["candidate_id"] == person

    seen = client.get(path, headers=as_role(keys, "employer"))
    assert seen.status_code == 200, seen.text
    entry = next(a for a in seen.json() if a["id"] == made["id"])
    assert entry == {
        "id": made["id"],
        "vacancy_id": vacancy,
        "status": "rejected",
        "proposed_on": "2026-01-05",
        "updated_on": "2026-01-07",
        "steps": [
            {"status": "proposed", "on": "2026-01-05"},
            {"status": "rejected", "on": "2026-01-07"},
        ],
    }
    for secret in ("Zwaluwstaart", person, "language", "jobhunter", "snapshot", "score"):
        assert secret not in seen.text

    other = client.get(path, headers=as_role(keys, "other_employer"))
    assert other.status_code == 404 and "Zwaluwstaart" not in other.text
    assert client.get(path, headers=as_role(keys, "admin")).status_code == 403
    missing = client.get("/vacancies/v-missing/applications", headers=as_role(keys, "employer"))
    assert missing.status_code == 404
    for role in ("employer", "admin"):
        got = client.get(f"/applications/{made['id']}", headers=as_role(keys, role))
        assert got.status_code == 403
    assert patch_as(client, keys, "admin", made["id"]).status_code == 403
    # An employer records steps of its own applications (test_employer_steps.py), but not a
    # withdrawal (the person's), and another employer's application is as missing.
    withdrawn = patch_as(client, keys, "employer", made["id"])
    assert withdrawn.status_code == 422 and withdrawn.json()["detail"][0]["loc"] == [
        "body",
        "status",
    ]
    elsewhere = client.patch(
        f"/applications/{made['id']}",
        json={"status": "interview"},
        headers=as_role(keys, "other_employer"),
    )
    assert elsewhere.status_code == 404 and "Zwaluwstaart" not in elsewhere.text


def patch_as(client: TestClient, keys: dict[str, str], role: str, ident: str) -> Any:
    step = {"status": "withdrawn", "on": "2026-02-01"}
    return client.patch(f"/applications/{ident}", json=step, headers=as_role(keys, role))


def test_followups_fall_due_two_calendar_months_after_the_hire(
    client: TestClient, keys: dict[str, str], vacancy: str
) -> None:
    who = as_role(keys, "jobhunter")
    person = new_person(client, keys)
    made = propose(client, keys, person, vacancy, on="2025-12-20")
    assert (
        patch(client, keys, made["id"], {"status": "hired", "on": "2025-12-31"}).status_code == 200
    )

    def due(on: str) -> list[dict[str, Any]]:
        response = client.get(f"/followups/due?on={on}", headers=who)
        assert response.status_code == 200, response.text
        return [f for f in response.json() if f["candidate_id"] == person]

    assert due("2026-02-27") == []
    expected = {"candidate_id": person, "hired_on": "2025-12-31", "due_on": "2026-02-28"}
    assert due("2026-02-28") == [expected]
    assert due("2026-06-01") == [expected]
    body = client.get(f"/candidates/{person}", headers=who).json()
    moved = client.put(f"/candidates/{person}", json={**body, "stage": "follow_up"}, headers=who)
    assert moved.status_code == 200, moved.text
    assert due("2026-06-01") == []


def test_followups_default_to_today(client: TestClient, keys: dict[str, str], vacancy: str) -> None:
    person = new_person(client, keys)
    long_ago = date.today() - timedelta(days=70)
    made = propose(client, keys, person, vacancy, on=long_ago.isoformat())
    step = {"status": "hired", "on": long_ago.isoformat()}
    assert patch(client, keys, made["id"], step).status_code == 200
    listed = client.get("/followups/due", headers=as_role(keys, "coordinator")).json()
    assert person in [f["candidate_id"] for f in listed]
    assert (
        client.get("/followups/due?on=soon", headers=as_role(keys, "coordinator")).status_code
        == 422
    )


def test_debrief_notes_are_never_logged(
    client: TestClient, keys: dict[str, str], vacancy: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = f"Debrief {secrets.token_hex(6)}"
    person = new_person(client, keys)
    made = propose(client, keys, person, vacancy, on="2026-01-05", note=secret)
    patch(client, keys, made["id"], {"status": "interview", "on": "2026-01-06", "note": secret})
    bad = {"status": "applied", "on": "2026-01-07", "note": secret}  # going back: 422
    assert patch(client, keys, made["id"], bad).status_code == 422
    assert patch(client, keys, made["id"], {**bad, "reason": "x"}).status_code == 422
    client.get(f"/candidates/{person}/applications", headers=as_role(keys, "jobhunter"))
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    assert secret not in logged


def test_the_fixtures_history_keeps_each_vacancys_employer(app: FastAPI) -> None:
    """Applications loaded with the fixtures are their vacancy's employer's, like new ones."""
    with app.state.sessions() as session:
        pairs = session.execute(
            select(ApplicationRow.employer, VacancyRow.employer).join(
                VacancyRow, VacancyRow.id == ApplicationRow.vacancy_id
            )
        ).all()
    assert len(pairs) > 1000  # the fixtures' history, at least
    assert all(stored == vacancys for stored, vacancys in pairs), {p for p in pairs if p[0] != p[1]}


def test_a_step_without_a_day_is_dated_today(
    client: TestClient, keys: dict[str, str], vacancy: str
) -> None:
    made = propose(client, keys, new_person(client, keys), vacancy, on="2026-01-05")
    response = patch(client, keys, made["id"], {"status": "applied"})
    assert response.status_code == 200, response.text
    assert response.json()["steps"][-1] == {
        "status": "applied",
        "on": date.today().isoformat(),
        "reason": None,
        "note": None,
    }


@pytest.mark.parametrize(
    ("on", "says"),
    [
        (None, "in the future"),  # tomorrow, worked out when the test runs (not collected)
        (date(9999, 12, 31), "less than or equal to 2100-12-31"),
        (date(1999, 12, 31), "greater than or equal to 2000-01-01"),
        (date(1, 1, 1), "greater than or equal to 2000-01-01"),
    ],
)
def test_a_step_is_never_dated_in_the_future_nor_outside_2000_to_2100(
    client: TestClient, keys: dict[str, str], vacancy: str, on: date | None, says: str
) -> None:
    """Both ways a step's day comes in (the proposal, each step after) are checked alike, and
    the answer names the field."""
    on = on or date.today() + timedelta(days=1)
    who = as_role(keys, "jobhunter")
    person = new_person(client, keys)
    body = {"candidate_id": person, "vacancy_id": vacancy, "on": on.isoformat()}
    proposal = client.post("/applications", json=body, headers=who)
    assert proposal.status_code == 422, proposal.text
    assert any(e["loc"] == ["body", "on"] and says in e["msg"] for e in proposal.json()["detail"])
    assert client.get(f"/candidates/{person}/applications", headers=who).json() == []

    made = propose(client, keys, person, vacancy)  # today: the latest day allowed
    for status in ("applied", "hired"):
        step = client.patch(
            f"/applications/{made['id']}",
            json={"status": status, "on": on.isoformat()},
            headers=who,
        )
        assert step.status_code == 422, step.text
        assert any(e["loc"] == ["body", "on"] and says in e["msg"] for e in step.json()["detail"])
    after = client.get(f"/applications/{made['id']}", headers=who).json()
    assert after["steps"] == made["steps"]  # nothing was written
    assert client.get(f"/candidates/{person}", headers=who).json()["stage"] != "placed"


@pytest.mark.parametrize(
    ("path", "role"), [("/followups/due", "jobhunter"), ("/stats", "coordinator")]
)
@pytest.mark.parametrize("on", ["9999-12-31", "2101-01-01", "1999-12-31", "0001-01-01"])
def test_as_of_days_outside_2000_to_2100_are_422_naming_the_query(
    client: TestClient, keys: dict[str, str], path: str, role: str, on: str
) -> None:
    response = client.get(f"{path}?on={on}", headers=as_role(keys, role))
    assert response.status_code == 422, response.text
    assert [e["loc"] for e in response.json()["detail"]] == [["query", "on"]]
    # a day ahead is a fair question for an "as of" (who falls due next month)
    ahead = client.get(f"{path}?on=2100-12-31", headers=as_role(keys, role))
    assert ahead.status_code == 200, ahead.text


def test_one_hire_stored_at_the_calendars_end_does_not_break_the_follow_up_list(
    app: FastAPI, client: TestClient, keys: dict[str, str], vacancy: str
) -> None:
    """A database written before days were bounded may hold a hire on 9999-12-31, whose
    follow-up would fall past the calendar's end; the list (and everything else reading the
    application) works for everyone, and the person is not due before the end of time."""
    who = as_role(keys, "coordinator")
    person = new_person(client, keys, stage="placed")
    due_before = client.get("/followups/due?on=2100-12-31", headers=who).json()
    stored = f"a-{secrets.token_hex(4)}"
    steps = [{"status": "proposed", "on": "2026-01-05"}, {"status": "hired", "on": "9999-12-31"}]
    with app.state.sessions.begin() as session:
        session.execute(
            insert(ApplicationRow).values(
                id=stored,
                candidate_id=person,
                vacancy_id=vacancy,
                jobhunter="an old client",
                employer=EMPLOYER,
                status="hired",
                proposed_on=date(2026, 1, 5),
                hired_on=date(9999, 12, 31),
                steps=[{**s, "reason": None, "note": None} for s in steps],
                snapshot=None,
            )
        )
    for query in ("", "?on=2100-12-31"):
        response = client.get(f"/followups/due{query}", headers=who)
        assert response.status_code == 200, response.text
    # Their latest hire is now the far one, due on no day one can ask about; nobody else moved.
    assert person in {f["candidate_id"] for f in due_before}
    assert response.json() == [f for f in due_before if f["candidate_id"] != person]
    assert client.get(f"/applications/{stored}", headers=who).json()["steps"][1] == {
        "status": "hired",
        "on": "9999-12-31",
        "reason": None,
        "note": None,
    }
    assert client.get("/stats", headers=who).status_code == 200
    listed = client.get(f"/vacancies/{vacancy}/applications", headers=as_role(keys, "employer"))
    assert stored in {a["id"] for a in listed.json()}


def test_applications_stored_without_their_employer_get_it_on_the_next_start(
    databases: Databases,
) -> None:
    """Rows written by the version before this one (after migration 0003) lack the employer: on
    start they get their vacancy's, so its employer keeps seeing them; one whose vacancy is
    gone stays nobody's."""
    url = databases.new()
    first = create_app(settings_for(url, load_fixtures=False))
    with TestClient(first) as client:
        keys = {
            "jobhunter": make_key(first, "jobhunter"),
            "coordinator": make_key(first, "coordinator"),
        }
        kept, gone = vacancy_body(employer=EMPLOYER), vacancy_body(employer=EMPLOYER)
        for body in (kept, gone):
            post(client, keys, "/vacancies", body, "coordinator")
        person = post(client, keys, "/candidates", candidate_body(), "jobhunter")["id"]
        made = {v["id"]: propose(client, keys, person, v["id"])["id"] for v in (kept, gone)}
        with first.state.sessions.begin() as session:
            # As the version before wrote them: no employer, and a vacancy it let be destroyed
            # (DELETE archives a vacancy with applications now).
            session.execute(update(ApplicationRow).values(employer=None))
            session.execute(delete(VacancyRow).where(VacancyRow.id == gone["id"]))

    again = create_app(settings_for(url, load_fixtures=False))
    with TestClient(again) as client:
        with again.state.sessions() as session:
            stored = dict(session.execute(select(ApplicationRow.id, ApplicationRow.employer)).all())
        assert stored == {made[kept["id"]]: EMPLOYER, made[gone["id"]]: None}
        employer = {"X-API-Key": make_key(again, "employer", EMPLOYER)}
        seen = client.get(f"/vacancies/{kept['id']}/applications", headers=employer).json()
        assert [a["id"] for a in seen] == [made[kept["id"]]]
