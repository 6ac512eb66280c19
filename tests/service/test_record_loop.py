"""The record as one loop, end to end over HTTP: propose, reject, shortlist (the vacancy is gone),
propose elsewhere, hire, follow up; the figures, the attention list and the shortlists agree at
each step, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from support import Databases, candidate_body, settings_for, vacancy_body

from service import store
from service.app import create_app


def _key(app: FastAPI, role: store.Role, name: str) -> dict[str, str]:
    with app.state.sessions.begin() as session:
        _, key = store.create_key(session, role=role, name=name)
    return {"X-API-Key": key}


def test_propose_reject_propose_elsewhere_hire_follow_up(databases: Databases) -> None:
    app = create_app(settings_for(databases.new(), load_fixtures=False))
    with TestClient(app) as client:
        an = _key(app, "jobhunter", "An")
        chris = _key(app, "coordinator", "Chris")

        def ok(response: Any) -> Any:
            assert response.status_code in (200, 201, 204), response.text
            return response.json() if response.content else None

        person = candidate_body(stage="ready")
        ok(client.post("/candidates", json=person, headers=an))
        first, second = vacancy_body(positions=1), vacancy_body(positions=1)
        for job in (first, second):
            ok(client.post("/vacancies", json=job, headers=an))
        who = person["id"]
        shortlist_url = f"/candidates/{who}/shortlist?top=10"

        def listed() -> set[str]:
            return {
                line["vacancy_id"] for line in ok(client.get(shortlist_url, headers=an))["results"]
            }

        def stats() -> dict[str, Any]:
            result: dict[str, Any] = ok(client.get("/stats", headers=chris))
            return result

        def attention(on: int = 0) -> dict[str, Any]:
            day = (date.today() + timedelta(days=on)).isoformat()
            result: dict[str, Any] = ok(client.get(f"/attention?on={day}", headers=an))
            return result

        assert {first["id"], second["id"]} <= listed()
        assert stats()["candidates_per_stage"]["ready"] == 1

        # Propose the first: it leaves the shortlist, and goes quiet after two weeks.
        proposal = {"candidate_id": who, "vacancy_id": first["id"]}
        made = ok(client.post("/applications", json=proposal, headers=an))
        assert first["id"] not in listed() and second["id"] in listed()
        quiet = {q["application_id"] for q in attention(on=15)["quiet_proposals"]}
        assert made["id"] in quiet
        assert sum(m["proposals"] for m in stats()["per_month"]) == 1

        # Rejected: still out of the shortlist (marked when asked), out of the attention list.
        rejected = {"status": "rejected", "reason": "schedule", "note": "Nights only"}
        ok(client.patch(f"/applications/{made['id']}", json=rejected, headers=an))
        assert first["id"] not in listed()
        marked = ok(client.get(shortlist_url + "&include_history=true", headers=an))["results"]
        assert {m["vacancy_id"]: m["history"]["code"] for m in marked if m["history"]} == {
            first["id"]: "previously_rejected"
        }
        assert made["id"] not in {q["application_id"] for q in attention(on=15)["quiet_proposals"]}
        assert stats()["rejection_reasons"]["schedule"] == 1
        again = client.post("/applications", json=proposal, headers=an)
        assert again.status_code == 409 and again.json()["application_id"] == made["id"]

        # Propose elsewhere and hire: placed, the vacancy filled and gone from every shortlist.
        elsewhere = ok(
            client.post(
                "/applications", json={"candidate_id": who, "vacancy_id": second["id"]}, headers=an
            )
        )
        ok(client.patch(f"/applications/{elsewhere['id']}", json={"status": "hired"}, headers=an))
        assert ok(client.get(f"/candidates/{who}", headers=an))["stage"] == "placed"
        assert ok(client.get(f"/vacancies/{second['id']}", headers=an))["status"] == "filled"
        withheld = ok(client.get(shortlist_url, headers=an))
        assert withheld["results"] == [] and withheld["stage"] == "placed"
        anyway = ok(client.get(shortlist_url + "&any_stage=true", headers=an))["results"]
        assert second["id"] not in {line["vacancy_id"] for line in anyway}
        figures = stats()
        assert figures["placements"]["placed"] == 1 and figures["pace"]["placed"] == 1
        assert figures["candidates_per_stage"]["placed"] == 1
        assert attention()["followups_due"] == []  # hired today: due in two months
        assert who in {f["candidate_id"] for f in attention(on=62)["followups_due"]}

        # The follow-up: still working; they leave the due list and the figures say follow_up.
        ok(
            client.post(
                "/followups", json={"candidate_id": who, "outcome": "still_working"}, headers=an
            )
        )
        assert who not in {f["candidate_id"] for f in attention(on=62)["followups_due"]}
        assert stats()["candidates_per_stage"]["follow_up"] == 1
        assert ok(client.get(shortlist_url, headers=an))["stage"] == "follow_up"
