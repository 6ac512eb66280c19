"""Several processes serving one port, each with a listening socket of its own (SO_REUSEPORT).

uvicorn's own `--workers` shares one socket, and the first process to wake accepts every
connection waiting: a burst of keep-alive clients then lands on one process (measured: 30 of
32 connections on one of two workers, and half the requests per second). With a socket each,
the kernel spreads new connections over the processes by their addresses.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import sys
from collections.abc import Callable
from multiprocessing.connection import wait
from multiprocessing.synchronize import Event
from types import FrameType

logger = logging.getLogger("service")

SPREADS_CONNECTIONS = hasattr(socket, "SO_REUSEPORT")
"""False on systems without SO_REUSEPORT (Windows), where uvicorn's own workers are used."""


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to host:port that other processes of this user may bind as well."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _worker(host: str, port: int, access_log: bool, ready: Event) -> None:
    import uvicorn

    from service.app import create_app

    try:
        sock = listening_socket(host, port)
    except OSError as error:
        print(f"error: cannot listen on {host}:{port}: {error.strerror}", file=sys.stderr)
        sys.exit(3)
    app = create_app(on_ready=lambda _: ready.set())
    try:
        uvicorn.Server(uvicorn.Config(app, access_log=access_log)).run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # Ctrl+C reached the whole process group; uvicorn shut down, then raised it again


def serve(
    *,
    host: str,
    port: int,
    workers: int,
    access_log: bool,
    on_ready: Callable[[], None] | None = None,
) -> int:
    """Run `workers` processes until SIGINT or SIGTERM; a process that dies after it was ready is
    replaced, one that dies before is a fault in the set-up and stops them all (exit 1).
    `on_ready` is called once, when every process first serves."""
    spawn = multiprocessing.get_context("spawn")
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}

    def start() -> tuple[multiprocessing.process.BaseProcess, Event]:
        ready = spawn.Event()
        process = spawn.Process(target=_worker, args=(host, port, access_log, ready))
        process.start()
        return process, ready

    running = [start() for _ in range(workers)]
    failed = False
    try:
        while not stopping and not failed:
            wait([process.sentinel for process, _ in running], timeout=0.5)
            if on_ready is not None and all(ready.is_set() for _, ready in running):
                on_ready()
                on_ready = None
            for n, (process, ready) in enumerate(running):
                if process.is_alive() or stopping:
                    continue
                if not ready.is_set():
                    failed = True
                    break
                logger.warning("worker %s exited (code %s); starting another", n, process.exitcode)
                running[n] = start()
    finally:
        for process, _ in running:
            process.terminate()  # SIGTERM: uvicorn finishes the requests under way
        for process, _ in running:
            process.join(timeout=30)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if failed:
        print("error: a worker did not start; see its message above", file=sys.stderr)
        return 1
    return 0
