"""The service's fixtures: a real database (a SQLite file, and PostgreSQL when configured), the
app over it through its lifespan, and one API key per role."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from support import EMPLOYER, OTHER_EMPLOYER, PG_ENV, Databases, make_key, settings_for

from service.app import create_app


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Databases]:
    if request.param == "postgres" and not os.environ.get(PG_ENV):
        pytest.skip(f"{PG_ENV} is not set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    made = Databases(request.param, tmp_path_factory.mktemp("db"))
    yield made
    made.drop_all()


@pytest.fixture(scope="module")
def database_url(databases: Databases) -> str:
    return databases.new()


@pytest.fixture(scope="module")
def app(database_url: str) -> Iterator[FastAPI]:
    application = create_app(settings_for(database_url))
    with TestClient(application):  # runs the lifespan: migrations, fixtures, fit
        yield application


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


@pytest.fixture(scope="module")
def keys(app: FastAPI) -> dict[str, str]:
    """A key per role; `employer` is EMPLOYER's, `other_employer` another employer's."""
    made = {role: make_key(app, role) for role in ("admin", "coordinator", "jobhunter")}
    made["employer"] = make_key(app, "employer", EMPLOYER)
    made["other_employer"] = make_key(app, "employer", OTHER_EMPLOYER)
    return made
