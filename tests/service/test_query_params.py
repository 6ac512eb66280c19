"""A query parameter a route does not take is 422 naming it: a misspelt or imagined filter must
not silently return everything."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from support import as_role


@pytest.mark.parametrize(
    ("path", "unknown"),
    [
        ("/candidates?town=Wijnegem", "town"),
        ("/candidates?stage=ready&stages=ready", "stages"),
        ("/vacancies?employer=Bakkerij%20Reigerhoek&sort=title", "sort"),
        ("/candidates/c-0002/shortlist?top=3&colour=blue", "colour"),
        ("/vacancies/v-0002/shortlist?stage=ready&stage_=x", "stage_"),
        ("/weights?version=3", "version"),
        ("/health?verbose=1", "verbose"),
    ],
)
def test_an_unknown_query_parameter_is_422_naming_it(
    client: TestClient, keys: dict[str, str], path: str, unknown: str
) -> None:
    response = client.get(path, headers=as_role(keys, "coordinator"))
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", unknown]
    assert f"unknown query parameter '{unknown}'" in error["msg"]


def test_known_parameters_still_work_and_no_key_is_still_401_first(
    client: TestClient, keys: dict[str, str]
) -> None:
    listed = client.get("/candidates?stage=ready&limit=3", headers=as_role(keys, "jobhunter"))
    assert listed.status_code == 200 and len(listed.json()["data"]) == 3
    assert client.get("/candidates?town=Wijnegem").status_code == 401
