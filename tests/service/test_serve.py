"""`matcher serve` on an empty SQLite folder: fixtures loaded, instructions printed, and the
printed commands work (a key from `matcher keys create`, then the shortlist; signing in with the
first account, made on first start)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from support import free_port

from service.workers import SPREADS_CONNECTIONS


@pytest.mark.slow
def test_serve_prints_commands_that_work(tmp_path: Path) -> None:
    port = free_port()
    server = _serve(tmp_path, port)
    try:
        assert server.stdout is not None
        printed: list[str] = []
        deadline = time.monotonic() + 60
        while not any("curl" in line for line in printed):
            assert time.monotonic() < deadline and server.poll() is None, printed
            printed.append(server.stdout.readline())
        text = "".join(printed)
        assert "400 candidates, 1500 vacancies" in text
        assert f"http://127.0.0.1:{port}/docs" in text
        assert "keys create --role jobhunter" in text

        made = subprocess.run(
            [sys.executable, "-m", "matcher.cli", "keys", "create", "--role", "jobhunter"],
            env=_env(tmp_path),
            capture_output=True,
            text=True,
            check=True,
        )
        key = made.stdout.strip().splitlines()[-1]
        url = re.search(r"'(http://\S+/shortlist\S*)'", text)
        assert url is not None, text
        for _ in range(100):  # uvicorn binds the port just after the lifespan has started
            try:
                response = httpx.get(url.group(1), headers={"X-API-Key": key})
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        assert response.status_code == 200
        assert len(response.json()["results"]) == 3
        assert httpx.get(f"http://127.0.0.1:{port}/docs").status_code == 200

        # The first start made a coordinator account and printed how to sign in with it.
        sign_in = re.search(
            r"Sign in at (http://\S+/sign-in)\n  as (\S+) with the password (\S+)", text
        )
        assert sign_in is not None, text
        form, email, password = sign_in.groups()
        assert email == "coordinator@localhost"
        with httpx.Client() as browser:
            signed = browser.post(form, data={"email": email, "password": password})
            assert signed.status_code == 303 and signed.headers["location"] == "/"
            home = browser.get(f"http://127.0.0.1:{port}/")
            assert home.status_code == 200 and "Your role: coordinator" in home.text
    finally:
        server.terminate()
        server.communicate(timeout=30)  # waits, and closes the pipe


def _env(tmp_path: Path) -> dict[str, str]:
    """This test's data folder, and none of the caller's MATCHER_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHER_")}
    return {**env, "MATCHER_DATA_DIR": str(tmp_path / "var")}


def _serve(tmp_path: Path, port: int, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "matcher.cli", "serve", "--port", str(port), *extra],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for_health(url: str, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while True:
        assert server.poll() is None and time.monotonic() < deadline, "the service did not start"
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)


def _listening(worker: Any, port: int, psutil: Any) -> bool:
    return any(
        c.status == psutil.CONN_LISTEN and c.laddr.port == port
        for c in worker.net_connections(kind="tcp")
    )


def _wait_until_listening(workers: list[Any], port: int, psutil: Any) -> None:
    """Every worker has its socket listening (a worker still fitting gets no connections)."""
    deadline = time.monotonic() + 120
    while not all(_listening(worker, port, psutil) for worker in workers):
        assert time.monotonic() < deadline, "a worker did not start listening"
        time.sleep(0.2)


def _workers(server: subprocess.Popen[str], psutil: Any) -> list[Any]:
    """The live worker processes (not the resource tracker, not one dead and not yet reaped)."""
    found = []
    for child in psutil.Process(server.pid).children():
        try:
            if "spawn_main" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            pass
    return found


def _gone(process: Any, psutil: Any) -> bool:
    try:
        return not process.is_running() or process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@dataclass
class TwoWorkers:
    server: subprocess.Popen[str]
    port: int
    psutil: Any
    started: list[Any]
    """The two workers, both listening."""


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[TwoWorkers]:
    """`matcher serve --workers 2`, once both workers listen; whatever is left is killed after."""
    if not SPREADS_CONNECTIONS:
        pytest.skip("this system has no SO_REUSEPORT")
    psutil = pytest.importorskip("psutil")
    port = free_port()
    server = _serve(tmp_path, port, "--workers", "2")
    seen: list[Any] = []
    try:
        _wait_for_health(f"http://127.0.0.1:{port}", server)
        started = _workers(server, psutil)
        seen += started
        assert len(started) == 2
        _wait_until_listening(started, port, psutil)
        yield TwoWorkers(server, port, psutil, started)
    finally:
        if server.poll() is None:
            seen += _workers(server, psutil)
            server.kill()
            server.communicate(timeout=30)
        for worker in seen:
            if not _gone(worker, psutil):
                worker.kill()


@pytest.mark.slow
def test_workers_share_a_burst_of_keep_alive_connections_and_stop_cleanly(
    two_workers: TwoWorkers,
) -> None:
    server, port, psutil, workers = (
        two_workers.server,
        two_workers.port,
        two_workers.psutil,
        two_workers.started,
    )
    connections = [socket.create_connection(("127.0.0.1", port)) for _ in range(32)]
    for connection in connections:  # answered, so accepted by some worker
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert connection.recv(4096).startswith(b"HTTP/1.1 200")
    held = [
        sum(
            1
            for c in worker.net_connections(kind="tcp")
            if c.status == psutil.CONN_ESTABLISHED and c.laddr.port == port
        )
        for worker in workers
    ]
    for connection in connections:
        connection.close()
    # One shared socket gave 30 and 2; spread by the kernel, fewer than 4 of 32 on either
    # worker has a chance of about one in a million.
    assert sum(held) == 32 and min(held) >= 4, held
    server.send_signal(signal.SIGTERM)
    out, _ = server.communicate(timeout=60)
    assert server.returncode == 0, out
    assert "Then ask for a shortlist" in out  # printed once both workers were ready
    assert all(_gone(w, psutil) for w in workers)


@pytest.mark.slow
def test_a_worker_that_dies_is_replaced_and_none_outlives_a_killed_parent(
    two_workers: TwoWorkers,
) -> None:
    server, port, psutil, first = (
        two_workers.server,
        two_workers.port,
        two_workers.psutil,
        two_workers.started,
    )
    first[0].kill()
    deadline = time.monotonic() + 120
    while True:
        now = _workers(server, psutil)
        if len(now) == 2 and first[0] not in now and _listening(now[-1], port, psutil):
            break
        assert time.monotonic() < deadline and server.poll() is None, "no replacement"
        time.sleep(0.2)
    assert httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200
    server.kill()  # as the OOM killer would: no chance to stop the workers
    server.communicate(timeout=30)
    deadline = time.monotonic() + 15
    while not all(_gone(w, psutil) for w in now):
        assert time.monotonic() < deadline, "a worker outlived its parent"
        time.sleep(0.2)


@pytest.mark.slow
@pytest.mark.skipif(not SPREADS_CONNECTIONS, reason="this system has no SO_REUSEPORT")
@pytest.mark.parametrize("shared", [False, True], ids=["plain socket", "another service's"])
def test_workers_on_a_port_taken_stop_with_a_message(tmp_path: Path, shared: bool) -> None:
    """Another service's SO_REUSEPORT socket would accept our workers' sockets beside it and
    share the traffic: that too is refused."""
    with socket.socket() as taken:
        taken.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, int(shared))
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = _serve(tmp_path, port, "--workers", "2")
        out, _ = server.communicate(timeout=120)
    assert server.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in out


@pytest.mark.slow
@pytest.mark.skipif(not SPREADS_CONNECTIONS, reason="this system has no SO_REUSEPORT")
def test_workers_refuse_oversized_headers_and_log_routes_not_ids(tmp_path: Path) -> None:
    """Each worker process has the limits and the access log of `matcher serve` itself."""
    port = free_port()
    server = _serve(tmp_path, port, "--workers", "2", "--access-log")
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(url, server)
        for _ in range(8):  # new connections, spread over both workers
            big = httpx.get(f"{url}/health", headers={"X-Big": "b" * 64 * 1024})
            assert big.status_code == 431
            asked = httpx.get(f"{url}/candidates/c-nobody-7f3a/shortlist?top=9")
            assert asked.status_code == 401
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=60)
    assert "c-nobody-7f3a" not in out and "top=9" not in out
    assert out.count("GET /candidates/{candidate_id}/shortlist 401 ") == 8, out
    assert out.count("(refused: header line too long") == 8, out
