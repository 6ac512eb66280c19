"""The programme as a record: its span and targets (GET/PUT /programme), the pace in GET /stats,
and the records a coordinator leaves out of the figures."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from support import Databases, candidate_body, make_key, settings_for, vacancy_body

from service.app import create_app

T = date.today()


def day(offset: int) -> str:
    return (T + timedelta(days=offset)).isoformat()


def ok(response: Any) -> Any:
    assert response.status_code in (200, 201, 204), response.text
    return response.json() if response.content else None


@pytest.fixture(scope="module")
def small(databases: Databases) -> Any:
    """An empty programme with two people, one of them hired 20 days ago."""
    app = create_app(settings_for(databases.new(), load_fixtures=False, target_placed=30))
    with TestClient(app) as client:
        keys = {role: {"X-API-Key": make_key(app, role)} for role in ("coordinator", "jobhunter")}
        keys["employer"] = {"X-API-Key": make_key(app, "employer", "Bakkerij Reigerhoek")}
        hired, waiting = candidate_body(stage="ready"), candidate_body(stage="ready")
        job = vacancy_body()
        for body, path in ((hired, "/candidates"), (waiting, "/candidates"), (job, "/vacancies")):
            ok(client.post(path, json=body, headers=keys["jobhunter"]))
        proposal = {"candidate_id": hired["id"], "vacancy_id": job["id"], "on": day(-30)}
        ident = ok(client.post("/applications", json=proposal, headers=keys["jobhunter"]))["id"]
        hire = {"status": "hired", "on": day(-20)}
        ok(client.patch(f"/applications/{ident}", json=hire, headers=keys["jobhunter"]))
        yield client, keys, hired["id"], waiting["id"]


def test_a_new_programme_starts_with_the_settings_targets_and_runs_fifteen_months(
    small: Any,
) -> None:
    client, keys, *_ = small
    programme = ok(client.get("/programme", headers=keys["coordinator"]))
    assert programme["target_placed"] == 30 and programme["target_people"] == 400
    starts, ends = (
        date.fromisoformat(programme["starts_on"]),
        date.fromisoformat(programme["ends_on"]),
    )
    assert starts == T  # the earliest stage on record: the people were added today
    assert (ends.year - starts.year) * 12 + ends.month - starts.month == 15
    assert programme["excluded"] == []


def test_only_coordinators_read_or_set_the_programme(small: Any) -> None:
    client, keys, *_ = small
    for role in ("jobhunter", "employer"):
        assert client.get("/programme", headers=keys[role]).status_code == 403
        assert client.put("/programme", json={}, headers=keys[role]).status_code == 403
    assert client.get("/programme").status_code == 401


def test_the_pace_follows_the_span_and_target_a_coordinator_sets(small: Any) -> None:
    client, keys, *_ = small
    span = {"starts_on": day(-100), "ends_on": day(300), "target_people": 400, "target_placed": 40}
    stored = ok(client.put("/programme", json=span, headers=keys["coordinator"]))
    assert stored["changed_by"].startswith("test coordinator")
    pace = ok(client.get("/stats", headers=keys["coordinator"]))["pace"]
    assert pace["days_total"] == 400 and pace["days_elapsed"] == 100
    assert pace["expected_by_now"] == 10.0  # a quarter of the way to 40
    assert pace["placed"] == 1 and pace["on_track"] is False
    assert pace["projected_at_end"] == 4.0  # one hire per 100 days, over 400 days
    figures = ok(client.get("/stats", headers=keys["coordinator"]))
    assert figures["placements"]["target_placed"] == 40
    # The query still overrides the stored target, as before.
    overridden = ok(client.get("/stats?target_placed=80", headers=keys["coordinator"]))
    assert overridden["placements"]["target_placed"] == 80


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": day(-200)}, "must come after starts_on"),
        ({"target_placed": 500}, "more than target_people"),
        ({"starts_on": "9999-12-31"}, "starts_on"),
        ({"target_people": 0}, "target_people"),
    ],
)
def test_an_impossible_programme_is_422_and_keeps_the_stored_one(
    small: Any, change: dict[str, Any], field: str
) -> None:
    client, keys, *_ = small
    before = ok(client.get("/programme", headers=keys["coordinator"]))
    span = {k: before[k] for k in ("starts_on", "ends_on", "target_people", "target_placed")}
    response = client.put("/programme", json={**span, **change}, headers=keys["coordinator"])
    assert response.status_code == 422
    assert field in response.text
    assert ok(client.get("/programme", headers=keys["coordinator"])) == before


def test_excluded_records_do_not_count_in_the_figures(small: Any) -> None:
    client, keys, hired, waiting = small
    coordinator = keys["coordinator"]
    before = ok(client.get("/stats", headers=coordinator))
    assert before["placements"]["placed"] == 1 and before["placements"]["people"] == 2

    ok(client.put(f"/programme/excluded/{hired}", headers=coordinator))
    assert ok(client.get("/programme", headers=coordinator))["excluded"] == [hired]
    after = ok(client.get("/stats", headers=coordinator))
    assert after["placements"]["placed"] == 0 and after["placements"]["people"] == 1
    assert after["pace"]["placed"] == 0
    assert sum(m["hires"] for m in after["per_month"]) == 0
    # Excluded from the figures only: the person is still there for the jobhunters.
    assert client.get(f"/candidates/{hired}", headers=keys["jobhunter"]).status_code == 200

    ok(client.delete(f"/programme/excluded/{hired}", headers=coordinator))
    assert ok(client.get("/stats", headers=coordinator))["placements"] == before["placements"]
    assert client.put("/programme/excluded/c-nobody", headers=coordinator).status_code == 404
