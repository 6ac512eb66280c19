"""`matcher serve` on an empty SQLite folder: fixtures loaded, instructions printed, and the
printed commands work (a key from `matcher keys create`, then the shortlist)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from support import free_port


@pytest.mark.slow
def test_serve_prints_commands_that_work(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHER_")}
    env["MATCHER_DATA_DIR"] = str(tmp_path / "var")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "matcher.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
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
            env=env,
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
    finally:
        server.terminate()
        server.communicate(timeout=30)  # waits, and closes the pipe
