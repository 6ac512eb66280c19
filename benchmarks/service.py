"""Shortlists over HTTP: a uvicorn subprocess on loopback (SQLite, fixtures), keep-alive clients."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from benchmarks.engine import scaled_vacancies
from matcher import Vacancy
from matcher.fixtures import load_candidates

PUT_EVERY = 0.2
"""Seconds between the vacancy PUTs of the rows with writes."""

SECONDS = 8.0  # per measurement, or MAX_REQUESTS per client, whichever comes first
MAX_REQUESTS = 4000
WRK = None if os.environ.get("MATCHER_BENCH_CLIENT") == "asyncio" else shutil.which("wrk")
"""wrk (C, `apt install wrk`) is used when installed: it takes a fraction of the CPU the asyncio
client does, CPU the server shares on a small machine. MATCHER_BENCH_CLIENT=asyncio forces the
Python client."""

Result = tuple[float, float, float, int]
"""Requests per second, p50 and p99 latency in ms, and requests sent."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHER_")}
    return {**env, "MATCHER_DATA_DIR": str(data_dir), **extra}


@contextmanager
def _serve(
    data_dir: Path, workers: int = 1, *, start_seconds: float = 120, **settings: str
) -> Iterator[tuple[str, int]]:
    """`matcher serve` in a subprocess; yields its base URL and pid once /health answers."""
    port = _free_port()
    command = [sys.executable, "-m", "matcher.cli", "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    process = subprocess.Popen(
        command,
        env=_env(data_dir, **settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_seconds
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the service did not start")
            time.sleep(0.1)
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def _server(data_dir: Path, workers: int = 1, **settings: str) -> Iterator[str]:
    """`_serve`, for the rows that need only the URL."""
    with _serve(data_dir, workers, **settings) as (url, _):
        yield url


def _key(data_dir: Path, role: str = "jobhunter") -> str:
    out = subprocess.run(
        [sys.executable, "-m", "matcher.cli", "keys", "create", "--role", role],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


def _load(url: str, key: str, paths: list[str], clients: int, seconds: float = SECONDS) -> Result:
    """`clients` keep-alive connections, each sending requests back to back."""
    if WRK is not None:
        return _load_wrk(url, key, paths, clients, seconds)
    rate, latencies = asyncio.run(_load_async(url, key, paths, clients, seconds))
    cuts = statistics.quantiles(latencies, n=100)
    return rate, cuts[49], cuts[98], len(latencies)


_WRK_SCRIPT = """
local paths, n = {}, 0
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
request = function()
  n = n + 1
  local headers = {[os.getenv("BENCH_HEADER")] = os.getenv("BENCH_KEY")}
  return wrk.format("GET", paths[(n % #paths) + 1], headers)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %f %f %f %d %d\\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(tonumber(os.getenv("BENCH_TAIL"))) / 1000,
    summary.requests,
    e.status + e.connect + e.read + e.write + e.timeout))
end
"""


def _load_wrk(
    url: str,
    key: str,
    paths: list[str],
    clients: int,
    seconds: float,
    *,
    header: str = "X-API-Key",
    tail: int = 99,
) -> Result:
    """wrk's rate, p50 and p`tail` latency, each request carrying `header: key` (an API key, or
    a signed-in browser's Cookie)."""
    with tempfile.TemporaryDirectory() as tmp:
        script, listing = Path(tmp) / "paths.lua", Path(tmp) / "paths.txt"
        script.write_text(_WRK_SCRIPT)
        listing.write_text("\n".join(paths) + "\n")
        assert WRK is not None
        out = subprocess.run(
            [
                WRK,
                "-t1",
                f"-c{clients}",
                f"-d{seconds:.0f}s",
                "--timeout",
                "30s",
                "-s",
                str(script),
                url,
            ],
            env={
                **os.environ,
                "BENCH_PATHS": str(listing),
                "BENCH_KEY": key,
                "BENCH_HEADER": header,
                "BENCH_TAIL": str(tail),
            },
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    found = re.search(r"RESULT (\S+) (\S+) (\S+) (\d+) (\d+)", out)
    if found is None:
        raise RuntimeError(f"wrk printed no result: {out}")
    rate, p50, p99, sent, failed = found.groups()
    if int(failed):
        raise RuntimeError(f"{failed} failed requests")
    return float(rate), float(p50), float(p99), int(sent)


async def _load_async(
    url: str, key: str, paths: list[str], clients: int, seconds: float
) -> tuple[float, list[float]]:
    host, port = url.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors: list[str] = []
    connections = [await asyncio.open_connection(host, int(port)) for _ in range(clients)]

    async def get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> None:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nX-API-Key: {key}\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        await reader.readexactly(length)
        if not head.startswith(b"HTTP/1.1 200"):
            errors.append(head.split(b"\r\n")[0].decode())

    async def client(n: int, stop_at: float) -> None:
        reader, writer = connections[n]
        i, sent = n * 37, 0  # each client walks the paths from another place
        while time.perf_counter() < stop_at and sent < MAX_REQUESTS:
            t0 = time.perf_counter()
            await get(reader, writer, paths[i % len(paths)])
            latencies.append((time.perf_counter() - t0) * 1000)
            i, sent = i + 1, sent + 1

    t0 = time.perf_counter()
    await asyncio.gather(*(client(n, t0 + seconds) for n in range(clients)))
    elapsed = time.perf_counter() - t0
    for _, writer in connections:
        writer.close()
    if errors:
        raise RuntimeError(f"{len(errors)} failed requests, e.g. {errors[0]}")
    return len(latencies) / elapsed, latencies


def _row(rows: list[tuple[str, str]], label: str, result: Result) -> None:
    rate, p50, p99, sent = result
    rows.append(
        (label, f"{rate:6.0f} req/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   ({sent} requests)")
    )


@contextmanager
def _vacancy_writes(url: str, key: str, every: float = PUT_EVERY) -> Iterator[list[float]]:
    """An employer's edit every `every` seconds while the block runs: a fixture vacancy's hours
    one up, then back, one vacancy after another. Yields the PUTs' latencies (ms) as they come."""
    latencies: list[float] = []
    stop = threading.Event()
    failed: list[str] = []

    def write() -> None:
        with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=60) as client:
            n, due = 0, time.monotonic()
            while not stop.is_set():
                ident = f"v-{(n // 2) % 199 + 1:04d}"
                body = client.get(f"/vacancies/{ident}").json()
                body["hours_per_week"] += 1 if n % 2 == 0 else -1
                t0 = time.perf_counter()
                response = client.put(f"/vacancies/{ident}", json=body)
                latencies.append((time.perf_counter() - t0) * 1000)
                if response.status_code != 200:
                    failed.append(f"{response.status_code} {response.text[:200]}")
                    return
                n, due = n + 1, due + every
                stop.wait(max(0.0, due - time.monotonic()))

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    try:
        yield latencies
    finally:
        stop.set()
        thread.join(timeout=60)
    if failed:
        raise RuntimeError(f"a vacancy PUT failed: {failed[0]}")


def paired_write_rounds(
    url: str, key: str, paths: list[str], rounds: int
) -> Iterator[tuple[Result, Result, list[float]]]:
    """Per round, the 32-client rows without and with a vacancy PUT every 200 ms (and the PUTs'
    latencies), one after the other on one server, which goes first alternating from round to
    round: on a shared machine that grows slower or faster during a run, the two rows of a
    round are then alike in what the machine gives them, and the ratio of their p99s is what
    the writes cost."""
    for n in range(rounds):
        quiet = _load(url, key, paths, 32) if n % 2 == 0 else None
        with _vacancy_writes(url, key) as puts:
            loaded = _load(url, key, paths, 32)
        if quiet is None:
            time.sleep(1)  # the passes after the last PUT are over before the quiet row starts
            quiet = _load(url, key, paths, 32)
        yield quiet, loaded, puts


def _writes(latencies: list[float]) -> str:
    if len(latencies) < 2:
        return f"{len(latencies)} PUTs"
    cuts = statistics.quantiles(latencies, n=100)
    return f"{len(latencies)} PUTs, p50 {cuts[49]:.1f} ms, max {max(latencies):.1f} ms"


def run(rows: list[tuple[str, str]]) -> None:
    candidates = load_candidates()
    people = [c.id for c in candidates]
    ready = sum(c.stage == "ready" for c in candidates)
    shortlists = [f"/candidates/{p}/shortlist?top=10" for p in people]
    vacancy_side = [f"/vacancies/v-{i:04d}/shortlist" for i in range(1, 200)]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        client = "wrk" if WRK else "asyncio"
        rows.append((f"uvicorn subprocess on loopback, SQLite, fixtures; {client} clients", ""))
        rows.append((f"shortlists of all {len(people)} fixture candidates in turn, top 10", ""))
        for workers in (1, 2):
            with _server(data, workers, MATCHER_SHORTLIST_CACHE_SIZE="0") as url:
                key = _key(data)
                for clients in (1, 32):
                    _row(
                        rows,
                        f"{workers} worker(s), no cache, {clients:2d} client(s)",
                        _load(url, key, shortlists, clients),
                    )
                if workers == 1:
                    _row(
                        rows,
                        f"1 worker, vacancy side ({ready} ready people), 1 client",
                        _load(url, key, vacancy_side, 1),
                    )
            with _server(data, workers) as url:
                _load(url, key, shortlists, 16, seconds=4)  # warm every worker's cache
                for clients in (1, 32):
                    _row(
                        rows,
                        f"{workers} worker(s), cache warm, {clients:2d} client(s)",
                        _load(url, key, shortlists, clients),
                    )
                if workers == 2:
                    with _vacancy_writes(url, key) as puts:
                        loaded = _load(url, key, shortlists, 32)
                    _row(
                        rows,
                        "2 worker(s), cache warm, 32 client(s), a vacancy PUT every 200 ms",
                        loaded,
                    )
                    rows.append(("  the PUTs meanwhile", _writes(puts)))
                    ratios = [
                        loaded[2] / quiet[2]
                        for quiet, loaded, _ in paired_write_rounds(url, key, shortlists, 4)
                    ]
                    rows.append(
                        (
                            "  p99 with the PUTs / without, 4 paired rounds",
                            f"median {statistics.median(ratios):.2f} "
                            f"({', '.join(f'{r:.2f}' for r in ratios)})",
                        )
                    )
    _stall_at_scale(rows)


def _add_vacancies(data_dir: Path, vacancies: list[Vacancy]) -> None:
    """Straight into the service's SQLite file, in one transaction at one new catalog version."""
    from sqlalchemy import insert, update

    from service import db, store
    from service.settings import Settings
    from service.tables import ServiceState, VacancyRow, utcnow

    engine = db.create_db_engine(Settings(database_url=None, data_dir=data_dir).url)
    with db.session_factory(engine).begin() as session:
        version = session.execute(
            update(ServiceState)
            .values(catalog_version=ServiceState.catalog_version + 1)
            .returning(ServiceState.catalog_version)
        ).scalar_one()
        now = utcnow()
        rows = [
            {"id": v.id, "created_at": now, **store._vacancy_values(v, version)} for v in vacancies
        ]
        for first in range(0, len(rows), 5000):
            session.execute(insert(VacancyRow), rows[first : first + 5000])
    engine.dispose()


def _stall_at_scale(rows: list[tuple[str, str]], n: int = 100_000, clients: int = 4) -> None:
    """One vacancy PUT while `clients` connections ask for shortlists (no cache) of n + 1,500
    vacancies: how long the shortlists in flight around it took, against those before it."""
    people = [f"/candidates/{c.id}/shortlist?top=10" for c in load_candidates()]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        with _server(data) as url:  # loads the fixtures
            key = _key(data)
        _add_vacancies(data, scaled_vacancies(n))
        with _server(data, 1, MATCHER_SHORTLIST_CACHE_SIZE="0") as url:
            timings: list[tuple[float, float]] = []  # (start, end) of each shortlist
            stop = threading.Event()

            def ask(first: int) -> None:
                with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=120) as c:
                    i = first
                    while not stop.is_set():
                        t0 = time.perf_counter()
                        c.get(people[i % len(people)]).raise_for_status()
                        timings.append((t0, time.perf_counter()))
                        i += 7

            threads = [threading.Thread(target=ask, args=(k * 37,)) for k in range(clients)]
            for thread in threads:
                thread.start()
            time.sleep(4)
            with httpx.Client(base_url=url, headers={"X-API-Key": key}, timeout=120) as c:
                body = c.get("/vacancies/g-000001").json()
                body["hours_per_week"] += 1
                put_start = time.perf_counter()
                c.put("/vacancies/g-000001", json=body).raise_for_status()
                put_end = time.perf_counter()
            time.sleep(4)
            stop.set()
            for thread in threads:
                thread.join()
    before = sorted((b - a) * 1000 for a, b in timings if b < put_start)
    # Every shortlist still running when the PUT returned, or started in the second after it.
    around = [(b - a) * 1000 for a, b in timings if b > put_end and a < put_end + 1.0]
    rows.append((f"{n + 1500:,} vacancies, 1 worker, no cache, {clients} clients", ""))
    rows.append(
        (
            "  shortlists before the PUT: p50 / max",
            f"{statistics.median(before):.0f} / {before[-1]:.0f} ms ({len(before)} requests)",
        )
    )
    rows.append(
        (
            "  shortlists around one vacancy PUT: max",
            f"{max(around):.0f} ms ({len(around)} requests); the PUT "
            f"{(put_end - put_start) * 1000:.0f} ms",
        )
    )
