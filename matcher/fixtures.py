"""The synthetic fixtures (400 candidates, ~1,500 vacancies) that make a fresh machine useful."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path

from matcher.models import Candidate, Vacancy

_REPO_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixtures_dir() -> Path:
    """The fixtures folder: inside an installed wheel, or the repository's `fixtures/`."""
    packaged = resources.files("matcher").joinpath("fixtures_data")
    if packaged.is_dir():
        return Path(str(packaged))
    return _REPO_FIXTURES


@cache
def load_candidates(folder: Path | None = None) -> tuple[Candidate, ...]:
    path = (folder or fixtures_dir()) / "candidates.json"
    return tuple(Candidate.model_validate(c) for c in json.loads(path.read_text("utf-8")))


@cache
def load_vacancies(folder: Path | None = None) -> tuple[Vacancy, ...]:
    path = (folder or fixtures_dir()) / "vacancies.json"
    return tuple(Vacancy.model_validate(v) for v in json.loads(path.read_text("utf-8")))
