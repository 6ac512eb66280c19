"""Oversized and malformed requests get a 4xx naming what is wrong, never a 500."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient
from support import as_role, candidate_body

LIMIT = 256 * 1024


def test_an_oversized_body_is_413(client: TestClient, keys: dict[str, str]) -> None:
    who = as_role(keys, "jobhunter")
    huge = {**candidate_body(), "occupations": ["x" * 100] * 3000}
    response = client.post("/candidates", json=huge, headers=who)
    assert response.status_code == 413
    assert str(LIMIT) in response.json()["detail"]


def test_an_oversized_streamed_body_is_413(client: TestClient, keys: dict[str, str]) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"occupations": ["'
        for _ in range(40):
            yield b"y" * 10_000
        yield b'"]}'

    response = client.post(
        "/vacancies",
        content=chunks(),
        headers={**as_role(keys, "jobhunter"), "Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_a_body_just_under_the_limit_is_read(client: TestClient, keys: dict[str, str]) -> None:
    padded = {**candidate_body(), "occupations": ["z" * 199] * 20, "skills": ["s" * 199] * 100}
    response = client.post("/candidates", json=padded, headers=as_role(keys, "jobhunter"))
    assert response.status_code == 201, response.text


def test_wrong_content_type_and_method(client: TestClient, keys: dict[str, str]) -> None:
    who = as_role(keys, "jobhunter")
    form = client.post(
        "/candidates", content=b"home=2000", headers={**who, "Content-Type": "text/plain"}
    )
    assert form.status_code == 422
    assert client.delete("/candidates", headers=who).status_code == 405  # a list is not erased
    assert client.get("/nowhere", headers=who).status_code == 404


def test_docs_and_schema_carry_fixture_examples(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    post = schema["paths"]["/vacancies"]["post"]["requestBody"]["content"]["application/json"]
    examples = post["examples"]
    assert examples["language_light"]["value"]["language"].get("dutch") is None
    assert examples["dutch_required"]["value"]["language"]["dutch"] in {"A1", "A2", "B1", "B2"}
    assert "fixture v-" in examples["language_light"]["summary"]
    people = schema["paths"]["/candidates"]["post"]["requestBody"]["content"]["application/json"]
    assert set(people["examples"]) == {"school_hours", "any_time"}
    assert schema["components"]["securitySchemes"]["APIKeyHeader"]["name"] == "X-API-Key"
