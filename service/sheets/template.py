"""The people's sheet: its columns, and how each cell is read and written (one place for both,
so that an export is an import sheet)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from matcher.models import DAYS, LEVELS
from matcher.reading.vocabulary import accentless
from matcher.travel.geo import is_known_postcode

Cell = str | int | float | bool | datetime | date | time | timedelta | None
"""A cell's value as openpyxl or the CSV reader gives it."""


class CellProblem(Exception):
    """A cell that cannot be read: a message key (`import.problem.CODE`) and its params."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Notes:
    """Warnings about cells that were read anyway (`import.warning.CODE` and params)."""

    found: list[tuple[str, dict[str, object]]] = field(default_factory=list)

    def add(self, code: str, **params: object) -> None:
        self.found.append((code, params))


Reader = Callable[[str, Notes], dict[str, Any]]
"""A cell's text (never empty) to the model's fields it gives."""
Writer = Callable[[Mapping[str, Any]], str]
"""The model's JSON to the cell's text ("" for nothing)."""


@dataclass(frozen=True)
class Column:
    key: str
    """The name a mapping file uses for it, and the message keys' last part."""
    dutch: str
    english: str
    read: Reader
    write: Writer
    example: str
    required: bool = False

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.dutch, self.english, self.key)


# ---------------------------------------------------------------- cells as text

# A spreadsheet program runs text starting with one of these as a formula (and CSV readers do
# too): written with a leading ', read back without it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_text(value: Cell) -> str:
    """A cell as the text the columns read; a day or a time is refused (no column holds one:
    a spreadsheet turned what was typed into a date)."""
    if value is None:
        return ""
    if isinstance(value, datetime | date | time | timedelta):
        raise CellProblem("date_in_cell", value=shown_text(value))
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] in _FORMULA_START:
        return text[1:]
    return text


def shown_text(value: Cell) -> str:
    """A cell's text as the sheet shows it: a day or a time in ISO form."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return cell_text(value)


def safe_text(text: str) -> str:
    """Text as written to a cell: a leading ' before anything a spreadsheet would run."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _items(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# ---------------------------------------------------------------- the columns' formats

_POSTCODE = re.compile(r"^(?:BE?)?[-\s]?(\d{4})$")


def _read_postcode(text: str, notes: Notes) -> dict[str, Any]:
    found = _POSTCODE.match(text.upper())
    if found is None or not is_known_postcode(found.group(1)):
        raise CellProblem("postcode", value=text)
    if found.group(1) != text:
        notes.add("postcode_read_as", value=text, postcode=found.group(1))
    return {"home": {"postcode": found.group(1)}}


# Names people write instead of the code: only to say which code they meant.
_LANGUAGE_NAMES = {
    "oekraiens": "uk",
    "ukrainian": "uk",
    "russisch": "ru",
    "russian": "ru",
    "engels": "en",
    "english": "en",
    "nederlands": "nl",
    "dutch": "nl",
    "vlaams": "nl",
    "frans": "fr",
    "french": "fr",
    "arabisch": "ar",
    "arabic": "ar",
    "duits": "de",
    "german": "de",
}
_NATIVE = {"native", "moedertaal"}


def _read_languages(text: str, _: Notes) -> dict[str, Any]:
    languages: dict[str, str] = {}
    for part in _items(text):
        code, _colon, level = (s.strip() for s in part.partition(":"))
        if not re.fullmatch(r"[A-Za-z]{2}", code):
            meant = _LANGUAGE_NAMES.get(accentless(code), "uk")
            raise CellProblem("language_code", value=code, example=f"{meant}:B1")
        if level.lower() in _NATIVE:
            level = "native"
        elif level.upper() in LEVELS:
            level = level.upper()
        else:
            raise CellProblem("language_level", value=level or part, levels=", ".join(LEVELS))
        if code.lower() in languages:
            raise CellProblem("language_twice", value=code.lower())
        languages[code.lower()] = level
    return {"languages": languages}


def _write_languages(person: Mapping[str, Any]) -> str:
    return "; ".join(f"{code}:{level}" for code, level in person.get("languages", {}).items())


_YEARS = re.compile(r"^(.*?)\s*\((\d+(?:[.,]\d+)?)\s*(?:jaar|j|years?|y)?\)$", re.IGNORECASE)


def _read_skills(text: str, _: Notes) -> dict[str, Any]:
    skills: list[Any] = []
    for part in _items(text):
        found = _YEARS.match(part)
        if found and found.group(1):
            skills.append(
                {"label": found.group(1), "years": float(found.group(2).replace(",", "."))}
            )
        else:
            skills.append(part)
    return {"skills": skills}


def _write_skills(person: Mapping[str, Any]) -> str:
    return "; ".join(
        s if isinstance(s, str) else s["label"] if s.get("years") is None
        else f"{s['label']} ({_number(s['years'])} jaar)"
        for s in person.get("skills", [])
    )  # fmt: skip


def _skill_phrases(value: Any) -> list[str]:
    return [s if isinstance(s, str) else s["label"] for s in value]


_TRANSPORT = {
    "fiets": "bike",
    "bike": "bike",
    "openbaar vervoer": "public_transport",
    "ov": "public_transport",
    "public transport": "public_transport",
    "public_transport": "public_transport",
    "auto": "car",
    "car": "car",
    "te voet": "walk",
    "walk": "walk",
}
_TRANSPORT_WORDS = {"bike": "fiets", "public_transport": "openbaar vervoer", "car": "auto"}
_TRANSPORT_WORDS["walk"] = "te voet"


def _read_transport(text: str, _: Notes) -> dict[str, Any]:
    modes = []
    for part in _items(text):
        mode = _TRANSPORT.get(part.lower())
        if mode is None:
            raise CellProblem("transport", value=part, words=", ".join(_TRANSPORT_WORDS.values()))
        modes.append(mode)
    return {"transport": list(dict.fromkeys(modes))}


_YES = {"ja", "yes", "j", "y", "x", "1", "true", "waar"}
_NO = {"nee", "no", "n", "0", "false", "onwaar"}


def _yes_no(key: str) -> Reader:
    def read(text: str, _: Notes) -> dict[str, Any]:
        if text.lower() in _YES:
            return {key: True}
        if text.lower() in _NO:
            return {key: False}
        raise CellProblem("yes_no", value=text)

    return read


def _minutes(text: str, _: Notes) -> dict[str, Any]:
    found = re.fullmatch(r"(\d{1,3})\s*(?:min|minuten|minutes)?", text.lower())
    if found is None:
        raise CellProblem("minutes", value=text)
    return {"max_commute_minutes": int(found.group(1))}


_DUTCH_DAYS = ("ma", "di", "wo", "do", "vr", "za", "zo")
_DAY_WORDS = {
    **{d: k for k, d in enumerate(_DUTCH_DAYS)},
    **{d: k for k, d in enumerate(DAYS)},
    **{d: k for k, d in enumerate(("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag"))},
    "zaterdag": 5,
    "zondag": 6,
}
_CLOCK = r"(\d{1,2})[:.uh](\d{2})"
_WINDOW = re.compile(rf"^([a-z,\-\s]+?)\s+{_CLOCK}\s*-\s*{_CLOCK}$")


def _days(text: str) -> list[str] | None:
    days: list[int] = []
    for item in (s.strip() for s in text.split(",")):
        first, _dash, last = (s.strip() for s in item.partition("-"))
        if first not in _DAY_WORDS or (last and last not in _DAY_WORDS):
            return None
        start, end = _DAY_WORDS[first], _DAY_WORDS[last or first]
        days.extend((start + k) % 7 for k in range((end - start) % 7 + 1))
    return [DAYS[d] for d in dict.fromkeys(days)]


def _read_windows(key: str) -> Reader:
    def read(text: str, _: Notes) -> dict[str, Any]:
        windows = []
        for part in _items(text):
            found = _WINDOW.match(part.lower())
            days = _days(found.group(1)) if found else None
            if found is None or days is None:
                raise CellProblem("availability", value=part)
            h1, m1, h2, m2 = (int(g) for g in found.groups()[1:])
            if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2 > 0):
                raise CellProblem("availability", value=part)
            windows.append(
                {"days": days, "start": f"{h1:02d}:{m1:02d}", "end": f"{h2:02d}:{m2:02d}"}
            )
        return {key: windows}

    return read


def _day_runs(days: Sequence[str]) -> str:
    """mon..fri as "ma-vr", mon, tue, thu, fri as "ma-di,do-vr"."""
    numbers = sorted(DAYS.index(d) for d in days)
    runs: list[list[int]] = []
    for n in numbers:
        if runs and runs[-1][-1] == n - 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ",".join(
        _DUTCH_DAYS[r[0]] if len(r) == 1 else f"{_DUTCH_DAYS[r[0]]}-{_DUTCH_DAYS[r[-1]]}"
        for r in runs
    )


def _write_windows(key: str) -> Writer:
    def write(record: Mapping[str, Any]) -> str:
        windows = record.get(key) or []
        return "; ".join(f"{_day_runs(w['days'])} {w['start']}-{w['end']}" for w in windows)

    return write


def _hours(text: str, _: Notes) -> dict[str, Any]:
    number = r"(\d{1,2}(?:[.,]\d+)?)"
    found = re.fullmatch(rf"{number}(?:\s*-\s*{number})?\s*(?:u|uur|h)?", text.lower())
    if found is None:
        raise CellProblem("hours", value=text)
    low = float(found.group(1).replace(",", "."))
    high = float((found.group(2) or found.group(1)).replace(",", "."))
    if low > high:
        raise CellProblem("hours_order", value=text)
    return {"hours_per_week": {"min": low, "max": high}}


def _write_hours(person: Mapping[str, Any]) -> str:
    hours = person.get("hours_per_week")
    if not hours:
        return ""
    low, high = _number(hours["min"]), _number(hours["max"])
    return low if low == high else f"{low}-{high}"


def _stage(text: str, _: Notes) -> dict[str, Any]:
    from matcher.outcomes.programme import STAGES

    if text.lower() not in STAGES:
        raise CellProblem("stage", value=text, stages=", ".join(STAGES))
    return {"stage": text.lower()}


def _text(key: str) -> Reader:
    return lambda text, _: {key: text}


def _texts(key: str) -> Reader:
    return lambda text, _: {key: _items(text)}


def _field(key: str, default: Any = None) -> Writer:
    def write(record: Mapping[str, Any]) -> str:
        value = record.get(key, default)
        if value is None or value == default:
            return "" if default is None else str(value)
        if isinstance(value, bool):
            return "ja" if value else "nee"
        if isinstance(value, list):
            return "; ".join(value)
        return _number(value) if isinstance(value, float) else str(value)

    return write


def _postcode(person: Mapping[str, Any]) -> str:
    return str(person.get("home", {}).get("postcode") or "")


def _transport(person: Mapping[str, Any]) -> str:
    return "; ".join(_TRANSPORT_WORDS[m] for m in person.get("transport", []))


CANDIDATE_COLUMNS: tuple[Column, ...] = (
    Column("id", "Referentie", "Reference", _text("id"), _field("id"), "OCMW-2026-0042"),
    Column(
        "display_name", "Naam", "Name", _text("display_name"), _field("display_name"), "Olena K."
    ),
    Column("postcode", "Postcode", "Postcode", _read_postcode, _postcode, "2100", required=True),
    Column(
        "languages",
        "Talen",
        "Languages",
        _read_languages,
        _write_languages,
        "uk:native; en:B1; nl:A2",
    ),
    Column(
        "skills",
        "Vaardigheden",
        "Skills",
        _read_skills,
        _write_skills,
        "boekhouding; Excel (5 jaar); водій навантажувача",
    ),
    Column(
        "occupations",
        "Beroepen",
        "Occupations",
        _texts("occupations"),
        _field("occupations"),
        "бухгалтер",
    ),
    Column(
        "transport", "Vervoer", "Transport", _read_transport, _transport, "fiets; openbaar vervoer"
    ),
    Column(
        "driving_licence",
        "Rijbewijs",
        "Driving licence",
        _yes_no("driving_licence"),
        _field("driving_licence"),
        "nee",
    ),
    Column(
        "max_commute_minutes",
        "Max reistijd (min)",
        "Max commute (min)",
        _minutes,
        _field("max_commute_minutes"),
        "60",
    ),
    Column(
        "availability",
        "Beschikbaarheid",
        "Availability",
        _read_windows("availability"),
        _write_windows("availability"),
        "ma-vr 08:45-15:30; za 09:00-12:00",
    ),
    Column("hours_per_week", "Uren per week", "Hours per week", _hours, _write_hours, "19-30"),
    Column("stage", "Fase", "Stage", _stage, _field("stage"), "ready"),
    Column("coach", "Coach", "Coach", _text("coach"), _field("coach"), "An"),
)
"""The people's sheet, one row a person; the order the template and exports write."""

SKILL_COLUMNS = {"skills": _skill_phrases, "occupations": _skill_phrases}
"""The columns whose phrases the vocabulary reads, and how to get them from the fields read."""

MODEL_FIELD_COLUMNS = {
    "home": "postcode",
    "hours_per_week": "hours_per_week",
}
"""Which column a model error's first field comes from, where the two names differ."""


def row_cells(columns: Sequence[Column], record: Mapping[str, Any]) -> list[str]:
    """A record (as JSON) as one row's cells, safe to open in a spreadsheet."""
    return [safe_text(column.write(record)) for column in columns]
