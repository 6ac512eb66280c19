"""The heavy endpoints at scale: `POST /plans {}` and `/stats/barriers` over 100,000 open
vacancies and the fixtures' people, through a live `matcher serve` (SQLite) on loopback, with
the server's time, peak RSS and RSS before and after."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import insert

from benchmarks.engine import scaled_vacancies
from benchmarks.service import _env, _free_port
from service import store
from service.app import prepare_database
from service.db import create_db_engine, session_factory
from service.settings import Settings
from service.tables import VacancyRow

VACANCIES = 100_000
MB = 1 << 20


def _fill(data_dir: Path) -> None:
    """The fixtures, and VACANCIES generated vacancies written straight into the database (one
    POST each would take minutes)."""
    settings = Settings(data_dir=data_dir)
    db = create_db_engine(settings.url)
    try:
        prepare_database(db, settings)
        with session_factory(db).begin() as session:
            revision = store._bump_catalog(session)
            made = scaled_vacancies(VACANCIES)
            for first in range(0, len(made), 5000):
                chunk = made[first : first + 5000]
                values = [store._vacancy_values(v, revision) for v in chunk]
                session.execute(
                    insert(VacancyRow),
                    [
                        {"id": v.id, "created_at": row["updated_at"], **row}
                        for v, row in zip(chunk, values, strict=True)
                    ],
                )
    finally:
        db.dispose()


def _coordinator_key(data_dir: Path) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "matcher.cli", "keys", "create", "--role", "coordinator"],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


@contextmanager
def _server(data_dir: Path) -> Iterator[tuple[str, int]]:
    """`matcher serve` (one process) in a subprocess: its URL and pid once /health answers."""
    port = _free_port()
    command = [sys.executable, "-m", "matcher.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(
        command, env=_env(data_dir), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the service did not start")
            time.sleep(0.2)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def _status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} for {pid}")


def _measure(
    rows: list[tuple[str, str]],
    pid: int,
    label: str,
    send: httpx.Client,
    method: str,
    path: str,
    body: dict[str, object] | None = None,
) -> httpx.Response:
    before = _status(pid, "VmRSS")
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # restart the peak (VmHWM) from now
    t0 = time.perf_counter()
    if body is None and method == "POST":
        body = {}
    response = send.request(method, path, json=body)
    seconds = time.perf_counter() - t0
    peak = _status(pid, "VmHWM")
    time.sleep(1.0)
    after = _status(pid, "VmRSS")
    rows.append(
        (
            f"  {label}",
            f"{response.status_code}  {seconds:6.2f} s  peak RSS {peak / MB:5.0f} MB"
            f" (+{(peak - before) / MB:.0f})  RSS {before / MB:.0f} -> {after / MB:.0f} MB",
        )
    )
    return response


def run(rows: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        t0 = time.perf_counter()
        _fill(data_dir)
        key = _coordinator_key(data_dir)
        with _server(data_dir) as (url, pid):
            started = time.perf_counter() - t0
            timeout = httpx.Timeout(600.0)
            with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=timeout) as send:
                ready = send.get("/candidates?stage=ready&limit=1").json()["count"]
                rows.append(
                    (
                        f"live server, SQLite, {VACANCIES:,} generated vacancies + fixtures, "
                        f"{ready} ready people",
                        f"filled and started in {started:.0f} s",
                    )
                )
                start_rss = _status(pid, "VmRSS")
                rows.append(("  RSS after start (fitted)", f"{start_rss / MB:.0f} MB"))
                plan = _measure(rows, pid, "POST /plans {}", send, "POST", "/plans")
                allowed = re.search(r"at most (\d+) people", plan.text)
                if plan.status_code == 422 and allowed:
                    rows.append(("    422 says", plan.json()["detail"][0]["msg"]))
                    n = allowed.group(1)
                    people = send.get(f"/candidates?stage=ready&limit={n}").json()["data"]
                    body = {"candidate_ids": [c["id"] for c in people]}
                    label = f"POST /plans for {n} people"
                    _measure(rows, pid, label, send, "POST", "/plans", body)
                refused = _measure(rows, pid, "GET /stats/barriers", send, "GET", "/stats/barriers")
                found = re.search(r"\?sample=(\d+)", refused.text)
                if refused.status_code == 422:
                    rows.append(("    422 says", refused.json()["detail"][0]["msg"]))
                if refused.status_code == 422 and found:
                    sample = found.group(1)
                    path = f"/stats/barriers?sample={sample}"
                    _measure(rows, pid, f"GET {path}", send, "GET", path)
                end_rss = _status(pid, "VmRSS")
                rows.append(
                    (
                        "  RSS after the load / after start",
                        f"{end_rss / MB:.0f} / {start_rss / MB:.0f} MB"
                        f" ({end_rss / start_rss - 1:+.0%})",
                    )
                )
