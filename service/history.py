"""The fixtures' simulated history (past proposals, outcomes and stage changes), if there is one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from matcher.fixtures import fixtures_dir
from matcher.outcomes import Application
from matcher.programme import StageChange


@dataclass(frozen=True)
class History:
    applications: tuple[Application, ...]
    stage_changes: tuple[StageChange, ...]


def default_history_file() -> Path:
    return fixtures_dir() / "history.json"


def load_history(path: Path | None = None) -> History | None:
    """`{"stage_changes": [...], "applications": [...]}` from the file, or None if it is absent."""
    path = path or default_history_file()
    if not path.is_file():
        return None
    data = json.loads(path.read_text("utf-8"))
    return History(
        applications=tuple(Application.model_validate(a) for a in data.get("applications", [])),
        stage_changes=tuple(StageChange.model_validate(s) for s in data.get("stage_changes", [])),
    )
