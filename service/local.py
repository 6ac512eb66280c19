"""The service's database opened from the command line or a notebook: the same settings, the same
first start, the same reads and writes as the running service."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from matcher import Candidate, Vacancy, Weights
from matcher.outcomes.applications import Application
from matcher.outcomes.programme import STAGES, ProgrammeFigures, StageChange
from service import store
from service.catalog import Catalog
from service.db import create_db_engine, session_factory
from service.settings import DEFAULT_DATA_DIR, Settings


class Unknown(LookupError):
    """No record with that id; the message says what exists instead."""


@dataclass(frozen=True)
class Database:
    """Sessions on the service's database and a catalog (fitted engine) of this process."""

    settings: Settings
    sessions: sessionmaker[Session]
    catalog: Catalog
    url: str
    """The database's URL, password hidden: to tell the user where the data came from."""


def settings_here(start: Path | None = None) -> Settings:
    """`Settings()` from the environment; without a database URL or data folder set, the default
    SQLite file of the repository this runs in (the nearest folder up with a pyproject.toml),
    so a notebook in notebooks/ reads the file `matcher serve` writes from the repository."""
    settings = Settings()
    if settings.database_url or settings.data_dir != DEFAULT_DATA_DIR:
        return settings
    here = (start or Path.cwd()).resolve()
    root = next((p for p in (here, *here.parents) if (p / "pyproject.toml").is_file()), here)
    return settings.model_copy(update={"data_dir": root / DEFAULT_DATA_DIR})


@contextmanager
def opened(settings: Settings | None = None) -> Iterator[Database]:
    """The database `matcher serve` would use with these settings (default: the environment's),
    prepared as it prepares it on first start: migrated, and loaded with the fixtures if empty."""
    from service.startup import prepare_database

    settings = settings or Settings()
    db = create_db_engine(settings.url)
    try:
        prepare_database(db, settings)
        yield Database(
            settings=settings,
            sessions=session_factory(db),
            catalog=Catalog(),
            url=db.url.render_as_string(hide_password=True),
        )
    finally:
        db.dispose()


_PLURAL = {"candidate": "candidates", "vacancy": "vacancies"}


def _unknown(kind: str, ident: str, known: Sequence[str], url: str) -> Unknown:
    kinds = _PLURAL[kind]
    if not known:
        return Unknown(
            f"no {kind} with id '{ident}': the database ({url}) has no {kinds} yet; create them"
            f" over HTTP, or use --fixtures for the fixture files"
        )
    close = difflib.get_close_matches(ident, known, n=3, cutoff=0.6)
    hint = f"; close: {', '.join(close)}" if close else ""
    return Unknown(
        f"no {kind} with id '{ident}' in the database ({url}): it holds {len(known)} {kinds},"
        f" ids like {', '.join(known[:3])}{hint}"
    )


def candidate_in(database: Database, session: Session, candidate_id: str) -> Candidate:
    """The stored person, or Unknown naming the ids that exist."""
    found = store.get_candidate(session, candidate_id=candidate_id)
    if found is None:
        known = [ident for ident, _, _ in store.candidate_texts(session)]
        raise _unknown("candidate", candidate_id, known, database.url)
    return found


def vacancy_in(database: Database, session: Session, vacancy_id: str) -> Vacancy:
    """The stored vacancy (open or not), or Unknown naming the ids that exist."""
    found = store.get_vacancy(session, vacancy_id=vacancy_id)
    if found is None:
        every, _ = store.list_vacancies(
            session, where=store.VacancyFilter(), limit=1_000_000, offset=0
        )
        raise _unknown("vacancy", vacancy_id, [str(v.id) for v in every], database.url)
    return found


@dataclass(frozen=True)
class Records:
    """Everything the programme recorded, read in one transaction."""

    url: str
    candidates: tuple[Candidate, ...]
    vacancies: tuple[Vacancy, ...]
    applications: tuple[Application, ...]
    stage_changes: tuple[StageChange, ...]
    weights: Weights
    figures: ProgrammeFigures


def read_records(database: Database, *, on: date | None = None) -> Records:
    """People (every stage), vacancies (open or not), applications, stage changes, the weights
    in use, and the programme's figures as GET /stats gives them."""
    from service.routers.stats import figures

    with database.sessions() as session:
        every, _ = store.list_vacancies(
            session, where=store.VacancyFilter(), limit=1_000_000, offset=0
        )
        _, weights_version = store.versions(session)
        return Records(
            url=database.url,
            candidates=tuple(database.catalog.candidates_at(session, stages=STAGES)),
            vacancies=tuple(every),
            applications=tuple(store.applications(session)),
            stage_changes=tuple(store.stage_changes(session)),
            weights=store.get_weights(session, version=weights_version).weights,
            figures=figures(session, database.catalog, on=on),
        )


def put_weights(
    sessions: sessionmaker[Session],
    weights: Weights,
    *,
    note: str | None,
    changed_by: str,
    expected_version: int | None = None,
) -> Weights:
    """Store `weights` as the service's next version (its own version number is ignored); with
    `expected_version`, only if that is the next one (else store.VersionConflict). `matcher
    weights put` and the tuning notebook both send weights this way."""
    with sessions.begin() as session:
        record = store.set_weights(
            session,
            weights=weights.weights,
            note=note,
            changed_by=changed_by,
            expected_version=expected_version,
        )
    return record.weights
