"""A sheet of people or of vacancies checked, then stored in one transaction: what the CLI and
`POST /imports/candidates` and `/imports/vacancies` all do."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from matcher import Candidate, Vacancy
from matcher.reading.vocabulary import accentless
from matcher.reasons import Language
from service import store
from service.sheets.reading import Problem, RawSheet, RowRead, SheetReport, check_sheet, read_file
from service.sheets.template import CANDIDATES, VACANCIES


@dataclass
class ImportResult:
    sheet: RawSheet
    report: SheetReport
    counts: store.ImportCounts | None
    """None when nothing was stored (a dry run, or a sheet with errors without valid_only)."""

    @property
    def refused(self) -> bool:
        """Errors kept the import from storing anything."""
        return self.counts is None and bool(self.report.errors)

    def as_dict(self, language: Language, *, dry_run: bool) -> dict[str, Any]:
        counts = self.counts
        return {
            **self.report.as_dict(language),
            "dry_run": dry_run,
            "stored": counts is not None,
            "created": len(counts.created) if counts else 0,
            "updated": len(counts.updated) if counts else 0,
            "unchanged": len(counts.unchanged) if counts else 0,
        }


def _stored(
    sheet: RawSheet,
    report: SheetReport,
    *,
    dry_run: bool,
    valid_only: bool,
    store_records: Callable[[list[BaseModel]], store.ImportCounts],
) -> ImportResult:
    """Store (in the caller's transaction) every row if none has an error, or the valid ones
    with `valid_only`; nothing with `dry_run` or when the sheet itself (its header) is wrong."""
    counts = None
    if not dry_run and (valid_only or not report.errors) and not report.sheet_errors:
        counts = store_records(report.valid)
    return ImportResult(sheet, report, counts)


# ---------------------------------------------------------------- people


def check_candidates(
    session: Session, data: bytes, *, mapping: dict[str, str] | None = None
) -> tuple[RawSheet, SheetReport]:
    """The sheet read and checked, and its people compared with those stored (BadFile if it
    is not a sheet at all)."""
    sheet = read_file(data)
    report = check_sheet(sheet, kind=CANDIDATES, mapping=mapping)
    stored = store.candidate_names(session)
    name_header = report.header_of.get("display_name")
    found = []
    for read in report.rows:
        name, postcode = (
            read.fields.get("display_name"),
            read.fields.get("home", {}).get("postcode"),
        )
        if not isinstance(name, str) or not postcode:
            continue
        other = stored.get((accentless(name), postcode))
        if other is not None and other != read.fields.get("id"):
            found.append(
                Problem(read.row, name_header, "warning", "same_person_stored", {"id": other})
            )
    report.add(found)
    return sheet, report


def import_candidates(
    session: Session,
    data: bytes,
    *,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    valid_only: bool = False,
) -> ImportResult:
    """Check every row, then store all of them if none has an error, or the valid ones with
    `valid_only`; nothing with `dry_run`."""
    sheet, report = check_candidates(session, data, mapping=mapping)

    def store_people(records: list[BaseModel]) -> store.ImportCounts:
        people = [r for r in records if isinstance(r, Candidate)]
        return store.import_candidates(session, candidates=people)

    return _stored(
        sheet, report, dry_run=dry_run, valid_only=valid_only, store_records=store_people
    )


# ---------------------------------------------------------------- vacancies


@dataclass(frozen=True)
class VacancyImporter:
    """Who imports a sheet of vacancies, as far as it changes what the sheet may hold."""

    employer: str | None = None
    """An employer's own name: its sheet holds only its own vacancies (the column may be left
    empty), and an id another employer's vacancy has is taken."""
    creates_employers: bool = False
    """Whether an employer not on record is created (a coordinator, the command line) or the
    row is an error."""


def check_vacancies(
    session: Session,
    data: bytes,
    *,
    importer: VacancyImporter,
    mapping: dict[str, str] | None = None,
) -> tuple[RawSheet, SheetReport]:
    """The sheet read and checked for this importer: employers matched to their records (by
    name, letter case, accents and spaces aside, or by id), ids taken or retired, vacancies
    like ones stored under another id (BadFile if it is not a sheet at all)."""
    sheet = read_file(data)
    defaults = {"employer": importer.employer} if importer.employer is not None else None
    report = check_sheet(sheet, kind=VACANCIES, mapping=mapping, defaults=defaults)
    by_id, names = store.employer_names(session)
    if importer.employer is not None:
        names.add(importer.employer)  # its own, though it has no record nor vacancy yet
    by_name = {accentless(name): name for name in sorted(names)}
    to_create: dict[str, str] = {}
    ids = [str(r.fields["id"]) for r in report.rows if isinstance(r.fields.get("id"), str)]
    known = store.vacancy_ids(session, ids=ids)
    stored_like: dict[tuple[str, ...] | None, str] = {
        VACANCIES.likeness({"employer": e, "title": t, "location": {"postcode": p}}): i
        for i, e, t, p in store.vacancy_keys(session, employer=importer.employer)
    }
    found: list[Problem] = []
    for read in report.rows:
        found.extend(_employer_problems(report, read, importer, by_name, by_id, to_create))
        found.extend(_id_problems(report, read, importer, known))
        key = VACANCIES.likeness(read.fields)
        other = stored_like.get(key) if key is not None else None
        if other is not None and other != read.fields.get("id"):
            header = report.header_of.get("title")
            found.append(Problem(read.row, header, "warning", "same_vacancy_stored", {"id": other}))
    report.add(found)
    return sheet, report


def _employer_problems(
    report: SheetReport,
    read: RowRead,
    importer: VacancyImporter,
    by_name: dict[str, str],
    by_id: dict[str, str],
    to_create: dict[str, str],
) -> list[Problem]:
    """The row's employer as its record names it (the row's fields and record changed to that
    name), or why it cannot be."""
    given = read.fields.get("employer")
    if not isinstance(given, str) or not given.strip():
        return []
    header = report.header_of.get("employer")
    key = accentless(given)
    name = by_id.get(given.strip()) or by_name.get(key)
    problems = []
    if name is None and importer.employer is None:
        if not importer.creates_employers:
            return [Problem(read.row, header, "error", "employer_unknown", {"value": given})]
        if key not in to_create:
            to_create[key] = given.strip()
            problems.append(Problem(read.row, header, "warning", "employer_new", {"value": given}))
        name = to_create[key]
    if importer.employer is not None and name != importer.employer:
        return [
            Problem(
                read.row, header, "error", "employer_other",
                {"value": given, "own": importer.employer},
            )
        ]  # fmt: skip
    assert name is not None
    read.fields["employer"] = name
    if isinstance(read.record, Vacancy) and read.record.employer != name:
        read.record = read.record.model_copy(update={"employer": name})
    return problems


def _id_problems(
    report: SheetReport, read: RowRead, importer: VacancyImporter, known: store.VacancyIds
) -> list[Problem]:
    ident = read.fields.get("id")
    if not isinstance(ident, str):
        return []
    header = report.header_of.get("id")
    if ident in known.retired:
        return [Problem(read.row, header, "error", "retired_id", {"value": ident})]
    owner = known.employers.get(ident)
    if importer.employer is not None and owner is not None and owner != importer.employer:
        return [Problem(read.row, header, "error", "taken_id", {"value": ident})]
    return []


def import_vacancies(
    session: Session,
    data: bytes,
    *,
    importer: VacancyImporter,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    valid_only: bool = False,
) -> ImportResult:
    """Check every row, then store all of them if none has an error (employers not on record
    created with them, when the importer may), or the valid ones with `valid_only`; nothing
    with `dry_run`."""
    sheet, report = check_vacancies(session, data, importer=importer, mapping=mapping)

    def store_vacancies(records: Sequence[BaseModel]) -> store.ImportCounts:
        vacancies = [r for r in records if isinstance(r, Vacancy)]
        return store.import_vacancies(session, vacancies=vacancies, owner=importer.employer)

    return _stored(
        sheet, report, dry_run=dry_run, valid_only=valid_only, store_records=store_vacancies
    )
