"""A whole sheet checked before anything is stored: every cell that cannot be read and why, how
each skill phrase was read, and the rows that look like another in the sheet."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from matcher.reading.vocabulary import accentless, default_vocabulary
from matcher.reasons import Language, translator
from service.sheets.template import (
    Cell,
    CellProblem,
    Column,
    Notes,
    SheetKind,
    shown_text,
)

MAX_ROWS = 5000
"""Rows a sheet may have: a programme's offices hand over hundreds of people at a time."""

Severity = Literal["error", "warning"]


class BadFile(ValueError):
    """A file that is not a sheet to read at all: a message key (`import.file.CODE`) and params;
    never the file's contents."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def message(self, language: Language) -> str:
        return translator(language).fill(f"import.file.{self.code}", self.params)


@dataclass(frozen=True)
class RawSheet:
    """The cells as the file holds them, row 1 the header; merged ranges in A1 notation."""

    rows: list[list[Cell]]
    merged: list[tuple[str, int, int]] = field(default_factory=list)
    """(range, first column, last column), 0-based, of merged cells that touch the header."""


def read_file(data: bytes) -> RawSheet:
    """An .xlsx workbook's first sheet, or a CSV file (UTF-8, comma, semicolon or tab)."""
    if not data.strip():
        raise BadFile("empty")
    if data.startswith(b"PK"):
        return _read_xlsx(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE file: an encrypted workbook, or old .xls
        raise BadFile("encrypted_or_xls")
    return _read_csv(data)


def _read_xlsx(data: bytes) -> RawSheet:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=False, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise BadFile("not_a_sheet") from None
    sheet = book.worksheets[0]
    if sheet.max_row > MAX_ROWS + 1:
        raise BadFile("too_many_rows", limit=MAX_ROWS)
    merged = [
        (str(r.coord), r.min_col - 1, r.max_col - 1)
        for r in sheet.merged_cells.ranges
        if r.min_row == 1
    ]
    rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    return RawSheet(rows=rows, merged=merged)


def _cell(value: object) -> Cell:
    """A value openpyxl read as one the columns read (rich text, a decimal, a formula: text)."""
    if value is None or isinstance(value, str | int | float | datetime | date | time | timedelta):
        return value
    return str(value)


def _read_csv(data: bytes) -> RawSheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadFile("encoding") from None
    if "\x00" in text:
        raise BadFile("not_a_sheet")
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    try:
        rows: list[list[Cell]] = [
            list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
    except csv.Error:
        raise BadFile("not_a_sheet") from None
    if len(rows) > MAX_ROWS + 1:
        raise BadFile("too_many_rows", limit=MAX_ROWS)
    return RawSheet(rows=rows)


def read_mapping(data: bytes) -> dict[str, str]:
    """A column mapping file: JSON, {"their header": "our column"} (our column by its key or
    either header), optionally under "columns"."""
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise BadFile("mapping") from None
    if isinstance(parsed, dict) and isinstance(parsed.get("columns"), dict):
        parsed = parsed["columns"]
    if not isinstance(parsed, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in parsed.items()
    ):
        raise BadFile("mapping")
    return parsed


# ---------------------------------------------------------------- the report


@dataclass(frozen=True)
class Problem:
    row: int
    """As the spreadsheet numbers it: the header is row 1."""
    column: str | None
    """The header as the sheet writes it; None for the whole row."""
    severity: Severity
    code: str
    params: dict[str, object]

    def message(self, language: Language) -> str:
        kind = "problem" if self.severity == "error" else "warning"
        return translator(language).fill(f"import.{kind}.{self.code}", self.params)


@dataclass(frozen=True)
class PhraseReading:
    row: int
    column: str
    phrase: str
    concept_id: str | None
    confidence: float


@dataclass
class RowRead:
    row: int
    fields: dict[str, Any]
    record: BaseModel | None = None


@dataclass
class SheetReport:
    """What a sheet holds, as read: the records that can be stored and every problem found."""

    rows: list[RowRead]
    problems: list[Problem]
    readings: list[PhraseReading]
    headers: list[str]
    header_of: dict[str, str] = field(default_factory=dict)
    """Column key -> the header the sheet gives it (as mapped)."""

    def add(self, problems: Sequence[Problem]) -> None:
        """Problems found beyond the sheet (against what is stored), in the report's order."""
        self.problems.extend(problems)
        self.problems.sort(key=self._order)

    def _order(self, problem: Problem) -> tuple[int, bool, int]:
        column = problem.column
        return (
            problem.row,
            column is not None,
            self.headers.index(column) if column in self.headers else 0,
        )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def rows_with_errors(self) -> set[int]:
        return {p.row for p in self.errors}

    @property
    def sheet_errors(self) -> bool:
        """An error of the sheet itself (its header): then no row is taken."""
        return any(p.row == 1 for p in self.errors)

    @property
    def valid(self) -> list[BaseModel]:
        if self.sheet_errors:
            return []
        bad = self.rows_with_errors
        return [r.record for r in self.rows if r.record is not None and r.row not in bad]

    def as_dict(self, language: Language) -> dict[str, Any]:
        vocabulary = default_vocabulary()
        return {
            "rows": len(self.rows),
            "valid_rows": len(self.valid),
            "errors": len(self.errors),
            "warnings": len(self.problems) - len(self.errors),
            "problems": [
                {
                    "row": p.row,
                    "column": p.column,
                    "severity": p.severity,
                    "code": p.code,
                    "message": p.message(language),
                }
                for p in self.problems
            ],
            "skills": [
                {
                    "row": r.row,
                    "column": r.column,
                    "phrase": r.phrase,
                    "concept": r.concept_id,
                    "label": None
                    if r.concept_id is None
                    else vocabulary.concepts[r.concept_id].label(language),
                    "confidence": round(r.confidence, 2),
                }
                for r in self.readings
            ],
        }


_TOTAL_WORDS = ("totaal", "total", "som", "sum", "итого", "всього", "разом")


def _headers_to_columns(
    headers: Sequence[str], columns: Sequence[Column], mapping: Mapping[str, str]
) -> tuple[dict[int, Column], list[Problem]]:
    by_name = {accentless(h): c for c in columns for h in c.headers}
    chosen = {accentless(theirs): by_name.get(accentless(ours)) for theirs, ours in mapping.items()}
    problems = [
        Problem(1, None, "error", "mapping_target", {"value": ours})
        for ours in mapping.values()
        if accentless(ours) not in by_name
    ]
    found: dict[int, Column] = {}
    for index, header in enumerate(headers):
        if not header:
            continue
        key = accentless(header)
        column = chosen.get(key) or by_name.get(key)
        if column is None:
            problems.append(Problem(1, header, "warning", "column_ignored", {"value": header}))
        elif column in found.values():
            problems.append(Problem(1, header, "error", "column_twice", {"value": header}))
        else:
            found[index] = column
    keys = {c.key for c in found.values()}
    for column in columns:
        instead = column.or_else and keys >= set(column.or_else)
        if column.required and column not in found.values() and not instead:
            problems.append(Problem(1, None, "error", "column_missing", {"value": column.dutch}))
    return found, problems


def _merge(fields: dict[str, Any], read: Mapping[str, Any]) -> None:
    """A cell's fields into the row's: an object several columns fill (a vacancy's language,
    its contact) gathers each column's part."""
    for key, value in read.items():
        if isinstance(value, dict) and isinstance(fields.get(key), dict):
            fields[key] = {**fields[key], **value}
        else:
            fields[key] = value


def check_sheet(
    sheet: RawSheet,
    *,
    kind: SheetKind,
    mapping: Mapping[str, str] | None = None,
    defaults: Mapping[str, Any] | None = None,
) -> SheetReport:
    """Every row read into the kind's model, every problem found; nothing is stored here.
    `defaults` are fields a row has unless it gives them (a column for them is then optional)."""
    if not sheet.rows:
        raise BadFile("empty")
    defaults = defaults or {}
    headers = [shown_text(h) for h in sheet.rows[0]]
    columns = [replace(c, required=False) if c.key in defaults else c for c in kind.columns]
    by_index, problems = _headers_to_columns(headers, columns, mapping or {})
    for coord, first, _last in sheet.merged:
        problems.append(
            Problem(1, headers[first] or None, "error", "merged_header", {"cells": coord})
        )
    absent = {c.key for c in columns if c.required} - {c.key for c in by_index.values()}
    template_header = {c.key: c.dutch for c in columns}
    body = sheet.rows[1:]
    while body and all(shown_text(c) == "" for c in body[-1]):
        body.pop()  # blank rows after the last are not rows at all
    if len(body) == 0:
        raise BadFile("no_rows")
    rows: list[RowRead] = []
    readings: list[PhraseReading] = []
    vocabulary = default_vocabulary()
    for number, cells in enumerate(body, start=2):
        texts = [shown_text(c) for c in cells]
        if not any(texts):
            problems.append(Problem(number, None, "warning", "empty_row", {}))
            continue
        leading = next(t for t in texts if t)
        if accentless(leading).split(" ")[0] in _TOTAL_WORDS:
            problems.append(Problem(number, None, "warning", "total_row", {"value": leading}))
            continue
        fields: dict[str, Any] = dict(defaults)
        bad: set[str] = set()
        filled = {c.key for i, c in by_index.items() if i < len(texts) and texts[i]}
        for index, column in by_index.items():
            raw = cells[index] if index < len(cells) else None
            header = headers[index]
            notes = Notes()
            try:
                text = column.text(raw)
                if text:
                    _merge(fields, column.read(text, notes))
                elif column.required and not (column.or_else and filled >= set(column.or_else)):
                    raise CellProblem("required")
            except CellProblem as problem:
                problems.append(Problem(number, header, "error", problem.code, problem.params))
                bad.add(column.key)
                continue
            problems.extend(Problem(number, header, "warning", c, p) for c, p in notes.found)
            phrases = kind.skill_columns.get(column.key)
            if phrases is not None and column.key in fields:
                for phrase in phrases(fields[column.key]):
                    found = vocabulary.read(phrase)
                    readings.append(
                        PhraseReading(number, header, phrase, found.concept_id, found.confidence)
                    )
        read = RowRead(number, fields)
        if not bad:
            try:
                read.record = kind.model.model_validate(fields)
            except ValidationError as error:
                header_of = {c.key: headers[i] for i, c in by_index.items()}
                for e in error.errors(include_url=False):
                    key = _column_of(kind, e["loc"])
                    if key in absent:
                        continue  # its column is missing: said once, on the header's row
                    if e["type"] == "missing" and key in template_header:
                        # A column the sheet may leave out, but not empty for this row:
                        # named by the template's header, as the reader would add it.
                        header = header_of.get(key) or template_header[key]
                        problems.append(Problem(number, header, "error", "required", {}))
                        continue
                    problems.append(
                        Problem(
                            number, header_of.get(key), "error", "invalid", {"reason": e["msg"]}
                        )
                    )
        rows.append(read)
    report = SheetReport(
        rows=rows,
        problems=[],
        readings=readings,
        headers=headers,
        header_of={c.key: headers[i] for i, c in by_index.items()},
    )
    report.add([*problems, *_duplicates(kind, rows, headers, by_index)])
    return report


def _column_of(kind: SheetKind, loc: Sequence[int | str]) -> str:
    """The key of the column a model error's field comes from."""
    first = str(loc[0]) if loc else ""
    nested = f"{first}.{loc[1]}" if len(loc) > 1 else first
    return kind.model_field_columns.get(nested) or kind.model_field_columns.get(first, first)


def _duplicates(
    kind: SheetKind,
    rows: Sequence[RowRead],
    headers: Sequence[str],
    by_index: Mapping[int, Column],
) -> list[Problem]:
    """The same id twice is an error (one would overwrite the other); rows alike as the kind
    tells (a person's name and postcode) are likely the same, and a warning."""
    header_of = {c.key: headers[i] for i, c in by_index.items()}
    problems: list[Problem] = []
    ids: dict[str, int] = {}
    alike: dict[tuple[str, ...], int] = {}
    for read in rows:
        ident = read.fields.get("id")
        if isinstance(ident, str):
            if ident in ids:
                problems.append(
                    Problem(read.row, header_of.get("id"), "error", kind.duplicate_id,
                            {"value": ident, "first": ids[ident]})
                )  # fmt: skip
            ids.setdefault(ident, read.row)
        key = kind.likeness(read.fields)
        if key is not None:
            if key in alike:
                problems.append(
                    Problem(read.row, header_of.get(kind.likeness_column), "warning",
                            kind.same_row, {"first": alike[key]})
                )  # fmt: skip
            alike.setdefault(key, read.row)
    return problems
