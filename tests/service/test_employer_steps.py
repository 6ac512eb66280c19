"""Employers record the steps of applications to their own vacancies (applied, interview, hired,
rejected with a reason), see their view back (no person, no notes), and reach no other's."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from support import Databases, candidate_body, make_key, settings_for, vacancy_body

from service.app import create_app

EMPLOYER_VIEW = {"id", "vacancy_id", "status", "proposed_on", "updated_on", "steps"}


@pytest.fixture(scope="module")
def setup(databases: Databases) -> Any:
    app = create_app(settings_for(databases.new(), load_fixtures=False))
    with TestClient(app) as client:
        coach = {"X-API-Key": make_key(app, "jobhunter")}
        admin = {"X-API-Key": make_key(app, "admin")}
        employers = {}
        for name in ("Bouw Noord", "Bouw Zuid"):
            client.post("/employers", json={"name": name}, headers=admin)
            made = client.post(
                "/keys", json={"role": "employer", "employer": name}, headers=admin
            ).json()
            employers[name] = {"X-API-Key": made["key"]}
        yield client, coach, employers


def _proposal(client: TestClient, coach: dict[str, str], employer: str, **job: Any) -> str:
    vacancy = vacancy_body(employer=employer, **job)
    assert client.post("/vacancies", json=vacancy, headers=coach).status_code == 201
    person = candidate_body(stage="ready")
    assert client.post("/candidates", json=person, headers=coach).status_code == 201
    made = client.post(
        "/applications",
        json={"candidate_id": person["id"], "vacancy_id": vacancy["id"], "note": "Shy, keen"},
        headers=coach,
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def test_an_employer_records_steps_of_its_own_applications_and_sees_no_person(
    setup: Any,
) -> None:
    client, coach, employers = setup
    noord = employers["Bouw Noord"]
    ident = _proposal(client, coach, "Bouw Noord", positions=1)
    for status in ("applied", "interview", "hired"):
        step = client.patch(f"/applications/{ident}", json={"status": status}, headers=noord)
        assert step.status_code == 200, step.text
        assert set(step.json()) == EMPLOYER_VIEW and step.json()["status"] == status
    # The record the coach sees has every step, their note kept, and the hire's consequences.
    record = client.get(f"/applications/{ident}", headers=coach).json()
    assert [s["status"] for s in record["steps"]] == ["proposed", "applied", "interview", "hired"]
    assert record["steps"][0]["note"] == "Shy, keen"
    person = client.get(f"/candidates/{record['candidate_id']}", headers=coach).json()
    assert person["stage"] == "placed"
    vacancy = client.get(f"/vacancies/{record['vacancy_id']}", headers=coach).json()
    assert vacancy["status"] == "filled"


def test_an_employer_rejects_with_a_reason(setup: Any) -> None:
    client, coach, employers = setup
    ident = _proposal(client, coach, "Bouw Noord")
    noord = employers["Bouw Noord"]
    without = client.patch(f"/applications/{ident}", json={"status": "rejected"}, headers=noord)
    assert without.status_code == 422 and "reason" in without.text
    rejected = client.patch(
        f"/applications/{ident}",
        json={"status": "rejected", "reason": "experience"},
        headers=noord,
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    record = client.get(f"/applications/{ident}", headers=coach).json()
    assert record["steps"][-1]["reason"] == "experience"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "interview", "note": "Great candidate"}, "note"),
        ({"status": "withdrawn"}, "status"),
    ],
)
def test_what_an_employer_may_not_record_is_422_naming_the_field(
    setup: Any, body: dict[str, Any], field: str
) -> None:
    client, coach, employers = setup
    ident = _proposal(client, coach, "Bouw Noord")
    refused = client.patch(f"/applications/{ident}", json=body, headers=employers["Bouw Noord"])
    assert refused.status_code == 422, refused.text
    assert ["body", field] in [e["loc"] for e in refused.json()["detail"]]
    record = client.get(f"/applications/{ident}", headers=coach).json()
    assert [s["status"] for s in record["steps"]] == ["proposed"]


def test_another_employers_application_is_as_missing(setup: Any) -> None:
    client, coach, employers = setup
    ident = _proposal(client, coach, "Bouw Zuid")
    other = client.patch(
        f"/applications/{ident}", json={"status": "interview"}, headers=employers["Bouw Noord"]
    )
    missing = client.patch(
        "/applications/a-nowhere", json={"status": "interview"}, headers=employers["Bouw Noord"]
    )
    assert other.status_code == missing.status_code == 404
    assert other.json()["detail"] == f"no application with id '{ident}'"
    record = client.get(f"/applications/{ident}", headers=coach).json()
    assert [s["status"] for s in record["steps"]] == ["proposed"]
    own = client.patch(
        f"/applications/{ident}", json={"status": "interview"}, headers=employers["Bouw Zuid"]
    )
    assert own.status_code == 200
