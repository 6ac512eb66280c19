"""Several processes serving one port, each with a listening socket of its own (SO_REUSEPORT).

uvicorn's own `--workers` shares one socket, and the first process to wake accepts every
connection waiting: a burst of keep-alive clients then lands on one process (measured: 30 of
32 connections on one of two workers, and half the requests per second). With a socket each,
the kernel spreads new connections over the processes by their addresses.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import wait
from multiprocessing.synchronize import Event
from types import FrameType

SPREADS_CONNECTIONS = hasattr(socket, "SO_REUSEPORT")
"""False on systems without SO_REUSEPORT (Windows), where uvicorn's own workers are used."""


def _bound_socket(host: str, port: int, *, shared: bool) -> socket.socket:
    """A TCP socket bound to host:port; `shared`: other processes of this user may bind it too."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if shared:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _watch_parent(parent: int) -> None:
    """SIGTERM this worker once its parent is gone (killed with SIGKILL, say), so no worker
    keeps serving the port on its own."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os.kill(os.getpid(), signal.SIGTERM)


def _worker(host: str, port: int, ready: Event, parent: int) -> None:
    import uvicorn

    from service.app import create_app
    from service.http import protocol_for
    from service.settings import Settings

    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    try:
        sock = _bound_socket(host, port, shared=True)
    except OSError as error:
        print(f"error: cannot listen on {host}:{port}: {error.strerror}", file=sys.stderr)
        sys.exit(3)
    settings = Settings()
    app = create_app(settings, on_ready=lambda _: ready.set())
    # uvicorn's access lines hold the path and query (people's ids); service.http logs instead.
    config = uvicorn.Config(app, http=protocol_for(settings), access_log=False)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # Ctrl+C reached the whole process group; uvicorn shut down, then raised it again


def _port_is_free(host: str, port: int) -> bool:
    """Nobody listens there, not even another of our services (whose SO_REUSEPORT sockets ours
    would silently join, sharing its traffic)."""
    try:
        _bound_socket(host, port, shared=False).close()
    except OSError:
        return False
    return True


RESTARTS_ALLOWED = 5
"""Workers that may die and be replaced within RESTART_WINDOW seconds before all are stopped:
a worker that keeps dying (out of memory while fitting, say) is a fault to report, not loop on."""
RESTART_WINDOW = 60.0


def serve(
    *,
    host: str,
    port: int,
    workers: int,
    on_ready: Callable[[], None] | None = None,
) -> int:
    """Run `workers` processes until SIGINT or SIGTERM (exit 0). A worker that dies is replaced;
    if one of the first ones dies before it serves, or more than RESTARTS_ALLOWED die within
    RESTART_WINDOW seconds, all are stopped (exit 1). `on_ready` is called once, when every
    process first serves."""
    if not _port_is_free(host, port):
        print(f"error: cannot listen on {host}:{port}: something listens there", file=sys.stderr)
        return 1
    spawn = multiprocessing.get_context("spawn")
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}

    def start() -> tuple[multiprocessing.process.BaseProcess, Event]:
        ready = spawn.Event()
        process = spawn.Process(target=_worker, args=(host, port, ready, os.getpid()))
        process.start()
        return process, ready

    running = [start() for _ in range(workers)]
    restarts: list[float] = []
    problem = ""
    all_served = False
    try:
        while not stopping and not problem:
            wait([process.sentinel for process, _ in running], timeout=0.5)
            if not all_served and all(ready.is_set() for _, ready in running):
                all_served = True
                if on_ready is not None:
                    on_ready()
            for n, (process, ready) in enumerate(running):
                if process.is_alive() or stopping:
                    continue
                now = time.monotonic()
                restarts = [t for t in restarts if now - t < RESTART_WINDOW] + [now]
                if not all_served and not ready.is_set():
                    problem = "a worker did not start; see its message above"
                elif len(restarts) > RESTARTS_ALLOWED:
                    problem = f"workers died {len(restarts)} times in {RESTART_WINDOW:.0f} s"
                else:
                    print(
                        f"worker {n} exited (code {process.exitcode}); starting another",
                        file=sys.stderr,
                    )
                    running[n] = start()
                    continue
                break
    finally:
        for process, _ in running:
            process.terminate()  # SIGTERM: uvicorn finishes the requests under way
        for process, _ in running:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
                process.join()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if problem:
        print(f"error: {problem}; stopped", file=sys.stderr)
        return 1
    return 0
