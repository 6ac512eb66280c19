"""Employers are records: coordinators and admins create them, employer keys are bound to one
(an unknown name is refused with the close matches), and an employer key sees only its own."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from support import Databases, make_key, settings_for, vacancy_body

from matcher.cli import main
from service.app import create_app


@pytest.fixture(scope="module")
def setup(databases: Databases) -> Any:
    url = databases.new()
    app = create_app(settings_for(url, load_fixtures=False))
    with TestClient(app) as client:
        keys = {role: {"X-API-Key": make_key(app, role)} for role in ("admin", "coordinator")}
        keys["jobhunter"] = {"X-API-Key": make_key(app, "jobhunter")}
        yield url, client, keys


def test_coordinators_and_admins_create_employers_and_names_are_unique(setup: Any) -> None:
    _, client, keys = setup
    contact = {"name": "Els Janssens", "phone": "+32 3 555 01 02", "email": "hr@noord.example"}
    made = client.post(
        "/employers",
        json={"name": "Koelhuis Noord", "contact": contact},
        headers=keys["coordinator"],
    )
    assert made.status_code == 201, made.text
    assert made.json()["contact"] == contact
    assert (
        client.post("/employers", json={"name": "Bakkerij Zuid"}, headers=keys["admin"])
    ).status_code == 201
    again = client.post("/employers", json={"name": "Koelhuis Noord"}, headers=keys["admin"])
    assert again.status_code == 409 and "Koelhuis Noord" in again.json()["detail"]
    refused = client.post("/employers", json={"name": "Mine"}, headers=keys["jobhunter"])
    assert refused.status_code == 403
    listed = client.get("/employers", headers=keys["jobhunter"]).json()
    assert {"Koelhuis Noord", "Bakkerij Zuid"} <= {e["name"] for e in listed}
    bad = client.post(
        "/employers",
        json={"name": "X", "contact": {"email": "not an address"}},
        headers=keys["coordinator"],
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "contact", "email"]


def test_a_key_for_an_unknown_employer_is_refused_naming_close_matches(setup: Any) -> None:
    _, client, keys = setup
    client.post("/employers", json={"name": "Schoonmaak Antwerpen"}, headers=keys["admin"])
    refused = client.post(
        "/keys",
        json={"role": "employer", "employer": "Schoonmaak Antwerp"},
        headers=keys["admin"],
    )
    assert refused.status_code == 422, refused.text
    [error] = refused.json()["detail"]
    assert error["loc"] == ["body", "employer"] and "'Schoonmaak Antwerpen'" in error["msg"]
    made = client.post(
        "/keys",
        json={"role": "employer", "employer": "Schoonmaak Antwerpen"},
        headers=keys["admin"],
    )
    assert made.status_code == 201, made.text


def test_the_command_line_refuses_a_key_for_an_unknown_employer(
    setup: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url, client, keys = setup
    client.post("/employers", json={"name": "Haven Logistiek"}, headers=keys["admin"])
    monkeypatch.setenv("MATCHER_DATABASE_URL", url)
    with pytest.raises(SystemExit):
        main(["keys", "create", "--role", "employer", "--employer", "Haven Logistic"])
    assert "'Haven Logistiek'" in capsys.readouterr().err
    assert main(["keys", "create", "--role", "employer", "--employer", "Haven Logistiek"]) == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert client.get("/vacancies", headers={"X-API-Key": key}).status_code == 200


def test_an_employer_key_sees_only_its_own_employer(setup: Any) -> None:
    _, client, keys = setup
    for name in ("Garage Oost", "Garage West"):
        client.post("/employers", json={"name": name}, headers=keys["coordinator"])
    made = client.post(
        "/keys", json={"role": "employer", "employer": "Garage Oost"}, headers=keys["admin"]
    ).json()
    seen = client.get("/employers", headers={"X-API-Key": made["key"]}).json()
    assert [e["name"] for e in seen] == ["Garage Oost"]
    assert (
        client.post(
            "/employers", json={"name": "Garage Noord"}, headers={"X-API-Key": made["key"]}
        ).status_code
        == 403
    )


def test_a_vacancy_naming_a_new_employer_makes_it_a_record(setup: Any) -> None:
    _, client, keys = setup
    job = vacancy_body(employer="Drukkerij Merksem")
    assert client.post("/vacancies", json=job, headers=keys["coordinator"]).status_code == 201
    names = {e["name"] for e in client.get("/employers", headers=keys["coordinator"]).json()}
    assert "Drukkerij Merksem" in names
    made = client.post(
        "/keys",
        json={"role": "employer", "employer": "Drukkerij Merksem"},
        headers=keys["admin"],
    )
    assert made.status_code == 201


def test_a_vacancy_posted_with_an_employer_key_takes_its_employer(setup: Any) -> None:
    _, client, keys = setup
    client.post("/employers", json={"name": "Hotel Centraal"}, headers=keys["coordinator"])
    made = client.post(
        "/keys", json={"role": "employer", "employer": "Hotel Centraal"}, headers=keys["admin"]
    ).json()
    hotel = {"X-API-Key": made["key"]}
    job = {k: v for k, v in vacancy_body().items() if k != "employer"}
    posted = client.post("/vacancies", json=job, headers=hotel)
    assert posted.status_code == 201, posted.text
    assert posted.json()["employer"] == "Hotel Centraal"
    stored = client.get(f"/vacancies/{job['id']}", headers=keys["jobhunter"]).json()
    assert stored["employer"] == "Hotel Centraal"
    # Another employer named in the body is still refused, and other roles must name one.
    other = client.post("/vacancies", json={**vacancy_body(employer="Elders NV")}, headers=hotel)
    assert other.status_code == 403
    unnamed = {k: v for k, v in vacancy_body().items() if k != "employer"}
    missing = client.post("/vacancies", json=unnamed, headers=keys["coordinator"])
    assert missing.status_code == 422
    assert ["body", "employer"] in [e["loc"] for e in missing.json()["detail"]]
    assert client.get(f"/vacancies/{unnamed['id']}", headers=keys["coordinator"]).status_code == 404
    broken = client.post(
        "/vacancies",
        content=b"{not json",
        headers={**hotel, "Content-Type": "application/json"},
    )
    assert broken.status_code == 422
    as_text = client.post(
        "/vacancies",
        content=b'{"title": "x"}',
        headers={**hotel, "Content-Type": "text/plain"},
    )
    assert as_text.status_code == 422 and as_text.json()["detail"][0]["loc"] == ["body"]
