"""Who may do what: the full 401/403 matrix over every endpoint and role."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from fastapi.testclient import TestClient
from support import EMPLOYER, as_role, candidate_body, vacancy_body

PEOPLE = {"jobhunter", "coordinator"}
VACANCIES = {"employer", "jobhunter", "coordinator"}
COORDINATOR = {"coordinator"}
ADMIN = {"admin"}
MAKERS = {"coordinator", "admin"}  # of employer records
ROLES = ["admin", "coordinator", "jobhunter", "employer"]
EVEN = {"skills": 1, "language": 1, "commute": 1, "childcare": 1}


def _candidate() -> dict[str, Any]:
    return candidate_body(id=None)


def _vacancy() -> dict[str, Any]:
    return vacancy_body(id=None, employer=EMPLOYER)


# (method, path, body maker, roles allowed). Writes aim at ids that do not exist (404 then
# proves the key got through) or create fresh rows, so the module's data stays as it was.
ENDPOINTS: list[tuple[str, str, Any, set[str]]] = [
    ("GET", "/candidates", None, PEOPLE),
    ("POST", "/candidates", _candidate, PEOPLE),
    ("GET", "/candidates/c-0001", None, PEOPLE),
    ("PUT", "/candidates/c-missing", _candidate, PEOPLE),
    ("DELETE", "/candidates/c-missing", None, PEOPLE),
    ("GET", "/candidates/c-0001/shortlist", None, PEOPLE),
    ("GET", "/vacancies", None, VACANCIES),
    ("POST", "/vacancies", _vacancy, VACANCIES),
    ("GET", "/vacancies/v-0001", None, VACANCIES),
    ("PUT", "/vacancies/v-missing", _vacancy, VACANCIES),
    ("DELETE", "/vacancies/v-missing", None, VACANCIES),
    ("GET", "/vacancies/v-0001/shortlist", None, PEOPLE),
    (
        "POST",
        "/applications",
        lambda: {"candidate_id": "c-missing", "vacancy_id": "v-0001"},
        PEOPLE,
    ),
    ("GET", "/applications/a-missing", None, PEOPLE),
    (
        "PATCH",
        "/applications/a-missing",
        lambda: {"status": "applied", "on": "2026-01-05"},
        VACANCIES,  # an employer records steps of applications to its own vacancies
    ),
    ("GET", "/candidates/c-0001/applications", None, PEOPLE),
    ("GET", "/vacancies/v-missing/applications", None, VACANCIES),
    ("GET", "/followups/due", None, PEOPLE),
    ("GET", "/stats", None, COORDINATOR),
    # The documents: each as its JSON is (an employer only its own vacancies' applications).
    ("GET", "/candidates/c-0001/shortlist?format=pdf", None, PEOPLE),
    ("GET", "/vacancies/v-0001/shortlist?format=csv", None, PEOPLE),
    ("GET", "/candidates/c-0001/applications?format=xlsx", None, PEOPLE),
    ("GET", "/vacancies/v-0001/applications?format=pdf", None, VACANCIES),
    ("GET", "/attention?format=csv", None, PEOPLE),
    ("GET", "/candidates?format=pdf", None, PEOPLE),
    ("GET", "/programme/workbook", None, COORDINATOR),
    ("GET", "/weights", None, PEOPLE),
    ("GET", "/weights/history", None, PEOPLE),
    (
        "PUT",
        "/weights",
        lambda: {"weights": {"skills": 1, "language": 1, "commute": 1, "childcare": 1}},
        COORDINATOR,
    ),
    ("GET", "/keys", None, ADMIN),
    ("POST", "/keys", lambda: {"role": "jobhunter"}, ADMIN),
    ("DELETE", "/keys/k-missing", None, ADMIN),
    ("GET", "/employers", None, VACANCIES),
    ("GET", "/imports/template", None, PEOPLE),
    ("GET", "/imports/vacancies/template", None, VACANCIES),
    ("GET", "/vacancies?format=csv", None, VACANCIES),
    ("GET", "/candidates?format=xlsx", None, PEOPLE),
    ("POST", "/employers", lambda: {"name": f"Matrix {secrets.token_hex(4)}"}, MAKERS),
]

CASES = [
    pytest.param(method, path, body, role, role in allowed, id=f"{method} {path} as {role}")
    for method, path, body, allowed in ENDPOINTS
    for role in ROLES
]


@pytest.mark.parametrize(("method", "path", "body", "role", "allowed"), CASES)
def test_role_matrix(
    client: TestClient,
    keys: dict[str, str],
    method: str,
    path: str,
    body: Any,
    role: str,
    allowed: bool,
) -> None:
    response = client.request(
        method, path, headers=as_role(keys, role), json=body() if body else None
    )
    if allowed:
        assert response.status_code in {200, 201, 204, 404}, response.text
    else:
        assert response.status_code == 403, response.text
        assert role in response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "body"), [pytest.param(m, p, b, id=f"{m} {p}") for m, p, b, _ in ENDPOINTS]
)
@pytest.mark.parametrize("key", [None, "", "mk_not-a-key", "x" * 300])
def test_no_key_or_a_wrong_key_is_401(
    client: TestClient, method: str, path: str, body: Any, key: str | None
) -> None:
    headers = {} if key is None else {"X-API-Key": key}
    response = client.request(method, path, headers=headers, json=body() if body else None)
    assert response.status_code == 401, response.text
    assert "X-API-Key" in response.json()["detail"]


@pytest.mark.parametrize(
    "path", ["/candidates/c-0001/shortlist?top=1000", "/vacancies/v-0001/shortlist?top=1000"]
)
def test_without_a_key_a_bad_parameter_is_still_401(client: TestClient, path: str) -> None:
    """Nothing about the request is checked for someone who sent no key."""
    assert client.get(path).status_code == 401


def test_health_needs_no_key(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["candidates"] >= 400 and body["open_vacancies"] >= 1000


def test_a_revoked_key_is_401_at_once(client: TestClient, keys: dict[str, str]) -> None:
    made = client.post("/keys", headers=as_role(keys, "admin"), json={"role": "jobhunter"})
    assert made.status_code == 201
    key = {"X-API-Key": made.json()["key"]}
    assert client.get("/candidates?limit=1", headers=key).status_code == 200
    gone = client.delete(f"/keys/{made.json()['id']}", headers=as_role(keys, "admin"))
    assert gone.status_code == 204
    assert client.get("/candidates?limit=1", headers=key).status_code == 401
