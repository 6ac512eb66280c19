"""What JSON and URLs can carry but the service cannot keep (NaN, infinities, numbers beyond a
double, NUL characters, lone surrogates) is a 422 naming the field, never a 500, and changes
nothing stored."""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import EMPLOYER, as_role, candidate_body, vacancy_body

BAD = "<<bad>>"
NUMBERS = ["NaN", "Infinity", "-Infinity", "1e309", "-1e400"]
TEXTS = ['"\\ud800"', '"c-\\udfff"', '"a\\u0000b"', '"\\u0000"']


def raw_json(body: Any, token: str) -> str:
    """The body as JSON text with the placeholder (a value or a key) replaced by a raw token."""
    text = json.dumps(body)
    assert f'"{BAD}"' in text
    return text.replace(f'"{BAD}"', token)


def put_in(body: Any, path: tuple[str | int, ...], value: Any) -> Any:
    if not path:
        return value
    copy = dict(body) if isinstance(body, dict) else list(body)
    inner = body[path[0]] if len(path) > 1 else None  # type: ignore[index]
    copy[path[0]] = put_in(inner, path[1:], value)  # type: ignore[index]
    return copy


def weights_body() -> dict[str, Any]:
    return {"weights": {"skills": 0.4, "language": 0.25, "commute": 0.2, "childcare": 0.15}}


# (method, path or "{candidate}"/"{vacancy}", role, body, where the bad value goes, tokens)
CASES: list[tuple[str, str, str, Any, tuple[str | int, ...], list[str]]] = [
    ("POST", "/candidates", "coordinator", candidate_body(), ("home", "lat"), NUMBERS),
    ("POST", "/candidates", "coordinator", candidate_body(), ("max_commute_minutes",), NUMBERS),
    (
        "POST",
        "/candidates",
        "coordinator",
        candidate_body(skills=[{"label": "Heftruck", "years": 2}]),
        ("skills", 0, "years"),
        NUMBERS,
    ),
    (
        "POST",
        "/candidates",
        "coordinator",
        candidate_body(hours_per_week={"min": 10, "max": 20}),
        ("hours_per_week", "min"),
        NUMBERS,
    ),
    ("PUT", "{candidate}", "coordinator", candidate_body(), ("home", "lon"), NUMBERS),
    ("POST", "/vacancies", "coordinator", vacancy_body(), ("hours_per_week",), NUMBERS),
    ("PUT", "{vacancy}", "employer", vacancy_body(employer=EMPLOYER), ("positions",), NUMBERS),
    ("PUT", "/weights", "coordinator", weights_body(), ("weights", "skills"), NUMBERS),
    ("POST", "/plans", "coordinator", {}, ("min_score",), NUMBERS),
    ("POST", "/plans", "coordinator", {}, ("crowding",), NUMBERS),
    ("POST", "/candidates", "coordinator", candidate_body(), ("id",), TEXTS),
    ("POST", "/candidates", "coordinator", candidate_body(skills=["x"]), ("skills", 0), TEXTS),
    (
        "PUT",
        "{candidate}",
        "coordinator",
        candidate_body(occupations=["x"]),
        ("occupations", 0),
        TEXTS,
    ),
    ("POST", "/vacancies", "coordinator", vacancy_body(), ("employer",), TEXTS),
    ("PUT", "{vacancy}", "employer", vacancy_body(employer=EMPLOYER), ("title",), TEXTS),
    ("PUT", "/weights", "coordinator", weights_body() | {"note": "x"}, ("note",), TEXTS),
    ("POST", "/keys", "admin", {"role": "jobhunter", "name": "x"}, ("name",), TEXTS),
    ("POST", "/plans", "coordinator", {"candidate_ids": ["x"]}, ("candidate_ids", 0), TEXTS),
]


@pytest.fixture(scope="module")
def existing(client: TestClient, keys: dict[str, str]) -> dict[str, str]:
    """A candidate and an employer's vacancy the PUT cases try to overwrite."""
    person, job = candidate_body(), vacancy_body(employer=EMPLOYER)
    assert client.post("/candidates", json=person, headers=as_role(keys, "coordinator")).is_success
    assert client.post("/vacancies", json=job, headers=as_role(keys, "employer")).is_success
    return {"{candidate}": f"/candidates/{person['id']}", "{vacancy}": f"/vacancies/{job['id']}"}


def stored(client: TestClient, keys: dict[str, str], existing: dict[str, str]) -> list[Any]:
    """Everything the cases could change: both records, the counts, the weights, the keys."""
    coordinator = as_role(keys, "coordinator")
    paths = [*existing.values(), "/candidates?limit=1", "/vacancies?limit=1", "/weights/history"]
    return [client.get(p, headers=coordinator).json() for p in paths] + [
        client.get("/keys", headers=as_role(keys, "admin")).json()
    ]


@pytest.mark.parametrize(
    ("method", "path", "role", "body", "where", "token"),
    [
        pytest.param(m, p, r, b, w, t, id=f"{m} {p} {'.'.join(map(str, w))} {t}")
        for m, p, r, b, w, tokens in CASES
        for t in tokens
    ],
)
def test_unstorable_values_are_422_naming_the_field_and_change_nothing(
    client: TestClient,
    keys: dict[str, str],
    existing: dict[str, str],
    method: str,
    path: str,
    role: str,
    body: Any,
    where: tuple[str | int, ...],
    token: str,
) -> None:
    url = existing.get(path, path)
    if path in existing:  # a PUT repeats the stored record's own id
        body = body | {"id": url.rsplit("/", 1)[1]}
    before = stored(client, keys, existing)
    answer = client.request(
        method,
        url,
        content=raw_json(put_in(body, where, BAD), token),
        headers={**as_role(keys, role), "content-type": "application/json"},
    )
    assert answer.status_code == 422, answer.text
    assert ["body", *where] in [error["loc"] for error in answer.json()["detail"]]
    assert stored(client, keys, existing) == before


@pytest.mark.parametrize("token", ["\x00", "a\x00b"])
@pytest.mark.parametrize(
    ("path", "role", "parameter"),
    [
        ("/vacancies", "coordinator", "employer"),
        ("/vacancies", "employer", "employer"),
        ("/candidates/{candidate}/shortlist", "coordinator", "candidate_id"),
        ("/keys/{key}", "admin", "key_id"),
    ],
)
def test_a_nul_in_the_query_or_path_is_422_naming_the_parameter(
    client: TestClient, keys: dict[str, str], path: str, role: str, parameter: str, token: str
) -> None:
    encoded = token.replace("\x00", "%00")
    if "{" in path:
        url = path.replace(path[path.index("{") : path.index("}") + 1], encoded)
        method, where = ("DELETE" if path.startswith("/keys") else "GET"), "path"
    else:
        url, method, where = f"{path}?{parameter}={encoded}", "GET", "query"
    answer = client.request(method, url, headers=as_role(keys, role))
    assert answer.status_code == 422, answer.text
    assert [where, parameter] in [error["loc"] for error in answer.json()["detail"]]


def _leaves(node: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    if isinstance(node, dict):
        return [leaf for key, value in node.items() for leaf in _leaves(value, (*path, key))]
    if isinstance(node, list):
        return [leaf for i, value in enumerate(node) for leaf in _leaves(value, (*path, i))]
    return [path] if isinstance(node, str | int | float) and not isinstance(node, bool) else []


FULL_CANDIDATE = candidate_body(
    skills=["Heftruck", {"label": "Kassa", "years": 1.5}],
    occupations=["Magazijnier"],
    availability=[{"days": ["mon", "tue"], "start": "08:00", "end": "16:00"}],
    hours_per_week={"min": 10, "max": 30},
)
FULL_VACANCY = vacancy_body(skills_required=["Heftruck"], skills_preferred=["Kassa"])


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    data=st.data(),
    which=st.sampled_from([("/candidates", FULL_CANDIDATE), ("/vacancies", FULL_VACANCY)]),
    token=st.sampled_from(NUMBERS + TEXTS),
)
def test_any_field_holding_an_unstorable_value_is_named_in_a_422(
    client: TestClient,
    keys: dict[str, str],
    data: st.DataObject,
    which: tuple[str, dict[str, Any]],
    token: str,
) -> None:
    collection, body = which
    body = body | {"id": f"bad-{secrets.token_hex(4)}"}
    where = data.draw(st.sampled_from(_leaves(body)), label="field")
    answer = client.post(
        collection,
        content=raw_json(put_in(body, where, BAD), token),
        headers={**as_role(keys, "coordinator"), "content-type": "application/json"},
    )
    assert answer.status_code == 422, answer.text
    assert ["body", *where] in [error["loc"] for error in answer.json()["detail"]]


@pytest.mark.parametrize("depth", [900, 5000])
@pytest.mark.parametrize("where", ["body", "skills"])
def test_a_deeply_nested_body_is_refused_not_a_500(
    client: TestClient, keys: dict[str, str], depth: int, where: str
) -> None:
    nested = "[" * depth + "]" * depth
    text = nested if where == "body" else f'{{"id": "c-deep", "skills": {nested}}}'
    answer = client.post(
        "/candidates",
        content=text,
        headers={**as_role(keys, "coordinator"), "content-type": "application/json"},
    )
    assert answer.status_code in (400, 422), answer.text
