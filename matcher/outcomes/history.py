"""The fixtures' simulated history of proposals and outcomes (fixtures/history.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from matcher.fixtures import fixtures_dir
from matcher.outcomes.applications import Application
from matcher.outcomes.programme import StageChange

__all__ = ["History", "load_history"]


@dataclass(frozen=True)
class History:
    """Simulated, not recorded: see `true_model` for what drove it, and fixtures/README.md."""

    about: str
    reference_date: date
    programme_start: date
    true_model: dict[str, Any]
    stage_changes: tuple[StageChange, ...]
    applications: tuple[Application, ...]


@cache
def load_history(folder: Path | None = None) -> History:
    """Read and validate fixtures/history.json (every application as an `Application`)."""
    path = (folder or fixtures_dir()) / "history.json"
    raw = json.loads(path.read_text("utf-8"))
    return History(
        about=raw["about"],
        reference_date=date.fromisoformat(raw["reference_date"]),
        programme_start=date.fromisoformat(raw["programme_start"]),
        true_model=raw["true_model"],
        stage_changes=tuple(StageChange.model_validate(s) for s in raw["stage_changes"]),
        applications=tuple(Application.model_validate(a) for a in raw["applications"]),
    )
