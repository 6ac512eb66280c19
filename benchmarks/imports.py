"""Importing a sheet of 400 people (the fixtures' people as an office would send them) and one
of 400 vacancies (the fixtures' vacancies as employers would): the dry run, the first real
import, and the same sheet again; target under 5 s each."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from matcher.fixtures import load_candidates, load_vacancies
from matcher.reading.vocabulary import default_vocabulary
from service.db import create_db_engine, migrate, session_factory
from service.sheets.importing import (
    ImportResult,
    VacancyImporter,
    import_candidates,
    import_vacancies,
)
from service.sheets.template import CANDIDATE_COLUMNS, VACANCY_COLUMNS
from service.sheets.workbooks import records_sheet

ROWS = 400
REPEATS = 3

Import = Callable[[Session, bytes, bool], ImportResult]


def _people(prefix: str) -> list[dict[str, object]]:
    return [
        {**p.model_dump(mode="json"), "id": f"{prefix}-{n:04d}", "display_name": f"P {prefix} {n}"}
        for n, p in enumerate(load_candidates()[:ROWS], start=1)
    ]


def _vacancies(prefix: str) -> list[dict[str, object]]:
    # Employers of their own, so the first import makes their records, as a new one would.
    return [
        {
            **v.model_dump(mode="json"),
            "id": f"{prefix}-{n:04d}",
            "employer": f"{v.employer} {prefix}",
        }
        for n, v in enumerate(load_vacancies()[:ROWS], start=1)
    ]


def _import_people(session: Session, data: bytes, dry_run: bool) -> ImportResult:
    return import_candidates(session, data, dry_run=dry_run)


def _import_vacancies(session: Session, data: bytes, dry_run: bool) -> ImportResult:
    coordinator = VacancyImporter(creates_employers=True)
    return import_vacancies(session, data, importer=coordinator, dry_run=dry_run)


def _timed(step: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    step()
    return time.perf_counter() - t0


def _import(
    sessions: sessionmaker[Session], how: Import, data: bytes, *, dry_run: bool
) -> Callable[[], object]:
    def step() -> object:
        with sessions.begin() as session:
            result = how(session, data, dry_run)
        assert not result.report.errors, result.report.errors[:3]
        return result

    return step


def run(rows: list[tuple[str, str]]) -> None:
    default_vocabulary()  # built (or read from its cache) once per process, as the service does
    kinds = (
        ("people", CANDIDATE_COLUMNS, _people, _import_people),
        ("vacancies", VACANCY_COLUMNS, _vacancies, _import_vacancies),
    )
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as folder:
        db = create_db_engine(f"sqlite:///{folder}/bench.sqlite3")
        migrate(db)
        sessions = session_factory(db)
        for what, columns, records, how in kinds:
            rows.append((f"{ROWS} {what}, SQLite, median of {REPEATS} (s)", "     xlsx      csv"))
            for label in (
                "dry run (read, check, report)",
                "import (all created)",
                "again (all unchanged)",
            ):
                cells = []
                for kind in ("xlsx", "csv"):
                    times = []
                    for repeat in range(REPEATS):
                        prefix = f"{kind}{repeat}"
                        data = records_sheet(columns, records(prefix), kind=kind)  # type: ignore[arg-type]
                        if label.startswith("again"):
                            _import(sessions, how, data, dry_run=False)()
                        dry = label.startswith("dry")
                        times.append(_timed(_import(sessions, how, data, dry_run=dry)))
                    cells.append(f"{statistics.median(times):>9.2f}")
                rows.append((f"  {label}", "".join(cells)))
        db.dispose()
