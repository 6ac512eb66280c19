"""Documents as sheets: a CSV of the first table, or a workbook with a sheet per table."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from service.documents.tables import Document, Value
from service.sheets.template import safe_text
from service.sheets.workbooks import csv_bytes, workbook_bytes

_BOLD = Font(bold=True)


def _cell(value: Value) -> Value:
    # Text from the record (a title, a reason quoting a skill as typed) may start with "=":
    # written as it is, a spreadsheet would run it.
    return safe_text(value) if isinstance(value, str) else value


def csv_document(document: Document) -> bytes:
    """Its first table (every document is one; a CSV holds one): a header row, a row a line."""
    headers, rows = document.tables[0].sheet(document.language)
    return csv_bytes([_cell(h) for h in headers], ([_cell(v) for v in row] for row in rows))


def workbook(
    sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Value]]]],
) -> bytes:
    """A workbook of (name, headers, rows) sheets: bold frozen headers, columns wide enough."""
    book = Workbook()
    book.remove(book.worksheets[0])
    for name, headers, rows in sheets:
        sheet = book.create_sheet(_sheet_name(name))
        sheet.append([_cell(h) for h in headers])
        for cell in sheet[1]:
            cell.font = _BOLD
        for row in rows:
            sheet.append([_cell(v) for v in row])
        for index, header in enumerate(headers, start=1):
            longest = max([len(str(r[index - 1] or "")) for r in rows[:200]] + [len(header)])
            sheet.column_dimensions[get_column_letter(index)].width = max(8, min(60, longest + 2))
        sheet.freeze_panes = "A2"
    return workbook_bytes(book)


def _sheet_name(name: str) -> str:
    # Excel's rules for a sheet's name: at most 31 characters, none of []:*?/\
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in name).strip()
    return cleaned[:31] or "Sheet"


def xlsx_bytes(document: Document) -> bytes:
    return workbook([(t.name, *t.sheet(document.language)) for t in document.tables])
