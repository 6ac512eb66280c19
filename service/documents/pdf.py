"""Documents as one printed page (A4): fpdf2 writes it in pure Python, with DejaVu Sans embedded
so that Dutch, Ukrainian and Russian text all print."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from matcher.reasons import translator
from service.documents.tables import Document, Table, Value

_FONT = "DejaVu"
_LINE = 3.2  # mm: a table line at _SIZE
_PADDING = 0.9  # mm above and below a table row
_SIZE = 7.5  # pt: 20 lines with their reasons fit a page in Dutch, the longest of ours
_STRIPE = (242, 242, 242)
_RULE = (190, 190, 190)


@cache
def font_files() -> tuple[Path, Path]:
    """DejaVu Sans, regular and bold, as matplotlib ships them (found without importing it)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib, which ships the PDFs' font, is not installed")
    folder = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
    return folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


class _Page(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        regular, bold = font_files()
        self.add_font(_FONT, "", str(regular))
        self.add_font(_FONT, "B", str(bold))
        self.set_margins(12, 12, 12)
        # Pages are turned by _table, between rows (never inside one), or not at all.
        self.set_auto_page_break(False)

    def lines(self, width: float, text: str) -> list[str]:
        """The text wrapped to the width, in the current font: each line as printed."""
        if "\n" not in text and self.get_string_width(text) <= width - 2 * self.c_margin:
            return [text]  # most cells: an id, a score (wrapping is most of a PDF's time)
        found = self.multi_cell(
            width, _LINE, text, align="L", dry_run=True, output=MethodReturnValue.LINES
        )
        return found if isinstance(found, list) and found else [text]


def pdf_bytes(document: Document) -> bytes:
    """The document's title and facts, then its first table's PDF columns. A one-page
    document prints as many rows as fit and then says how many more the sheets have; any
    other goes on over pages, its header row on each."""
    page = _Page()
    page.set_title(document.title)
    page.set_lang(document.language)
    page.set_creator("Antwerp matcher")
    page.add_page()
    page.set_font(_FONT, "B", 14)
    page.multi_cell(0, 6.5, document.title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    page.set_font(_FONT, "", 9)
    for fact in document.facts:
        page.multi_cell(0, 4.5, fact, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    page.ln(3)
    for table in document.tables[:1]:
        _table(page, document, table)
    return bytes(page.output())


def _table(page: _Page, document: Document, table: Table) -> None:
    t = translator(document.language)
    shown = [(i, c) for i, c in enumerate(table.columns) if c.pdf_width is not None]
    headers = [table.headers(document.language)[i] for i, _ in shown]
    total = sum(c.pdf_width or 0 for _, c in shown)
    widths = [page.epw * (c.pdf_width or 0) / total for _, c in shown]
    page.set_font(_FONT, "B", _SIZE)
    widths = _header_words_whole(page, headers, widths)
    page.set_font(_FONT, "", _SIZE)
    if not table.rows:
        page.multi_cell(0, 5, t.text("document.none"))
        return
    # Room kept at the foot for the "more lines" note.
    bottom = page.h - page.b_margin - (2 * _LINE if document.one_page else 0)
    page.set_font(_FONT, "B", _SIZE)
    header = _wrapped(page, headers, widths)
    page.set_font(_FONT, "", _SIZE)
    _row(page, header, widths, bold=True)
    for drawn, row in enumerate(table.rows):
        cells = _wrapped(page, [_text(row[i]) for i, _ in shown], widths)
        if page.get_y() + _height(cells) > bottom:
            if document.one_page:
                page.set_y(page.get_y() + 1)
                page.multi_cell(0, 4.5, t.fill("document.more", {"count": len(table.rows) - drawn}))
                return
            page.add_page()
            _row(page, header, widths, bold=True)
        _row(page, cells, widths, stripe=drawn % 2 == 1)


def _header_words_whole(page: _Page, headers: list[str], widths: list[float]) -> list[float]:
    """The widths, each at least its header's longest word (in the current font): a language
    with longer words ("Оцінка" for "Score") would otherwise break a header inside a word. The
    room is taken from the columns wider than they need, in proportion to what they spare."""
    least = [
        max((page.get_string_width(w) for w in h.split()), default=0.0) + 2 * page.c_margin + 0.5
        for h in headers
    ]
    short = sum(max(0.0, m - w) for m, w in zip(least, widths, strict=True))
    spare = [max(0.0, w - m) for m, w in zip(least, widths, strict=True)]
    if short == 0 or sum(spare) <= short:
        return widths  # nothing to move, or no room to move it to
    taken = short / sum(spare)
    return [max(m, w - s * taken) for m, w, s in zip(least, widths, spare, strict=True)]


def _wrapped(page: _Page, cells: list[str], widths: list[float]) -> list[list[str]]:
    """Each cell's lines, wrapped once: measured for the row's height, then printed as they
    are (wrapping again to print would double a PDF's time)."""
    return [page.lines(w, c) for c, w in zip(cells, widths, strict=True)]


def _height(cells: list[list[str]]) -> float:
    return max(len(lines) for lines in cells) * _LINE + 2 * _PADDING


def _row(
    page: _Page,
    cells: list[list[str]],
    widths: list[float],
    *,
    bold: bool = False,
    stripe: bool = False,
) -> None:
    page.set_font(_FONT, "B" if bold else "", _SIZE)
    top = page.get_y()
    height = _height(cells)
    if stripe:
        page.set_fill_color(*_STRIPE)
        page.rect(page.l_margin, top, page.epw, height, style="F")
    x = page.l_margin
    for lines, width in zip(cells, widths, strict=True):
        for n, line in enumerate(lines):
            page.set_xy(x, top + _PADDING + n * _LINE)
            page.cell(width, _LINE, line, align="L")
        x += width
    page.set_draw_color(*_RULE)
    page.line(page.l_margin, top + height, page.l_margin + page.epw, top + height)
    page.set_xy(page.l_margin, top + height)
    page.set_font(_FONT, "", _SIZE)
