"""Sheets written out: the import templates, people and vacancies exported in their columns,
and the annotated copy of a sheet that was read (problem cells marked)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from matcher import Vacancy
from matcher.reasons import Language, translator
from service import store
from service.sheets.reading import RawSheet, SheetReport
from service.sheets.template import (
    CANDIDATE_COLUMNS,
    VACANCIES,
    Column,
    SheetKind,
    row_cells,
    safe_text,
    shown_text,
)

SheetFormat = Literal["csv", "xlsx"]
_BOLD = Font(bold=True)
_ERROR = PatternFill("solid", fgColor="F4B6B6")
_WARNING = PatternFill("solid", fgColor="FCE9A6")


def _book(title: str) -> tuple[Workbook, Worksheet]:
    book = Workbook()
    book.remove(book.worksheets[0])
    return book, book.create_sheet(title)


def workbook_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV as Excel opens it: UTF-8 with a BOM (it then reads UTF-8), CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _header_row(sheet: Any, headers: Sequence[str]) -> None:
    sheet.append([safe_text(h) for h in headers])
    for index, header in enumerate(headers, start=1):
        sheet.cell(row=1, column=index).font = _BOLD
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, len(header) + 4))
    sheet.freeze_panes = "A2"


def records_sheet(
    columns: Sequence[Column],
    records: Iterable[Mapping[str, Any]],
    *,
    kind: SheetFormat,
    title: str = "Kandidaten",
) -> bytes:
    """Records (as JSON) in the template's columns: a sheet the import reads back as they are."""
    headers = [c.dutch for c in columns]
    if kind == "csv":
        return csv_bytes(headers, (row_cells(columns, r) for r in records))
    book, sheet = _book(title)
    _header_row(sheet, headers)
    for record in records:
        sheet.append(row_cells(columns, record))
    return workbook_bytes(book)


def candidates_sheet(session: Session, *, kind: SheetFormat) -> bytes:
    """Every person stored, in id order, in the import template's columns."""
    records = [json.loads(text) for _id, _stage, text in store.candidate_texts(session)]
    return records_sheet(CANDIDATE_COLUMNS, records, kind=kind)


def vacancies_sheet(vacancies: Iterable[Vacancy], *, kind: SheetFormat) -> bytes:
    """Vacancies in the import template's columns: a sheet of vacancies to import again."""
    records = [v.model_dump(mode="json") for v in vacancies]
    return records_sheet(VACANCIES.columns, records, kind=kind, title=VACANCIES.title)


def template_workbook(sheet_kind: SheetKind, language: Language) -> bytes:
    """The empty sheet to fill in, a sheet of instructions (one line a column) and one of
    examples, in the reader's language."""
    t = translator(language)
    columns = sheet_kind.columns
    book, sheet = _book(sheet_kind.title)
    _header_row(sheet, [c.dutch for c in columns])
    help_sheet = book.create_sheet(t.text("import.template.instructions_sheet"))
    help_sheet.append([t.text(sheet_kind.intro)])
    help_sheet.append([])
    help_sheet.append(
        [t.text(f"import.template.{k}") for k in ("column", "english", "what", "example")]
    )
    for cell in help_sheet[3]:
        cell.font = _BOLD
    for column in columns:
        help_sheet.append(
            [
                column.dutch,
                column.english,
                t.text(f"{sheet_kind.help_prefix}{column.key}"),
                column.example,
            ]
        )
    for letter, width in zip("ABCD", (22, 20, 90, 45), strict=True):
        help_sheet.column_dimensions[letter].width = width
    examples = book.create_sheet(t.text("import.template.examples_sheet"))
    _header_row(examples, [c.dutch for c in columns])
    examples.append([safe_text(c.example) for c in columns])
    return workbook_bytes(book)


def annotated_copy(
    sheet: RawSheet, report: SheetReport, language: Language, *, title: str = "Kandidaten"
) -> bytes:
    """The sheet as it was read, each cell with a problem filled (red: cannot be read, yellow:
    read with a warning) and the reason as a comment; a whole row's problem marks its first
    cell."""
    book, out = _book(title)
    for cells in sheet.rows:
        out.append([safe_text(shown_text(c)) for c in cells])
    for cell in out[1]:
        cell.font = _BOLD
    for problem in report.problems:
        if problem.column is not None and problem.column in report.headers:
            column = report.headers.index(problem.column) + 1
        else:
            column = 1
        cell = out.cell(row=problem.row, column=column)
        text = problem.message(language)
        earlier = cell.comment.text + "\n" if cell.comment else ""
        cell.comment = Comment(earlier + text, "matcher")
        if cell.fill != _ERROR:
            cell.fill = _ERROR if problem.severity == "error" else _WARNING
    return workbook_bytes(book)
