"""Shortlists both ways over HTTP, and that the very next one sees every write."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from support import as_role, candidate_body, settings_for, vacancy_body

from service.app import create_app

# Far from the fixtures' vacancies, someone who walks at most 10 minutes: the only vacancy they
# can reach is one posted next door, so whether it is in their shortlist is plain to see.
HOME = {"lat": 50.71, "lon": 5.21}
NEXT_DOOR: dict[str, Any] = {"location": {"lat": 50.71, "lon": 5.212}}
HOMEBOUND: dict[str, Any] = {"home": HOME, "transport": [], "max_commute_minutes": 10}


@pytest.fixture(scope="module")
def who(keys: dict[str, str]) -> dict[str, str]:
    return as_role(keys, "jobhunter")


@pytest.fixture(scope="module")
def person(client: TestClient, who: dict[str, str]) -> str:
    body = candidate_body(**HOMEBOUND)
    assert client.post("/candidates", json=body, headers=who).status_code == 201
    ident: str = body["id"]
    return ident


def shortlist(client: TestClient, who: dict[str, str], path: str) -> dict[str, Any]:
    response = client.get(path, headers=who)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_candidate_shortlist_has_the_contracts_shape(
    client: TestClient, who: dict[str, str]
) -> None:
    body = shortlist(client, who, "/candidates/c-0001/shortlist")
    assert body["candidate_id"] == "c-0001" and body["weights_version"] >= 1
    assert len(body["results"]) == 10
    first = body["results"][0]
    # The contract's fields, and added since: `history` (what the record says of the pair) and
    # `blocked_by` (the features that block it).
    contract = {"vacancy_id", "title", "employer", "score", "blocked", "features"}
    assert set(first) == contract | {"history", "blocked_by"}
    assert set(first["features"]) == {"skills", "language", "commute", "childcare"}
    assert {"minutes", "mode", "score", "blocking", "reasons"} <= set(first["features"]["commute"])
    keys = [(r["blocked"], -r["score"], r["vacancy_id"]) for r in body["results"]]
    assert keys == sorted(keys)
    assert all(0 <= r["score"] <= 1 for r in body["results"])


def test_top_and_include_blocked(client: TestClient, who: dict[str, str]) -> None:
    three = shortlist(client, who, "/candidates/c-0001/shortlist?top=3")
    assert len(three["results"]) == 3
    homebound = candidate_body(max_commute_minutes=5, transport=[])  # almost everything blocks
    client.post("/candidates", json=homebound, headers=who)
    path = f"/candidates/{homebound['id']}/shortlist?top=100"
    unblocked = shortlist(client, who, path)["results"]
    assert len(unblocked) < 100 and not any(r["blocked"] for r in unblocked)
    near_misses = shortlist(client, who, f"{path}&include_blocked=true")["results"]
    assert len(near_misses) == 100
    blocked = next(r for r in near_misses if r["blocked"])
    assert any(f["blocking"] and f["reasons"] for f in blocked["features"].values())


@pytest.mark.parametrize("query", ["top=0", "top=101", "top=x", "include_blocked=perhaps"])
@pytest.mark.parametrize("side", ["/candidates/c-0001", "/vacancies/v-0001"])
def test_out_of_range_parameters_are_422(
    client: TestClient, who: dict[str, str], side: str, query: str
) -> None:
    response = client.get(f"{side}/shortlist?{query}", headers=who)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", query.split("=")[0]]


def test_unknown_ids_are_404(client: TestClient, who: dict[str, str]) -> None:
    assert client.get("/candidates/c-nobody/shortlist", headers=who).status_code == 404
    assert client.get("/vacancies/v-nothing/shortlist", headers=who).status_code == 404


def test_vacancy_shortlist_ranks_ready_candidates(client: TestClient, who: dict[str, str]) -> None:
    body = shortlist(client, who, "/vacancies/v-0001/shortlist?top=5")
    assert body["vacancy_id"] == "v-0001" and len(body["results"]) == 5
    assert set(body["results"][0]) == {
        "candidate_id",
        "title",
        "employer",
        "score",
        "blocked",
        "features",
        "history",  # added since: what the record says of the pair
        "blocked_by",  # and what blocks it
    }
    ready = client.get("/candidates?stage=ready&limit=500", headers=who).json()["data"]
    assert {r["candidate_id"] for r in body["results"]} <= {c["id"] for c in ready}
    placed = shortlist(client, who, "/vacancies/v-0001/shortlist?stage=placed&top=100")
    placed_ids = {
        c["id"]
        for c in client.get("/candidates?stage=placed&limit=500", headers=who).json()["data"]
    }
    assert {r["candidate_id"] for r in placed["results"]} <= placed_ids


def ids(client: TestClient, who: dict[str, str], path: str) -> list[str]:
    return [r["vacancy_id"] for r in shortlist(client, who, path)["results"]]


def test_a_new_vacancy_is_in_the_very_next_shortlist_and_gone_once_closed(
    client: TestClient, who: dict[str, str], person: str
) -> None:
    path = f"/candidates/{person}/shortlist?top=5"
    before = ids(client, who, path)
    vacancy = vacancy_body(**NEXT_DOOR)
    assert client.post("/vacancies", json=vacancy, headers=who).status_code == 201
    assert vacancy["id"] not in before
    assert vacancy["id"] in ids(client, who, path)

    renamed = {**vacancy, "title": "Heftruckchauffeur (nieuw)"}
    assert client.put(f"/vacancies/{vacancy['id']}", json=renamed, headers=who).status_code == 200
    titles = {r["vacancy_id"]: r["title"] for r in shortlist(client, who, path)["results"]}
    assert titles[vacancy["id"]] == "Heftruckchauffeur (nieuw)"

    closed = {**renamed, "status": "closed"}
    assert client.put(f"/vacancies/{vacancy['id']}", json=closed, headers=who).status_code == 200
    assert vacancy["id"] not in ids(client, who, f"{path}&include_blocked=true")

    # ... but a coach can still look back at who suited the closed vacancy
    looking_back = shortlist(client, who, f"/vacancies/{vacancy['id']}/shortlist?top=3")
    assert looking_back["vacancy_id"] == vacancy["id"] and looking_back["results"]


def test_a_changed_candidate_gets_a_fresh_shortlist(
    client: TestClient, who: dict[str, str]
) -> None:
    vacancy = vacancy_body(**NEXT_DOOR)
    client.post("/vacancies", json=vacancy, headers=who)
    body = candidate_body(**HOMEBOUND)
    client.post("/candidates", json=body, headers=who)
    path = f"/candidates/{body['id']}/shortlist"
    assert vacancy["id"] in ids(client, who, path)
    moved = {**body, "home": {"postcode": "3600"}}  # Genk, kilometres away
    client.put(f"/candidates/{body['id']}", json=moved, headers=who)
    assert vacancy["id"] not in ids(client, who, path)


def test_new_weights_apply_to_the_very_next_shortlist(
    client: TestClient, keys: dict[str, str], who: dict[str, str]
) -> None:
    coordinator = as_role(keys, "coordinator")
    before = shortlist(client, who, "/candidates/c-0003/shortlist")
    current = client.get("/weights", headers=who).json()
    new = {"weights": {"skills": 1, "language": 0, "commute": 0, "childcare": 0}}
    assert client.put("/weights", json=new, headers=coordinator).status_code == 200
    after = shortlist(client, who, "/candidates/c-0003/shortlist")
    assert after["weights_version"] == current["version"] + 1 == before["weights_version"] + 1
    for result in after["results"]:
        assert result["score"] == pytest.approx(result["features"]["skills"]["score"], abs=1e-3)
    client.put("/weights", json={"weights": current["weights"]}, headers=coordinator)


def test_new_weights_drop_the_kept_shortlists_of_the_old_ones(
    app: FastAPI, client: TestClient, keys: dict[str, str], who: dict[str, str]
) -> None:
    """Kept under the old weights, a shortlist is never asked for again: it is dropped once one
    under the new weights is kept, not carried along to every catalog after."""
    cache = app.state.shortlist_cache
    coordinator = as_role(keys, "coordinator")
    client.get("/candidates/c-0005/shortlist", headers=who)
    assert cache.holds("c-0005")
    current = client.get("/weights", headers=who).json()
    new = {"weights": {**current["weights"], "skills": current["weights"]["skills"] + 0.5}}
    assert client.put("/weights", json=new, headers=coordinator).status_code == 200
    client.get("/candidates/c-0006/shortlist", headers=who)
    assert cache.holds("c-0006") and not cache.holds("c-0005")
    client.put("/weights", json={"weights": current["weights"]}, headers=coordinator)


def test_another_process_sees_the_write_at_once(
    app: FastAPI, database_url: str, client: TestClient, who: dict[str, str], person: str
) -> None:
    """A second app on the same database stands for another worker process."""
    other = create_app(settings_for(database_url, load_fixtures=False))
    with TestClient(other) as second:
        path = f"/candidates/{person}/shortlist"
        ids(second, who, path)  # fitted and cached there
        vacancy = vacancy_body(**NEXT_DOOR)
        assert client.post("/vacancies", json=vacancy, headers=who).status_code == 201
        assert vacancy["id"] in ids(second, who, path)
        closed = {**vacancy, "status": "filled"}
        assert (
            client.put(f"/vacancies/{vacancy['id']}", json=closed, headers=who).status_code == 200
        )
        assert vacancy["id"] not in ids(second, who, path)
        deleted = vacancy_body(**NEXT_DOOR)
        client.post("/vacancies", json=deleted, headers=who)
        assert deleted["id"] in ids(second, who, path)
        assert client.delete(f"/vacancies/{deleted['id']}", headers=who).status_code == 204
        assert deleted["id"] not in ids(second, who, path)


def test_a_vacancy_side_shortlist_sees_people_changed_or_erased_in_another_process(
    app: FastAPI, database_url: str, client: TestClient, who: dict[str, str]
) -> None:
    """Each process keeps the people it validated; a change or an erasure made through another
    process must show in its very next ranking all the same."""
    vacancy = vacancy_body(**NEXT_DOOR)
    assert client.post("/vacancies", json=vacancy, headers=who).status_code == 201
    body = candidate_body(**HOMEBOUND, stage="ready")
    assert client.post("/candidates", json=body, headers=who).status_code == 201
    path = f"/vacancies/{vacancy['id']}/shortlist?top=100&include_blocked=true"

    def ranked(on: TestClient) -> dict[str, dict[str, Any]]:
        return {r["candidate_id"]: r for r in shortlist(on, who, path)["results"]}

    other = create_app(settings_for(database_url, load_fixtures=False))
    with TestClient(other) as second:
        assert not ranked(second)[body["id"]]["blocked"]  # next door: validated, kept
        moved = {**body, "home": {"postcode": "3600"}}  # Genk, far beyond a 10-minute walk
        assert client.put(f"/candidates/{body['id']}", json=moved, headers=who).status_code == 200
        assert ranked(second)[body["id"]]["blocked"]
        placed = {**moved, "stage": "placed"}
        assert client.put(f"/candidates/{body['id']}", json=placed, headers=who).status_code == 200
        assert body["id"] not in ranked(second)
        assert client.delete(f"/candidates/{body['id']}", headers=who).status_code == 204
        ranked(second)
        assert body["id"] not in str(other.state.catalog._people)
