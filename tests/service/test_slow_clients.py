"""`matcher serve` against clients that send too much or too slowly, or too many at once: each is
answered (431, 408, 503) and let go within its limit, while others are still served. Raw sockets
on loopback, every loop bounded."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from support import free_port

HEADER_TIMEOUT = 2.0
BODY_TIMEOUT = 3.0
MAX_REQUESTS_IN_FLIGHT = 2
MAX_CONNECTIONS = 6
MAX_HEADER_BYTES = 32 * 1024  # the defaults: these tests check them too
MAX_HEADER_LINE_BYTES = 8 * 1024
SLACK = 1.5
"""Seconds past a timeout by which the connection must be closed (the timers are exact; this is
for a loaded machine)."""

pytestmark = pytest.mark.slow


@dataclass
class Served:
    process: subprocess.Popen[str]
    port: int

    def connect(self) -> socket.socket:
        connection = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        return connection


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One `matcher serve` (SQLite, fixtures) with short timeouts and small concurrency limits."""
    folder = tmp_path_factory.mktemp("slow")
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHER_")}
    env |= {
        "MATCHER_DATA_DIR": str(folder / "var"),
        "MATCHER_HEADER_TIMEOUT": str(HEADER_TIMEOUT),
        "MATCHER_BODY_TIMEOUT": str(BODY_TIMEOUT),
        "MATCHER_MAX_REQUESTS_IN_FLIGHT": str(MAX_REQUESTS_IN_FLIGHT),
        "MATCHER_MAX_CONNECTIONS": str(MAX_CONNECTIONS),
    }
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "matcher.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None and time.monotonic() < deadline, "did not start"
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield Served(process, port)
    finally:
        process.kill()
        process.wait(timeout=30)


def _answer(connection: socket.socket, timeout: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and the seconds that took;
    b"" and `timeout` if it was still open then."""
    started = time.monotonic()
    received = b""
    while (left := timeout - (time.monotonic() - started)) > 0:
        connection.settimeout(left)
        try:
            data = connection.recv(65536)
        except TimeoutError:
            break
        except ConnectionResetError:
            return received, time.monotonic() - started
        if not data:
            return received, time.monotonic() - started
        received += data
    return b"", timeout


def _one_answer(connection: socket.socket) -> bytes:
    """One whole answer (head and Content-Length bytes of body) on a connection kept open."""
    connection.settimeout(10)
    received = b""
    for _ in range(100):  # reads; a closed connection or a timeout ends it sooner
        head, _, body = received.partition(b"\r\n\r\n")
        length = re.search(rb"content-length: (\d+)", head.lower())
        if length and len(body) >= int(length.group(1)):
            return received
        data = connection.recv(65536)
        assert data, f"closed after {received!r}"
        received += data
    raise AssertionError(f"no whole answer in {received!r}")


def _status(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0


def _health(served: Served) -> int:
    return httpx.get(f"http://127.0.0.1:{served.port}/health", timeout=10).status_code


def _rss(served: Served) -> int:
    psutil = pytest.importorskip("psutil")
    rss: int = psutil.Process(served.process.pid).memory_info().rss
    return rss


def test_headers_over_the_limit_get_431_and_the_server_does_not_grow(served: Served) -> None:
    """Four clients each start a 32 MB header: each is cut off after little more than the
    limit, the server's memory stays put, and it still answers."""
    before = _rss(served)
    connections = [served.connect() for _ in range(4)]
    for connection in connections:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ")
    chunk = b"a" * 65536
    sent = [0] * len(connections)
    cut = [False] * len(connections)
    for _ in range(32 * 1024 * 1024 // len(chunk)):
        for n, connection in enumerate(connections):
            if cut[n]:
                continue
            try:
                connection.sendall(chunk)
                sent[n] += len(chunk)
            except OSError:  # closed by the server (reset, broken pipe)
                cut[n] = True
        if all(cut):
            break
    grown = _rss(served) - before
    answers = [_answer(connection, 10)[0] for connection in connections]
    for connection in connections:
        connection.close()
    assert all(cut), f"still sending after {sent} bytes"
    # What a loopback socket's buffers hold before the server stops reading, at most.
    assert max(sent) < 16 * 1024 * 1024, sent
    assert grown < 32 * 1024 * 1024, f"the server grew by {grown / 2**20:.0f} MB"
    # The reset may overtake the answer; any answer there is must be 431.
    assert {_status(a) for a in answers if a} <= {431}
    assert any(_status(a) == 431 for a in answers), answers
    assert _health(served) == 200


def test_header_size_limits_count_lines_and_the_total(served: Served) -> None:
    def ask(head: bytes) -> int:
        with served.connect() as connection:
            connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n" + head + b"\r\n")
            return _status(_answer(connection, 10)[0])

    line = MAX_HEADER_LINE_BYTES - 100
    fits = b"".join(b"X-%d: %s\r\n" % (n, b"f" * line) for n in range(3))  # 3 of 8 KB: fine
    assert ask(fits) == 200
    too_long = b"X-Long: %s\r\n" % (b"l" * MAX_HEADER_LINE_BYTES)
    assert ask(too_long) == 431
    many = b"".join(b"X-%d: %s\r\n" % (n, b"m" * 1000) for n in range(MAX_HEADER_BYTES // 1000 + 1))
    assert ask(many) == 431
    with served.connect() as connection:
        path = b"/health?" + b"q" * MAX_HEADER_LINE_BYTES
        connection.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _status(_answer(connection, 10)[0]) == 414


@pytest.mark.parametrize("first", [False, True], ids=["first request", "after a first request"])
def test_headers_sent_a_byte_a_second_are_cut_off_within_the_header_timeout(
    served: Served, first: bool
) -> None:
    with served.connect() as connection:
        if first:  # a keep-alive connection's next request is held to the same deadline
            connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert _status(_one_answer(connection)) == 200
        started = time.monotonic()
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        closed = False
        for _ in range(15):  # 15 s at most
            try:
                connection.sendall(b"X")
            except OSError:
                closed = True
                break
            connection.settimeout(1.0)
            try:
                connection.recv(65536, socket.MSG_PEEK)  # an answer, or the end
            except TimeoutError:
                continue
            except ConnectionResetError:
                pass
            closed = True
            break
        took = time.monotonic() - started
        answer = _answer(connection, 5)[0]
    assert closed, "still open after 15 s"
    assert took < HEADER_TIMEOUT + SLACK, took
    assert not answer or _status(answer) == 408


def test_a_silent_connection_is_closed_within_the_header_timeout(served: Served) -> None:
    with served.connect() as connection:
        answer, took = _answer(connection, HEADER_TIMEOUT + SLACK)
    assert took < HEADER_TIMEOUT + SLACK, "still open"
    assert answer == b""  # nothing asked, nothing answered


def test_a_body_shorter_than_its_content_length_is_cut_off_within_the_body_timeout(
    served: Served,
) -> None:
    with served.connect() as connection:
        connection.sendall(
            b"POST /candidates HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n" + b'{"id": "c-'
        )
        answer, took = _answer(connection, BODY_TIMEOUT + SLACK)
    assert took < BODY_TIMEOUT + SLACK, "still open"
    assert _status(answer) == 408
    assert b"body" in answer
    assert _health(served) == 200


def _hold_a_request(served: Served) -> socket.socket:
    """A request in flight: its headers are in, its body never comes."""
    connection = served.connect()
    connection.sendall(b"POST /vacancies HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
    return connection


def test_beyond_the_requests_in_flight_a_request_gets_503_with_retry_after_at_once(
    served: Served,
) -> None:
    held = [_hold_a_request(served) for _ in range(MAX_REQUESTS_IN_FLIGHT)]
    try:
        time.sleep(0.3)  # their headers are read
        started = time.monotonic()
        refused = httpx.get(f"http://127.0.0.1:{served.port}/health", timeout=10)
        took = time.monotonic() - started
        for connection in held:  # answered while those were still waiting for their bodies
            connection.settimeout(0.01)
            with pytest.raises(TimeoutError):
                connection.recv(1, socket.MSG_PEEK)
    finally:
        for connection in held:
            connection.close()
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "1"
    assert "busy" in refused.json()["detail"]
    assert took < BODY_TIMEOUT
    deadline = time.monotonic() + 10
    while _health(served) != 200:  # the held requests end once their connections are gone
        assert time.monotonic() < deadline, "still refused after the requests ended"
        time.sleep(0.1)


def test_beyond_the_connection_limit_a_request_gets_503_with_retry_after(
    served: Served,
) -> None:
    held = [served.connect() for _ in range(MAX_CONNECTIONS)]
    try:
        time.sleep(0.3)  # accepted
        with served.connect() as connection:
            connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            answer, _ = _answer(connection, 5)
    finally:
        for connection in held:
            connection.close()
    assert _status(answer) == 503
    assert b"retry-after: 1\r\n" in answer.lower()
    deadline = time.monotonic() + 10
    while _health(served) != 200:
        assert time.monotonic() < deadline, "still refused after the connections closed"
        time.sleep(0.1)
