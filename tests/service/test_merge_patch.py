"""PATCH of candidates and vacancies as JSON merge patch (RFC 7396): the stored document with the
patch merged is checked whole, null removes a field, and it goes the way a PUT goes."""

from __future__ import annotations

import json
import secrets
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from factories import dutch_required
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from support import EMPLOYER, OTHER_EMPLOYER, as_role, candidate_body, vacancy_body

from service import store
from service.patch import merge

MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}


@pytest.fixture(scope="module")
def jobhunter(keys: dict[str, str]) -> dict[str, str]:
    return as_role(keys, "jobhunter")


def _patch(
    client: TestClient, path: str, patch: object, headers: dict[str, str], *, media: str = ""
) -> Any:
    content_type = media or MERGE_PATCH["Content-Type"]
    return client.patch(
        path, content=json.dumps(patch), headers={**headers, "Content-Type": content_type}
    )


def _person(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = candidate_body(**fields)
    made = client.post("/candidates", json=body, headers=headers)
    assert made.status_code == 201, made.text
    return body


# RFC 7396, Appendix A: every example, as the RFC gives it.
RFC_7396_EXAMPLES = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("target", "patch", "result"), RFC_7396_EXAMPLES)
def test_merge_follows_every_example_of_rfc_7396(target: Any, patch: Any, result: Any) -> None:
    assert merge(target, patch) == result


_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=3)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abc"), inner),
    max_leaves=8,
)
_OBJECTS = st.dictionaries(st.sampled_from("abcd"), _JSON, max_size=4)


@given(target=_OBJECTS, patch=_OBJECTS)
def test_a_merge_sets_what_the_patch_names_removes_its_nulls_and_keeps_the_rest(
    target: dict[str, Any], patch: dict[str, Any]
) -> None:
    merged = merge(target, patch)
    for name, value in patch.items():
        if value is None:
            assert name not in merged
        elif not isinstance(value, dict):
            assert merged[name] == value
        else:
            assert merged[name] == merge(target.get(name), value)
    assert {k: v for k, v in merged.items() if k not in patch} == {
        k: v for k, v in target.items() if k not in patch
    }
    assert merge(merged, patch) == merged  # applying a patch twice changes nothing more


@pytest.mark.parametrize("media", ["application/merge-patch+json", "application/json"])
def test_a_patch_changes_the_fields_it_names_and_keeps_the_rest(
    client: TestClient, jobhunter: dict[str, str], media: str
) -> None:
    body = _person(client, jobhunter, skills=["heftruck rijden"], languages={"uk": "native"})
    changed = _patch(
        client,
        f"/candidates/{body['id']}",
        {"max_commute_minutes": 30, "languages": {"nl": "a2"}, "coach": "Sara"},
        jobhunter,
        media=media,
    )
    assert changed.status_code == 200, changed.text
    expected = {
        **body,
        "max_commute_minutes": 30,
        "languages": {"uk": "native", "nl": "A2"},  # an object is merged, not replaced
        "coach": "Sara",
    }
    assert changed.json() == expected
    assert client.get(f"/candidates/{body['id']}", headers=jobhunter).json() == expected


def test_null_removes_a_field_back_to_its_default(
    client: TestClient, jobhunter: dict[str, str]
) -> None:
    body = _person(
        client,
        jobhunter,
        languages={"uk": "native", "en": "B1"},
        transport=["bike"],
        hours_per_week={"min": 20, "max": 30},
        stage="activation",
        coach="Sara",
    )
    patch = {
        "hours_per_week": None,
        "transport": None,
        "stage": None,
        "coach": None,
        "languages": {"en": None},
    }
    changed = _patch(client, f"/candidates/{body['id']}", patch, jobhunter)
    assert changed.status_code == 200, changed.text
    got = client.get(f"/candidates/{body['id']}", headers=jobhunter).json()
    assert got["hours_per_week"] is None and got["coach"] is None
    assert got["transport"] == [] and got["stage"] == "ready"  # the model's defaults
    assert got["languages"] == {"uk": "native"}
    assert {k: v for k, v in got.items() if k not in patch} == {
        k: v for k, v in body.items() if k not in patch
    }


@pytest.mark.parametrize(
    ("patch", "loc"),
    [
        ({"max_commute_minutes": 1}, ["body", "max_commute_minutes"]),
        ({"home": {"postcode": "9999"}}, ["body", "home"]),
        # Each fine alone; the merged document gives a latitude without a longitude.
        ({"home": {"postcode": None, "lat": 51.2}}, ["body", "home"]),
        ({"languages": {"dutch": "B1"}}, ["body", "languages", "dutch", "[key]"]),
        ({"colour": "blue"}, ["body", "colour"]),
        ({"home": None}, ["body", "home"]),  # a required field cannot be removed
    ],
)
def test_a_patch_whose_result_is_invalid_is_422_naming_the_field_and_changes_nothing(
    app: FastAPI,
    client: TestClient,
    jobhunter: dict[str, str],
    patch: dict[str, Any],
    loc: list[str],
) -> None:
    body = _person(client, jobhunter, home={"postcode": "2060"}, stage="activation")
    refused = _patch(client, f"/candidates/{body['id']}", {**patch, "stage": "ready"}, jobhunter)
    assert refused.status_code == 422, refused.text
    assert loc in [error["loc"] for error in refused.json()["detail"]]
    assert client.get(f"/candidates/{body['id']}", headers=jobhunter).json() == body
    with app.state.sessions() as session:
        stages = [c.stage for c in store.stage_changes(session, candidate_id=body["id"])]
    assert stages == ["activation"]  # the stage in the refused patch was not recorded


def test_a_patch_naming_another_id_is_422_and_the_paths_own_id_is_fine(
    client: TestClient, jobhunter: dict[str, str]
) -> None:
    body = _person(client, jobhunter)
    other = _patch(client, f"/candidates/{body['id']}", {"id": "c-0001", "coach": "X"}, jobhunter)
    assert other.status_code == 422
    assert other.json()["detail"][0]["loc"] == ["body", "id"]
    assert client.get(f"/candidates/{body['id']}", headers=jobhunter).json() == body
    same = _patch(client, f"/candidates/{body['id']}", {"id": body["id"], "coach": "X"}, jobhunter)
    assert same.status_code == 200 and same.json()["coach"] == "X"


def test_a_patch_of_someone_missing_is_404_and_of_no_object_422(
    client: TestClient, jobhunter: dict[str, str]
) -> None:
    assert _patch(client, "/candidates/c-nobody", {"coach": "X"}, jobhunter).status_code == 404
    body = _person(client, jobhunter)
    listed = _patch(client, f"/candidates/{body['id']}", [{"coach": "X"}], jobhunter)
    assert listed.status_code == 422 and listed.json()["detail"][0]["loc"] == ["body"]


def test_a_stage_changed_by_patch_is_recorded_as_put_records_it(
    app: FastAPI, client: TestClient, jobhunter: dict[str, str]
) -> None:
    body = _person(client, jobhunter, stage="activation")
    assert _patch(client, f"/candidates/{body['id']}", {"stage": "ready"}, jobhunter).is_success
    assert _patch(client, f"/candidates/{body['id']}", {"coach": "Sara"}, jobhunter).is_success
    with app.state.sessions() as session:
        stages = [c.stage for c in store.stage_changes(session, candidate_id=body["id"])]
    assert stages == ["activation", "ready"]  # once per change of stage, not per write


def test_concurrent_patches_of_one_person_lose_no_change(
    client: TestClient, jobhunter: dict[str, str]
) -> None:
    body = _person(client, jobhunter, languages={"uk": "native"})
    codes = ["nl", "en", "fr", "de", "ru", "ar", "tr", "pl"]

    def add(code: str) -> int:
        patch = {"languages": {code: "A1"}}
        return int(_patch(client, f"/candidates/{body['id']}", patch, jobhunter).status_code)

    with ThreadPoolExecutor(max_workers=len(codes)) as pool:
        assert set(pool.map(add, codes)) == {200}
    got = client.get(f"/candidates/{body['id']}", headers=jobhunter).json()
    assert got["languages"] == {"uk": "native", **dict.fromkeys(codes, "A1")}


def test_employers_may_not_patch_people(client: TestClient, keys: dict[str, str]) -> None:
    body = _person(client, as_role(keys, "jobhunter"))
    refused = _patch(client, f"/candidates/{body['id']}", {"coach": "X"}, as_role(keys, "employer"))
    assert refused.status_code == 403


# ---------------------------------------------------------------- vacancies


def _vacancy(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = vacancy_body(**fields)
    made = client.post("/vacancies", json=body, headers=headers)
    assert made.status_code == 201, made.text
    return body


def _catalog_version(client: TestClient) -> int:
    version: int = client.get("/health").json()["catalog_version"]
    return version


def test_an_employer_patches_its_own_vacancy_and_the_catalog_moves_on(
    client: TestClient, keys: dict[str, str]
) -> None:
    employer = as_role(keys, "employer")
    body = _vacancy(client, employer, employer=EMPLOYER, positions=1)
    before = _catalog_version(client)
    changed = _patch(client, f"/vacancies/{body['id']}", {"positions": 3}, employer)
    assert changed.status_code == 200, changed.text
    assert changed.json() == {**body, "positions": 3}
    assert client.get(f"/vacancies/{body['id']}", headers=employer).json()["positions"] == 3
    assert _catalog_version(client) == before + 1  # as a PUT moves it: engines refit


def test_a_closed_patch_takes_the_vacancy_out_of_shortlists(
    client: TestClient, keys: dict[str, str]
) -> None:
    coordinator = as_role(keys, "coordinator")
    person = _person(client, coordinator, skills=["heftruck rijden"])
    body = _vacancy(client, coordinator, skills_required=["heftruck rijden"])
    path = f"/candidates/{person['id']}/shortlist?top=100&include_blocked=true"

    def listed() -> list[str]:
        return [r["vacancy_id"] for r in client.get(path, headers=coordinator).json()["results"]]

    assert body["id"] in listed()
    assert _patch(client, f"/vacancies/{body['id']}", {"status": "closed"}, coordinator).is_success
    assert body["id"] not in listed()


def test_another_employers_vacancy_is_404_to_a_patch_as_a_missing_one(
    client: TestClient, keys: dict[str, str]
) -> None:
    theirs = _vacancy(client, as_role(keys, "other_employer"), employer=OTHER_EMPLOYER)
    employer = as_role(keys, "employer")
    refused = _patch(client, f"/vacancies/{theirs['id']}", {"positions": 9}, employer)
    missing = _patch(client, "/vacancies/v-nothing-here", {"positions": 9}, employer)
    assert refused.status_code == missing.status_code == 404
    assert refused.json()["detail"] == f"no vacancy with id '{theirs['id']}'"
    got = client.get(f"/vacancies/{theirs['id']}", headers=as_role(keys, "coordinator")).json()
    assert got == theirs


def test_an_employer_may_not_patch_its_vacancy_over_to_another_employer(
    client: TestClient, keys: dict[str, str]
) -> None:
    employer = as_role(keys, "employer")
    body = _vacancy(client, employer, employer=EMPLOYER)
    refused = _patch(client, f"/vacancies/{body['id']}", {"employer": OTHER_EMPLOYER}, employer)
    assert refused.status_code == 403 and "body.employer" in refused.json()["detail"]
    assert client.get(f"/vacancies/{body['id']}", headers=employer).json() == body


def test_a_vacancy_patch_valid_alone_but_not_merged_is_422_and_stores_nothing(
    client: TestClient, keys: dict[str, str]
) -> None:
    coordinator = as_role(keys, "coordinator")
    body = _vacancy(client, coordinator, language=dutch_required("B1"))
    before = _catalog_version(client)
    # Dutch no longer required needs a contact language and level, which the stored one lacks.
    refused = _patch(client, f"/vacancies/{body['id']}", {"language": {"dutch": None}}, coordinator)
    assert refused.status_code == 422, refused.text
    assert refused.json()["detail"][0]["loc"] == ["body", "language"]
    assert "contact_level" in refused.json()["detail"][0]["msg"]
    assert client.get(f"/vacancies/{body['id']}", headers=coordinator).json() == body
    assert _catalog_version(client) == before
    light = {"language": {"dutch": None, "contact_languages": ["uk"], "contact_level": "A2"}}
    accepted = _patch(client, f"/vacancies/{body['id']}", light, coordinator)
    assert accepted.status_code == 200 and accepted.json()["language"] == light["language"]
    page = client.get(
        f"/vacancies?language_light=true&title={body['title']}&limit=500", headers=coordinator
    ).json()
    assert body["id"] in [v["id"] for v in page["data"]]  # the filter columns were rewritten


def test_a_vacancy_patch_naming_another_id_is_422(client: TestClient, keys: dict[str, str]) -> None:
    coordinator = as_role(keys, "coordinator")
    body = _vacancy(client, coordinator)
    refused = _patch(
        client, f"/vacancies/{body['id']}", {"id": f"v-{secrets.token_hex(3)}"}, coordinator
    )
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "id"]
