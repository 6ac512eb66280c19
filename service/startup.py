"""What every process does to the service's database before using it: migrate, store the
default weights, and load the fixtures into an empty database (`matcher serve`, the command line
and the notebooks alike; no web framework imported, so commands stay quick)."""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from matcher import Candidate, Vacancy
from matcher.fixtures import fixtures_dir, load_candidates, load_vacancies
from matcher.outcomes.history import History, load_history
from service import store
from service.closing import close_expired
from service.db import migrate, session_factory
from service.settings import Settings

logger = logging.getLogger("service")


def prepare_database(db: Engine, settings: Settings) -> None:
    """Migrate, store the default weights, and load the fixtures into an empty database."""
    migrate(db)

    def fixtures() -> tuple[tuple[Candidate, ...], tuple[Vacancy, ...]]:
        return load_candidates(), load_vacancies()

    def history() -> History | None:
        folder = settings.history_dir or fixtures_dir()
        return load_history(folder) if (folder / "history.json").is_file() else None

    with session_factory(db).begin() as session:
        if store.initialize(
            session,
            fixtures=fixtures if settings.load_fixtures else None,
            history=history,
            target_people=settings.target_people,
            target_placed=settings.target_placed,
        ):
            logger.info("loaded the fixtures into the empty database")
    close_expired(db)  # what expired while no process ran closes before the first request
