"""Many writers and readers at once through a live uvicorn: no write is lost, and no reader
ever sees a half-written vacancy."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from support import LiveServer, candidate_body, make_key, settings_for, vacancy_body

from service.app import create_app

WRITERS, VACANCIES_EACH, READERS = 6, 6, 6
DEADLINE_S = 90
EMPLOYER = "Gelijktijdig BV"
HOME = {"lat": 50.93, "lon": 5.33}


def version(n: int, status: str) -> dict[str, Any]:
    """The n-th state of a vacancy: title, positions and hours always agree with each other."""
    return {
        "title": f"Concurrent {n}",
        "positions": n,
        "hours_per_week": 10 + n,
        "status": status,
    }


def coherent(vacancy: dict[str, Any]) -> bool:
    n = vacancy["positions"]
    return bool(vacancy["title"] == f"Concurrent {n}" and vacancy["hours_per_week"] == 10 + n)


@pytest.fixture(scope="module")
def live(database_url: str) -> Iterator[tuple[LiveServer, FastAPI]]:
    app = create_app(settings_for(database_url))
    with LiveServer(app) as server:
        yield server, app


def test_concurrent_writers_and_readers(live: tuple[LiveServer, FastAPI]) -> None:
    server, app = live
    headers = {"X-API-Key": make_key(app, "coordinator")}
    near = {"location": {"lat": HOME["lat"], "lon": HOME["lon"] + 0.002}, "employer": EMPLOYER}
    person = candidate_body(home=HOME, transport=[], max_commute_minutes=10)
    done = threading.Event()
    problems: list[str] = []
    reads = [0]

    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as setup:
        assert setup.post("/candidates", json=person).status_code == 201
        catalog_before = setup.get("/health").json()["catalog_version"]

    def write(w: int) -> list[dict[str, Any]]:
        """Create vacancies, then move each through versions, the last one open or closed."""
        final = []
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as http:
            for i in range(VACANCIES_EACH):
                body = vacancy_body(id=f"v-w{w}-{i}", **near, **version(1, "open"))
                response = http.post("/vacancies", json=body)
                assert response.status_code == 201, response.text
                for n in (2, 3):
                    body = {**body, **version(n, "closed" if (i + n) % 2 else "open")}
                    response = http.put(f"/vacancies/{body['id']}", json=body)
                    assert response.status_code == 200, response.text
                final.append(body)
                person_w = candidate_body(id=f"c-w{w}-{i}", home=HOME)
                assert http.post("/candidates", json=person_w).status_code == 201
        return final

    def read() -> None:
        with httpx.Client(base_url=server.url, headers=headers, timeout=60) as http:
            while not done.is_set():
                for path in (
                    f"/vacancies?employer={EMPLOYER}&limit=500",
                    f"/vacancies?employer={EMPLOYER}&status=closed&limit=500",
                    f"/candidates/{person['id']}/shortlist?top=100&include_blocked=true",
                ):
                    response = http.get(path)
                    reads[0] += 1
                    if response.status_code != 200:
                        problems.append(f"{path}: {response.status_code} {response.text[:200]}")
                        continue
                    body = response.json()
                    for vacancy in body.get("data", []):
                        if not coherent(vacancy):
                            problems.append(f"half-written: {vacancy}")
                        if "status=closed" in path and vacancy["status"] != "closed":
                            problems.append(f"status column and data disagree: {vacancy}")
                    for match in body.get("results", []):
                        if match["employer"] == EMPLOYER and not match["title"].startswith(
                            "Concurrent "
                        ):
                            problems.append(f"odd shortlist line: {match['title']}")

    started = time.monotonic()
    with ThreadPoolExecutor(WRITERS + READERS) as pool:
        readers = [pool.submit(read) for _ in range(READERS)]
        writers = [pool.submit(write, w) for w in range(WRITERS)]
        try:
            finals = [f.result(timeout=DEADLINE_S) for f in writers]
        finally:
            done.set()
            for r in readers:
                r.result(timeout=DEADLINE_S)
    assert time.monotonic() - started < DEADLINE_S
    assert not problems, problems[:5]
    assert reads[0] > READERS

    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as check:
        stored = check.get(f"/vacancies?employer={EMPLOYER}&limit=500").json()
        expected = {v["id"]: v for batch in finals for v in batch}
        assert stored["count"] == WRITERS * VACANCIES_EACH
        assert {v["id"]: v for v in stored["data"]} == expected  # every last write, as written
        writes = WRITERS * VACANCIES_EACH * 3
        assert check.get("/health").json()["catalog_version"] == catalog_before + writes
        people = check.get("/candidates?limit=500&offset=0").json()["data"]
        ids = {c["id"] for c in people} | {
            c["id"] for c in check.get("/candidates?limit=500&offset=500").json()["data"]
        }
        assert {f"c-w{w}-{i}" for w in range(WRITERS) for i in range(VACANCIES_EACH)} <= ids
        # the next shortlist sees exactly the open ones among them
        shortlist = check.get(f"/candidates/{person['id']}/shortlist?top=100&include_blocked=true")
        listed = {m["vacancy_id"] for m in shortlist.json()["results"]} & set(expected)
        assert listed == {i for i, v in expected.items() if v["status"] == "open"}
