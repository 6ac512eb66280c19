"""The batch tests' fixtures: the fixtures' engine and people."""

from __future__ import annotations

import pytest

from matcher import Candidate, Engine
from matcher.fixtures import load_candidates, load_vacancies


@pytest.fixture(scope="session")
def fixture_engine() -> Engine:
    return Engine().fit(load_vacancies())


@pytest.fixture(scope="session")
def fixture_people() -> list[Candidate]:
    return list(load_candidates())
