"""Candidates over HTTP: create, read, list, replace, erase, and what bad input gets back."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from support import as_role, candidate_body


@pytest.fixture(scope="module")
def jobhunter(keys: dict[str, str]) -> dict[str, str]:
    return as_role(keys, "jobhunter")


def test_create_read_replace_delete(client: TestClient, jobhunter: dict[str, str]) -> None:
    body = candidate_body(skills=["heftruck rijden"])
    made = client.post("/candidates", json=body, headers=jobhunter)
    assert made.status_code == 201, made.text
    assert made.headers["location"] == f"/candidates/{body['id']}"
    assert made.json() == body

    assert client.get(f"/candidates/{body['id']}", headers=jobhunter).json() == body

    changed = {**body, "stage": "placed", "max_commute_minutes": 30}
    replaced = client.put(f"/candidates/{body['id']}", json=changed, headers=jobhunter)
    assert replaced.status_code == 200 and replaced.json() == changed
    assert client.get(f"/candidates/{body['id']}", headers=jobhunter).json() == changed

    assert client.delete(f"/candidates/{body['id']}", headers=jobhunter).status_code == 204
    gone = client.get(f"/candidates/{body['id']}", headers=jobhunter)
    assert gone.status_code == 404 and body["id"] in gone.json()["detail"]
    assert client.delete(f"/candidates/{body['id']}", headers=jobhunter).status_code == 404


def test_the_server_assigns_an_id_when_none_is_given(
    client: TestClient, jobhunter: dict[str, str]
) -> None:
    body = candidate_body(id=None)
    del body["id"]
    made = client.post("/candidates", json=body, headers=jobhunter)
    assert made.status_code == 201
    ident = made.json()["id"]
    assert ident.startswith("c-")
    assert client.get(f"/candidates/{ident}", headers=jobhunter).json()["home"] == body["home"]


def test_put_without_id_takes_the_paths(client: TestClient, jobhunter: dict[str, str]) -> None:
    body = candidate_body()
    client.post("/candidates", json=body, headers=jobhunter)
    without = {k: v for k, v in body.items() if k != "id"}
    replaced = client.put(f"/candidates/{body['id']}", json=without, headers=jobhunter)
    assert replaced.status_code == 200 and replaced.json()["id"] == body["id"]


def test_post_with_an_existing_id_is_409(client: TestClient, jobhunter: dict[str, str]) -> None:
    response = client.post("/candidates", json=candidate_body(id="c-0001"), headers=jobhunter)
    assert response.status_code == 409
    assert "c-0001" in response.json()["detail"]


def test_put_with_another_id_in_the_body_is_422(
    client: TestClient, jobhunter: dict[str, str]
) -> None:
    response = client.put("/candidates/c-0001", json=candidate_body(id="c-0002"), headers=jobhunter)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "id"]


def test_put_of_an_unknown_id_is_404(client: TestClient, jobhunter: dict[str, str]) -> None:
    response = client.put("/candidates/c-nobody", json=candidate_body(id=None), headers=jobhunter)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("change", "loc", "words"),
    [
        ({"home": {"postcode": "9999"}}, ["body", "home"], "9999"),
        ({"languages": {"dutch": "B1"}}, ["body", "languages", "dutch", "[key]"], "ISO 639-1"),
        ({"languages": {"nl": "B9"}}, ["body", "languages", "nl"], "A1"),
        ({"max_commute_minutes": "an hour"}, ["body", "max_commute_minutes"], "integer"),
        ({"stage": "hired"}, ["body", "stage"], "ready"),
        (
            {"availability": [{"days": ["mon"], "start": "08:00"}]},
            ["body", "availability", 0, "end"],
            "required",
        ),
        ({"favourite_colour": "blue"}, ["body", "favourite_colour"], "not permitted"),
    ],
)
def test_bad_fields_are_named(
    client: TestClient,
    jobhunter: dict[str, str],
    change: dict[str, object],
    loc: list[object],
    words: str,
) -> None:
    response = client.post("/candidates", json={**candidate_body(), **change}, headers=jobhunter)
    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    assert any(e["loc"] == loc and words in e["msg"] for e in errors), errors


@pytest.mark.parametrize(
    "raw", [b"", b"{", b"[]", b"null", b'"c-0001"', '{"home": "\xe9"}'.encode("latin-1")]
)
def test_malformed_bodies_are_4xx(
    client: TestClient, jobhunter: dict[str, str], raw: bytes
) -> None:
    response = client.post(
        "/candidates", content=raw, headers={**jobhunter, "Content-Type": "application/json"}
    )
    # 400 when the bytes are not even text (FastAPI's "error parsing the body"), else 422
    assert response.status_code in {400, 422}, response.text
    assert response.json()["detail"]


def test_list_pages_and_filters_by_stage(client: TestClient, jobhunter: dict[str, str]) -> None:
    first = client.get("/candidates?limit=5", headers=jobhunter).json()
    second = client.get("/candidates?limit=5&offset=5", headers=jobhunter).json()
    assert len(first["data"]) == 5 and first["count"] >= 400
    ids = [c["id"] for c in first["data"] + second["data"]]
    assert ids == sorted(ids) and len(set(ids)) == 10
    placed = client.get("/candidates?stage=placed&limit=500", headers=jobhunter).json()
    assert placed["count"] == len(placed["data"]) > 0
    assert {c["stage"] for c in placed["data"]} == {"placed"}
    both = client.get("/candidates?stage=placed&stage=intake&limit=1", headers=jobhunter).json()
    assert both["count"] > placed["count"]


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "offset=-1", "limit=ten", "stage=hired"])
def test_list_parameters_out_of_range_are_422(
    client: TestClient, jobhunter: dict[str, str], query: str
) -> None:
    response = client.get(f"/candidates?{query}", headers=jobhunter)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][1] == query.split("=")[0]


@pytest.mark.parametrize("ident", ["a b", "x" * 65, "a;b", "a%E2%80%AEb"])
def test_bad_ids_in_the_path_are_422(
    client: TestClient, jobhunter: dict[str, str], ident: str
) -> None:
    response = client.get(f"/candidates/{ident}", headers=jobhunter)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "candidate_id"]
