"""`matcher serve --access-log` logs each request by its route template: the ids in paths (people's
ids) and query strings never reach the log."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from support import candidate_body, free_port

pytestmark = pytest.mark.slow


def test_access_log_lines_name_the_route_never_the_id_or_query(
    database_url: str, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MATCHER_")}
    env |= {"MATCHER_DATABASE_URL": database_url, "MATCHER_DATA_DIR": str(tmp_path / "var")}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "matcher.cli", "serve", "--port", str(port), "--access-log"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    person = f"c-trace-{secrets.token_hex(6)}"
    asked = f"marker{secrets.token_hex(4)}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None and time.monotonic() < deadline, "did not start"
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        made = subprocess.run(
            [sys.executable, "-m", "matcher.cli", "keys", "create", "--role", "coordinator"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        who = {"X-API-Key": made.stdout.strip().splitlines()[-1]}
        with httpx.Client(base_url=base, headers=who, timeout=30) as client:
            assert client.post("/candidates", json=candidate_body(id=person)).status_code == 201
            shortlist = client.get(f"/candidates/{person}/shortlist", params={"top": 4})
            assert shortlist.status_code == 200
            # A query value a person typed (a filter on a name, say) stays out too.
            listed = client.get("/vacancies", params={"employer": asked})
            assert listed.status_code == 200
            assert client.get(f"/nowhere/{person}").status_code == 404
            assert client.delete(f"/candidates/{person}").status_code in (200, 204)
            assert client.get(f"/candidates/{person}").status_code == 404
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=60)
    assert person not in out
    assert asked not in out and "top=4" not in out
    assert re.search(r"GET /candidates/\{candidate_id\}/shortlist 200 \d+\.\dms", out), out
    assert re.search(r"POST /candidates 201 \d+\.\dms", out), out
    assert re.search(r"GET /vacancies 200 \d+\.\dms", out), out
    assert re.search(r"DELETE /candidates/\{candidate_id\} 20[04] ", out), out
    assert re.search(r"GET /candidates/\{candidate_id\} 404 ", out), out
    assert re.search(r"GET \(no route\) 404 ", out), out
