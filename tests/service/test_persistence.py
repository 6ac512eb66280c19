"""Restarting loses nothing; the schema is Alembic's; the fixtures load once, into an empty DB."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from support import Databases, candidate_body, make_key, settings_for, vacancy_body

from service.app import create_app
from service.db import create_db_engine
from service.tables import Base


def test_everything_written_survives_a_restart(databases: Databases) -> None:
    url = databases.new()
    first = create_app(settings_for(url, load_fixtures=False))
    person, job = candidate_body(), vacancy_body()
    weights = {"skills": 2.0, "language": 1.0, "commute": 1.0, "childcare": 1.0}
    with TestClient(first) as client:
        key = {"X-API-Key": make_key(first, "coordinator")}
        assert client.get("/health").json()["candidates"] == 0
        assert client.post("/candidates", json=person, headers=key).status_code == 201
        assert client.post("/vacancies", json=job, headers=key).status_code == 201
        assert client.put("/weights", json={"weights": weights}, headers=key).status_code == 200
    # the lifespan has ended: the first app's database engine is disposed

    second = create_app(settings_for(url, load_fixtures=False))
    with TestClient(second) as client:
        assert client.get(f"/candidates/{person['id']}", headers=key).json() == person
        assert client.get(f"/vacancies/{job['id']}", headers=key).json() == job
        current = client.get("/weights", headers=key).json()
        assert current["version"] == 2 and current["weights"] == weights
        shortlist = client.get(f"/candidates/{person['id']}/shortlist", headers=key).json()
        assert shortlist["weights_version"] == 2
        assert [r["vacancy_id"] for r in shortlist["results"]] in ([job["id"]], [])


def test_fixtures_load_on_first_start_only(databases: Databases) -> None:
    url = databases.new()
    with TestClient(create_app(settings_for(url))) as client:
        health = client.get("/health").json()
        assert (health["candidates"], health["vacancies"]) == (400, 1500)
        app = client.app
        key = {"X-API-Key": make_key(app, "jobhunter")}  # type: ignore[arg-type]
        assert client.delete("/candidates/c-0001", headers=key).status_code == 204
    with TestClient(create_app(settings_for(url))) as client:
        assert client.get("/health").json()["candidates"] == 399  # not loaded again


def test_a_process_starting_leaves_the_catalog_version_alone(databases: Databases) -> None:
    """Otherwise every worker (re)starting would make the running ones refit their engines."""
    url = databases.new()
    with TestClient(create_app(settings_for(url))) as client:
        loaded = client.get("/health").json()["catalog_version"]
    with TestClient(create_app(settings_for(url))) as client:
        assert client.get("/health").json()["catalog_version"] == loaded


def test_the_migrations_build_the_tables_the_code_uses(databases: Databases) -> None:
    url = databases.new()
    with TestClient(create_app(settings_for(url, load_fixtures=False))):
        pass
    engine = create_db_engine(url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []
