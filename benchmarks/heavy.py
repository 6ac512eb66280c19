"""The heavy endpoints at scale: `POST /plans {}` and `/stats/barriers` over 100,000 open
vacancies and the fixtures' people, through a live `matcher serve` (SQLite) on loopback, with
the server's time, peak RSS and RSS before and after."""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

import httpx

from benchmarks.engine import scaled_vacancies
from benchmarks.service import _add_vacancies, _key, _serve
from service.app import prepare_database
from service.db import create_db_engine
from service.settings import Settings

VACANCIES = 100_000
MB = 1 << 20


def _fill(data_dir: Path) -> None:
    """The fixtures, and VACANCIES generated vacancies written straight into the database (one
    POST each would take minutes)."""
    settings = Settings(data_dir=data_dir)
    db = create_db_engine(settings.url)
    try:
        prepare_database(db, settings)
    finally:
        db.dispose()
    _add_vacancies(data_dir, scaled_vacancies(VACANCIES))


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
        key = _key(data_dir, "coordinator")
        with _serve(data_dir, start_seconds=300) as (url, pid):
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
