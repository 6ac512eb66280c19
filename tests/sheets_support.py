"""Sheets as an office or an employer would hand them over, made by the tests: the fixtures'
400 people under the office's own references, the fixtures' vacancies under an employer's, and
the mistakes a hurried person makes."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from pydantic import BaseModel

from matcher.fixtures import load_candidates, load_vacancies
from service.sheets.reading import RawSheet, check_sheet
from service.sheets.template import CANDIDATE_COLUMNS, VACANCY_COLUMNS, SheetKind, row_cells

HEADERS = [c.dutch for c in CANDIDATE_COLUMNS]


def office_people(count: int = 400, prefix: str = "OCMW") -> list[dict[str, Any]]:
    """The fixtures' people (as JSON) under references and names of the office's own."""
    people = []
    for n, person in enumerate(load_candidates()[:count], start=1):
        record = person.model_dump(mode="json")
        record.update(id=f"{prefix}-{n:04d}", display_name=f"Persoon {prefix} {n}", coach="An")
        people.append(record)
    return people


def xlsx(rows: list[list[Any]], *, merged: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merged:
        sheet.merge_cells(merged)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class PlantedSheet:
    data: bytes
    expected: set[tuple[int, str | None, str]] = field(default_factory=set)
    """(row as the spreadsheet shows it, column header or None, problem code)."""


def _set(cells: list[Any], header: str, value: Any) -> None:
    cells[HEADERS.index(header)] = value


def planted_sheet(people: list[dict[str, Any]]) -> PlantedSheet:
    """The people as .xlsx with 20 planted mistakes: an empty row after the 200th person, a
    total row at the end, merged header cells, and 17 cells typed wrong."""
    rows = [row_cells(CANDIDATE_COLUMNS, p) for p in people]
    expected: set[tuple[int, str | None, str]] = set()

    def row_of(index: int) -> int:  # the header is row 1; the empty row follows person 200
        return index + 2 if index < 200 else index + 3

    plants: list[tuple[int, str, Any, str]] = [
        (3, "Postcode", None, "required"),
        (50, "Postcode", None, "required"),
        (120, "Postcode", "", "required"),
        (10, "Postcode", "B-2060", "postcode_read_as"),
        (11, "Postcode", "B-2060", "postcode_read_as"),
        (20, "Beschikbaarheid", "8u30-15u", "availability"),
        (220, "Beschikbaarheid", "8u30-15u", "availability"),
        (30, "Talen", "Oekraïens: moedertaal", "language_code"),
        (230, "Talen", "Oekraïens: moedertaal; en:B1", "language_code"),
        (40, "Talen", "uk:native; en:B3", "language_level"),
        (240, "Talen", "nl:B3", "language_level"),
        (60, "Beschikbaarheid", datetime(2026, 3, 2, 8, 45), "date_in_cell"),
        (260, "Beschikbaarheid", datetime(2026, 3, 2, 15, 30), "date_in_cell"),
        (70, "Fase", "klaar", "stage"),
        (80, "Rijbewijs", "misschien", "yes_no"),
        (90, "Uren per week", "30-19", "hours_order"),
        (100, "Referentie", people[99]["id"], "duplicate_id"),
    ]
    for index, header, value, code in plants:
        _set(rows[index], header, value)
        expected.add((row_of(index), header, code))
    body: list[list[Any]] = [HEADERS, *rows[:200], [], *rows[200:]]
    body.append(["Totaal", "", "", "", "", "", "", "", "", "", f"=SUM(K2:K{len(body)})"])
    expected.add((202, None, "empty_row"))
    expected.add((len(body), None, "total_row"))
    expected.add((1, "Coach", "merged_header"))
    last = len(HEADERS)
    data = xlsx(body, merged=f"{_letter(last)}1:{_letter(last + 1)}1")
    return PlantedSheet(data, expected)


def _letter(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)


# ---------------------------------------------------------------- vacancies

VACANCY_HEADERS = [c.dutch for c in VACANCY_COLUMNS]


def employer_vacancies(
    count: int, prefix: str, *, employer: str | None = None
) -> list[dict[str, Any]]:
    """The fixtures' vacancies (as JSON) under references of the employer's own, and a title
    of their own (so no stored vacancy looks like them)."""
    vacancies = []
    for n, vacancy in enumerate(load_vacancies()[:count], start=1):
        record = vacancy.model_dump(mode="json")
        record.update(id=f"{prefix}-{n:04d}", title=f"{record['title']} ({prefix} {n})")
        if employer is not None:
            record["employer"] = employer
        vacancies.append(record)
    return vacancies


def vacancy_rows(vacancies: list[dict[str, Any]]) -> list[list[Any]]:
    """The header and a row a vacancy, as cells to change before writing them out."""
    return [VACANCY_HEADERS, *(row_cells(VACANCY_COLUMNS, v) for v in vacancies)]


def set_cell(rows: list[list[Any]], row: int, header: str, value: Any) -> None:
    """Row as the spreadsheet numbers it (the header row 1)."""
    rows[row - 1][rows[0].index(header)] = value


def read_back(kind: SheetKind, record: BaseModel) -> list[Any]:
    """The record written to a sheet's one row (under the template's headers) and checked
    again: the records read, after asserting no cell is an error."""
    sheet = RawSheet(
        rows=[
            [c.dutch for c in kind.columns],
            row_cells(kind.columns, record.model_dump(mode="json")),
        ]
    )
    report = check_sheet(sheet, kind=kind)
    assert [p for p in report.problems if p.severity == "error"] == []
    return list(report.valid)
