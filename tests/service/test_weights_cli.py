"""`matcher weights put FILE`: a coordinator applies the weights a tuning notebook wrote."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from support import as_role

from matcher import Weights
from matcher.cli import main


def test_put_stores_the_file_as_the_next_version_and_shortlists_use_it(
    client: TestClient,
    keys: dict[str, str],
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    who = as_role(keys, "coordinator")
    before = client.get("/weights", headers=who).json()["version"]
    tuned = Weights(
        version=99,  # whatever the file says, it becomes the next version
        weights={"skills": 0.5, "language": 0.2, "commute": 0.2, "childcare": 0.1},
        note="tuned on the simulated history",
    )
    path = tmp_path / "weights.json"
    tuned.save(path)
    monkeypatch.setenv("MATCHER_DATABASE_URL", database_url)

    assert main(["weights", "put", str(path)]) == 0
    assert f"version {before + 1}" in capsys.readouterr().out
    current = client.get("/weights", headers=who).json()
    assert current["version"] == before + 1
    assert current["weights"] == tuned.weights
    assert current["note"] == "tuned on the simulated history"
    assert current["changed_by"] == "cli"
    shortlist = client.get("/candidates/c-0002/shortlist?top=1", headers=who).json()
    assert shortlist["weights_version"] == before + 1

    assert main(["weights", "put", str(path), "--note", "again"]) == 0
    assert client.get("/weights", headers=who).json()["note"] == "again"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "cannot read"),
        ("not json", "not a weights file"),
        (json.dumps({"weights": {"skills": 1}}), "missing weights"),
        (
            json.dumps({"weights": {"skills": 1, "language": 1, "commute": 1, "salary": 1}}),
            "unknown",
        ),
    ],
)
def test_a_bad_file_changes_nothing(
    client: TestClient,
    keys: dict[str, str],
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    says: str,
) -> None:
    who = as_role(keys, "coordinator")
    before = client.get("/weights", headers=who).json()
    path = tmp_path / "weights.json"
    if content is not None:
        path.write_text(content, "utf-8")
    monkeypatch.setenv("MATCHER_DATABASE_URL", database_url)
    assert main(["weights", "put", str(path)]) == 1
    assert says in capsys.readouterr().err
    assert client.get("/weights", headers=who).json() == before
