"""The command line reads the running service's database: what was created over HTTP a moment
before, with the service's weights, and the same answers as the service's own routes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from support import LiveServer, candidate_body, make_key, settings_for

from matcher import Weights
from service.app import create_app

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def live(database_url: str) -> Iterator[dict[str, Any]]:
    app = create_app(settings_for(database_url))
    with LiveServer(app) as server:
        keys = {role: make_key(app, role) for role in ("coordinator", "jobhunter")}
        yield {
            "url": server.url,
            "jobhunter": {"X-API-Key": keys["jobhunter"]},
            "coordinator": {"X-API-Key": keys["coordinator"]},
        }


@pytest.fixture(scope="module")
def http(live: dict[str, Any]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live["url"], timeout=120) as client:
        yield client


def matcher(
    database_url: str | None, *args: str, cwd: Path = REPO
) -> subprocess.CompletedProcess[str]:
    """`matcher ARGS` as a user runs it: its own process, the service's database URL set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHER_")}
    if database_url is not None:
        env["MATCHER_DATABASE_URL"] = database_url
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "matcher.cli", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        cwd=cwd,
    )


def answer(database_url: str | None, *args: str, cwd: Path = REPO) -> Any:
    run = matcher(database_url, *args, "--json", cwd=cwd)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_cli_shortlist_shows_a_candidate_created_over_http_with_the_services_weights(
    live: dict[str, Any], http: httpx.Client, database_url: str
) -> None:
    before = http.get("/weights", headers=live["jobhunter"]).json()
    put = http.put(
        "/weights",
        headers=live["coordinator"],
        json={
            "weights": {"skills": 0.1, "language": 0.6, "commute": 0.2, "childcare": 0.1},
            "note": "language first",
            "version": before["version"] + 1,
        },
    )
    assert put.status_code == 200, put.text
    made = http.post("/candidates", headers=live["jobhunter"], json=candidate_body())
    assert made.status_code == 201, made.text
    ident = made.json()["id"]

    over_http = http.get(f"/candidates/{ident}/shortlist?top=5", headers=live["jobhunter"])
    on_the_command_line = answer(database_url, "shortlist", ident, "--top", "5")
    assert on_the_command_line["candidate_id"] == ident
    assert on_the_command_line["weights_version"] == before["version"] + 1
    assert on_the_command_line == over_http.json()

    text = matcher(database_url, "shortlist", ident, "--top", "5")
    assert text.returncode == 0, text.stderr
    assert f"(weights v{before['version'] + 1})" in text.stdout
    assert "language 0.6" in text.stdout  # the values in use, not only their version


def test_a_weights_file_still_overrides_the_services_weights(
    live: dict[str, Any], database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "weights.json"
    skills_only = {"skills": 1.0, "language": 0.0, "commute": 0.0, "childcare": 0.0}
    Weights(version=41, weights=skills_only).save(path)
    data = answer(database_url, "shortlist", "c-0002", "--weights", str(path))
    assert data["weights_version"] == 41
    first = data["results"][0]
    assert first["score"] == pytest.approx(first["features"]["skills"]["score"], abs=1e-4)


def test_candidates_barriers_plan_and_stats_answer_as_the_service_does(
    live: dict[str, Any], http: httpx.Client, database_url: str
) -> None:
    jobhunter, coordinator = live["jobhunter"], live["coordinator"]
    vacancy_side = http.get("/vacancies/v-0107/shortlist?top=5", headers=jobhunter).json()
    assert answer(database_url, "candidates", "v-0107", "--top", "5") == vacancy_side

    barriers = http.get("/candidates/c-0002/barriers?top=3", headers=jobhunter).json()
    assert answer(database_url, "barriers", "c-0002", "--top", "3") == barriers

    some = [f"c-{n:04d}" for n in range(1, 41)]
    plan = http.post(
        "/plans", headers=jobhunter, json={"candidate_ids": some, "per_candidate": 2}
    ).json()
    chosen = [arg for ident in some for arg in ("--candidate", ident)]
    assert answer(database_url, "plan", *chosen, "--per-candidate", "2") == plan

    stats = http.get("/stats?on=2026-11-23", headers=coordinator).json()
    assert answer(database_url, "stats", "--on", "2026-11-23") == stats
    assert stats["placements"]["placed"] > 0  # the history is in it, not an empty programme


def test_unknown_ids_say_what_exists(live: dict[str, Any], database_url: str) -> None:
    for args, says in (
        (["shortlist", "c-9999"], ["no candidate with id 'c-9999'", "c-0001", "close: c-"]),
        (["barriers", "c-9999"], ["no candidate with id 'c-9999'"]),
        (["candidates", "v-01070"], ["no vacancy with id 'v-01070'", "close: v-1070"]),
        (["plan", "--candidate", "c-nobody"], ["no candidate with id 'c-nobody'"]),
        (["plan", "--per-candidate", "0"], ["--per-candidate"]),
    ):
        run = matcher(database_url, *args)
        assert run.returncode != 0
        for text in says:
            assert text in run.stderr, run.stderr
        assert "Traceback" not in run.stderr
