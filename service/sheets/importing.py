"""A sheet of people checked, then stored in one transaction: what the CLI, `POST
/imports/candidates` and the import page all do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from matcher import Candidate
from matcher.reading.vocabulary import accentless
from matcher.reasons import Language
from service import store
from service.sheets.reading import Problem, RawSheet, SheetReport, check_sheet, read_file
from service.sheets.template import CANDIDATE_COLUMNS


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


def check_candidates(
    session: Session, data: bytes, *, mapping: dict[str, str] | None = None
) -> tuple[RawSheet, SheetReport]:
    """The sheet read and checked, and its people compared with those stored (BadFile if it
    is not a sheet at all)."""
    sheet = read_file(data)
    report = check_sheet(sheet, columns=CANDIDATE_COLUMNS, model=Candidate, mapping=mapping)
    stored = store.candidate_names(session)
    name_header = next(
        (h for h in report.headers if accentless(h) in {"naam", "name", "display name"}), None
    )
    for read in report.rows:
        name, postcode = (
            read.fields.get("display_name"),
            read.fields.get("home", {}).get("postcode"),
        )
        if not isinstance(name, str) or not postcode:
            continue
        other = stored.get((accentless(name), postcode))
        if other is not None and other != read.fields.get("id"):
            report.problems.append(
                Problem(read.row, name_header, "warning", "same_person_stored", {"id": other})
            )
    return sheet, report


def import_candidates(
    session: Session,
    data: bytes,
    *,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    valid_only: bool = False,
) -> ImportResult:
    """Check every row, then store (in the caller's transaction) all of them if none has an
    error, or the valid ones with `valid_only`; nothing with `dry_run`."""
    sheet, report = check_candidates(session, data, mapping=mapping)
    counts = None
    if not dry_run and (valid_only or not report.errors) and not report.sheet_errors:
        people = [r for r in report.valid if isinstance(r, Candidate)]
        counts = store.import_candidates(session, candidates=people)
    return ImportResult(sheet, report, counts)
