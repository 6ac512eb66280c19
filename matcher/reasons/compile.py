"""Compiles the translations (`locales/*/LC_MESSAGES/matcher.po`) to the `.mo` files read at run
time. Run at install (the build hook in `hatch_build.py` loads this file) and by `./dev` when a
catalogue changed: `python -m matcher.reasons.compile`. Needs Babel, which only building needs."""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "matcher"


def compiled(po: Path) -> bytes:
    """The `.mo` bytes of one catalogue; fuzzy or obsolete entries are left out, as msgfmt does."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle)
    errors = [(m.id, e) for m, es in catalog.check() for e in es]
    if errors:
        raise ValueError(f"{po}: {errors[0][1]} (message {errors[0][0]!r})")
    out = BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def catalogues(locales: Path = LOCALES) -> list[Path]:
    return sorted(locales.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def compile_all(locales: Path = LOCALES) -> list[Path]:
    """Writes every catalogue's `.mo` beside it (only where it differs); returns those written."""
    written = []
    for po in catalogues(locales):
        mo = po.with_suffix(".mo")
        data = compiled(po)
        if not mo.exists() or mo.read_bytes() != data:
            mo.write_bytes(data)
            written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_all(Path(sys.argv[1]) if len(sys.argv) > 1 else LOCALES):
        print(f"compiled {path}", file=sys.stderr)
