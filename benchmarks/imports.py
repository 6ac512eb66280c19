"""Importing a sheet of 400 people (the fixtures' people as an office would send them): the
dry run, the first real import, and the same sheet again; target under 5 s each."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from matcher.fixtures import load_candidates
from matcher.reading.vocabulary import default_vocabulary
from service.db import create_db_engine, migrate, session_factory
from service.sheets.importing import import_candidates
from service.sheets.template import CANDIDATE_COLUMNS
from service.sheets.workbooks import records_sheet

PEOPLE = 400
REPEATS = 3


def _people(prefix: str) -> list[dict[str, object]]:
    records = []
    for n, person in enumerate(load_candidates()[:PEOPLE], start=1):
        record = person.model_dump(mode="json")
        record.update(id=f"{prefix}-{n:04d}", display_name=f"Persoon {prefix} {n}")
        records.append(record)
    return records


def _timed(step: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    step()
    return time.perf_counter() - t0


def _import(sessions: sessionmaker[Session], data: bytes, *, dry_run: bool) -> Callable[[], object]:
    def step() -> object:
        with sessions.begin() as session:
            return import_candidates(session, data, dry_run=dry_run)

    return step


def run(rows: list[tuple[str, str]]) -> None:
    default_vocabulary()  # built (or read from its cache) once per process, as the service does
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as folder:
        db = create_db_engine(f"sqlite:///{folder}/bench.sqlite3")
        migrate(db)
        sessions = session_factory(db)
        rows.append((f"{PEOPLE} people, SQLite, median of {REPEATS} (s)", "     xlsx      csv"))
        for label in (
            "dry run (read, check, report)",
            "import (all created)",
            "again (all unchanged)",
        ):
            cells = []
            for kind in ("xlsx", "csv"):
                times = []
                for repeat in range(REPEATS):
                    data = records_sheet(
                        CANDIDATE_COLUMNS,
                        _people(f"{kind}{repeat}"),
                        kind=kind,  # type: ignore[arg-type]
                    )
                    if label.startswith("again"):
                        _import(sessions, data, dry_run=False)()
                    times.append(_timed(_import(sessions, data, dry_run=label.startswith("dry"))))
                cells.append(f"{statistics.median(times):>9.2f}")
            rows.append((f"  {label}", "".join(cells)))
        db.dispose()
