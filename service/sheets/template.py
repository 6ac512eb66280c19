"""The sheets of people and of vacancies: their columns, and how each cell is read and written
(one place for both, so that an export is an import sheet)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from pydantic import BaseModel

from matcher.models import DAYS, LEVELS, Candidate, Vacancy
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
    days: bool = False
    """A day the spreadsheet holds as a date is read as that day (elsewhere a date is refused)."""
    or_else: tuple[str, ...] = ()
    """Columns (by key) that, all filled in, stand for a required one left empty."""
    aliases: tuple[str, ...] = ()
    """Other headers offices' own sheets give it ("Titel" for "Functie"), read as this column."""

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.dutch, self.english, self.key, *self.aliases)

    def text(self, value: Cell) -> str:
        """The cell as the text this column reads."""
        if self.days and isinstance(value, datetime | date):
            return (value.date() if isinstance(value, datetime) else value).isoformat()
        return cell_text(value)


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
    """Text as written to a cell: a leading ' before anything a spreadsheet would run, and the
    control characters no .xlsx cell can hold (a record may, typed or pasted) shown as "�"
    instead of making the whole sheet fail."""
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _items(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# ---------------------------------------------------------------- the columns' formats

_POSTCODE = re.compile(r"^(?:BE?)?[-\s]?(\d{4})$")


def _read_postcode(key: str) -> Reader:
    def read(text: str, notes: Notes) -> dict[str, Any]:
        found = _POSTCODE.match(text.upper())
        if found is None or not is_known_postcode(found.group(1)):
            raise CellProblem("postcode", value=text)
        if found.group(1) != text:
            notes.add("postcode_read_as", value=text, postcode=found.group(1))
        return {key: {"postcode": found.group(1)}}

    return read


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
    """mon..fri as "ma-vr", mon, tue, thu, fri as "ma-di,do-vr", sun..thu as "zo-do": runs of
    days one after the other, in the order given, so that reading them gives that order back."""
    runs: list[list[int]] = []
    for n in (DAYS.index(d) for d in days):
        if runs and runs[-1][-1] == (n - 1) % 7:
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


def _range(text: str, number: str, unit: str, codes: tuple[str, str]) -> dict[str, float]:
    """ "19-30" or one figure "38" (with `unit` after it) as min and max; `codes` are the
    problems of text that is no such range and of one whose larger figure comes first."""
    found = re.fullmatch(rf"{number}(?:\s*-\s*{number})?{unit}", text.lower())
    if found is None:
        raise CellProblem(codes[0], value=text)
    low = float(found.group(1).replace(",", "."))
    high = float((found.group(2) or found.group(1)).replace(",", "."))
    if low > high:
        raise CellProblem(codes[1], value=text)
    return {"min": low, "max": high}


def _write_range(key: str) -> Writer:
    def write(record: Mapping[str, Any]) -> str:
        figures = record.get(key)
        if not figures:
            return ""
        low, high = _number(figures["min"]), _number(figures["max"])
        return low if low == high else f"{low}-{high}"

    return write


def _hours(text: str, _: Notes) -> dict[str, Any]:
    hours = _range(text, r"(\d{1,2}(?:[.,]\d+)?)", r"\s*(?:u|uur|h)?", ("hours", "hours_order"))
    return {"hours_per_week": hours}


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


def _postcode(key: str) -> Writer:
    return lambda record: str((record.get(key) or {}).get("postcode") or "")


def _transport(person: Mapping[str, Any]) -> str:
    return "; ".join(_TRANSPORT_WORDS[m] for m in person.get("transport", []))


CANDIDATE_COLUMNS: tuple[Column, ...] = (
    Column("id", "Referentie", "Reference", _text("id"), _field("id"), "OCMW-2026-0042"),
    Column(
        "display_name", "Naam", "Name", _text("display_name"), _field("display_name"), "Olena K."
    ),
    Column(
        "postcode",
        "Postcode",
        "Postcode",
        _read_postcode("home"),
        _postcode("home"),
        "2100",
        required=True,
    ),
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
    Column(
        "hours_per_week",
        "Uren per week",
        "Hours per week",
        _hours,
        _write_range("hours_per_week"),
        "19-30",
    ),
    Column("stage", "Fase", "Stage", _stage, _field("stage"), "ready"),
    Column("coach", "Coach", "Coach", _text("coach"), _field("coach"), "An"),
)
"""The people's sheet, one row a person; the order the template and exports write."""


# ---------------------------------------------------------------- the vacancies' formats


def _one_of(key: str, meanings: Mapping[str, str], code: str, **params: object) -> Reader:
    """A cell holding one of these words (letter case and accents aside) as the value it
    stands for; `params` fill the problem's message of a cell that holds none."""

    def read(text: str, _: Notes) -> dict[str, Any]:
        value = meanings.get(accentless(text))
        if value is None:
            raise CellProblem(code, value=text, **params)
        return {key: value}

    return read


_NOT_NEEDED = {"niet nodig", "geen", "nee", "not required", "none", "no", "-"}


def _read_dutch(text: str, _: Notes) -> dict[str, Any]:
    if text.lower() in _NOT_NEEDED:
        return {"language": {"dutch": None}}
    return {"language": {"dutch": _level(text)}}


def _level(text: str) -> str:
    if text.lower() in _NATIVE:
        return "native"
    if text.upper() in LEVELS:
        return text.upper()
    raise CellProblem("language_level", value=text, levels=", ".join(LEVELS))


def _write_dutch(vacancy: Mapping[str, Any]) -> str:
    language = vacancy.get("language") or {}
    if "dutch" not in language:
        return ""
    return "niet nodig" if language["dutch"] is None else str(language["dutch"])


def _read_contact_languages(text: str, _: Notes) -> dict[str, Any]:
    codes: list[str] = []
    for code in _items(text):
        if not re.fullmatch(r"[A-Za-z]{2}", code):
            meant = _LANGUAGE_NAMES.get(accentless(code), "uk")
            raise CellProblem("language_code", value=code, example=meant)
        codes.append(code.lower())
    return {"language": {"contact_languages": list(dict.fromkeys(codes))}}


def _write_contact_languages(vacancy: Mapping[str, Any]) -> str:
    return "; ".join((vacancy.get("language") or {}).get("contact_languages") or [])


def _read_contact_level(text: str, _: Notes) -> dict[str, Any]:
    return {"language": {"contact_level": _level(text)}}


def _write_contact_level(vacancy: Mapping[str, Any]) -> str:
    return str((vacancy.get("language") or {}).get("contact_level") or "")


_PATTERNS = {"alle": "all", "all": "all", "een": "any", "any": "any", "keuze": "any"}


def _write_shift_pattern(vacancy: Mapping[str, Any]) -> str:
    return "één" if vacancy.get("shift_pattern") == "any" else "alle"


def _decimal(text: str) -> float | None:
    """A number as typed, with a comma or a point, and "u", "uur" or "h" after it or not."""
    found = re.fullmatch(r"(\d{1,4}(?:[.,]\d+)?)\s*(?:u|uur|h)?", text.lower())
    return None if found is None else float(found.group(1).replace(",", "."))


def _read_week_hours(text: str, _: Notes) -> dict[str, Any]:
    hours = _decimal(text)
    if hours is None:
        raise CellProblem("week_hours", value=text)
    return {"hours_per_week": hours}


def _read_positions(text: str, _: Notes) -> dict[str, Any]:
    if not re.fullmatch(r"\d{1,4}", text):
        raise CellProblem("positions", value=text)
    return {"positions": int(text)}


_STATUSES = {
    "open": "open",
    "gesloten": "closed",
    "closed": "closed",
    "ingevuld": "filled",
    "vervuld": "filled",
    "filled": "filled",
}


def _contact(part: str) -> tuple[Reader, Writer]:
    def read(text: str, _: Notes) -> dict[str, Any]:
        return {"contact": {part: text}}

    def write(vacancy: Mapping[str, Any]) -> str:
        return str((vacancy.get("contact") or {}).get(part) or "")

    return read, write


def _read_wage(text: str, _: Notes) -> dict[str, Any]:
    euros = r"(?:€|eur|euro)?\s*(\d{1,3}(?:[.,]\d{1,2})?)\s*(?:€|eur|euro)?"
    return {"wage": _range(text, euros, r"(?:\s*/\s*(?:u|uur|h))?", ("wage", "wage_order"))}


_CONTRACTS = {
    "vast": "permanent",
    "onbepaalde duur": "permanent",
    "permanent": "permanent",
    "bepaalde duur": "fixed_term",
    "tijdelijk": "fixed_term",
    "fixed_term": "fixed_term",
    "fixed term": "fixed_term",
    "interim": "temporary_agency",
    "uitzendwerk": "temporary_agency",
    "temporary_agency": "temporary_agency",
    "flexi": "flexi",
    "flexijob": "flexi",
    "student": "student",
    "studentenjob": "student",
    "ander": "other",
    "anders": "other",
    "other": "other",
}
_CONTRACT_WORDS = {
    "permanent": "vast",
    "fixed_term": "bepaalde duur",
    "temporary_agency": "interim",
    "flexi": "flexi",
    "student": "student",
    "other": "ander",
}


def _write_contract(vacancy: Mapping[str, Any]) -> str:
    contract = vacancy.get("contract")
    return "" if contract is None else _CONTRACT_WORDS[contract]


_DAY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def _read_day(key: str) -> Reader:
    def read(text: str, _: Notes) -> dict[str, Any]:
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return {key: date.fromisoformat(text).isoformat()}
            found = _DAY.match(text)
            if found is not None:
                day, month, year = (int(g) for g in found.groups())
                return {key: date(year, month, day).isoformat()}
        except ValueError:
            pass
        raise CellProblem("day", value=text)

    return read


def _coordinate(part: str) -> tuple[Reader, Writer]:
    """A vacancy's exact place, where it has one besides (or instead of) its postcode."""

    def read(text: str, _: Notes) -> dict[str, Any]:
        found = re.fullmatch(r"-?\d{1,3}(?:[.,]\d+)?", text)
        if found is None:
            raise CellProblem("coordinate", value=text)
        return {"location": {part: float(text.replace(",", "."))}}

    def write(vacancy: Mapping[str, Any]) -> str:
        value = (vacancy.get("location") or {}).get(part)
        return "" if value is None else repr(float(value))

    return read, write


_CONTACT_NAME, _CONTACT_PHONE, _CONTACT_EMAIL = (
    _contact("name"),
    _contact("phone"),
    _contact("email"),
)

VACANCY_COLUMNS: tuple[Column, ...] = (
    Column("id", "Referentie", "Reference", _text("id"), _field("id"), "BR-2026-007"),
    Column(
        "employer",
        "Werkgever",
        "Employer",
        _text("employer"),
        _field("employer"),
        "Bakkerij Reigerhoek",
        required=True,
        aliases=("Bedrijf", "Company"),
    ),
    Column(
        "title",
        "Functie",
        "Title",
        _text("title"),
        _field("title"),
        "Productiemedewerker bakkerij",
        required=True,
        aliases=("Titel", "Functietitel", "Job title"),
    ),
    Column(
        "postcode",
        "Postcode",
        "Postcode",
        _read_postcode("location"),
        _postcode("location"),
        "2500",
        required=True,
        or_else=("lat", "lon"),
    ),
    Column("address", "Adres", "Address", _text("address"), _field("address"), "Kerkstraat 12"),
    Column(
        "skills_required",
        "Vereiste vaardigheden",
        "Required skills",
        _texts("skills_required"),
        _field("skills_required"),
        "bakken; deeg kneden",
        aliases=("Vaardigheden", "Skills"),
    ),
    Column(
        "skills_preferred",
        "Gewenste vaardigheden",
        "Preferred skills",
        _texts("skills_preferred"),
        _field("skills_preferred"),
        "voedselveiligheid",
    ),
    Column("dutch", "Nederlands", "Dutch", _read_dutch, _write_dutch, "A2"),
    Column(
        "contact_languages",
        "Contacttalen",
        "Contact languages",
        _read_contact_languages,
        _write_contact_languages,
        "uk; ru",
    ),
    Column(
        "contact_level",
        "Niveau contacttaal",
        "Contact language level",
        _read_contact_level,
        _write_contact_level,
        "B1",
    ),
    Column(
        "shifts",
        "Shiften",
        "Shifts",
        _read_windows("shifts"),
        _write_windows("shifts"),
        "di-za 04:00-12:00",
        required=True,
        aliases=("Ploegen", "Uurrooster", "Werkuren"),
    ),
    Column(
        "shift_pattern",
        "Welke shiften",
        "Shift pattern",
        _one_of("shift_pattern", _PATTERNS, "shift_pattern"),
        _write_shift_pattern,
        "alle",
    ),
    Column(
        "hours_per_week",
        "Uren per week",
        "Hours per week",
        _read_week_hours,
        _field("hours_per_week"),
        "30",
        required=True,
        aliases=("Uren", "Uren/week"),
    ),
    Column("positions", "Plaatsen", "Positions", _read_positions, _field("positions"), "1"),
    Column(
        "transport_provided",
        "Vervoer door werkgever",
        "Employer transport",
        _yes_no("transport_provided"),
        _field("transport_provided"),
        "nee",
    ),
    Column(
        "driving_licence_required",
        "Rijbewijs nodig",
        "Driving licence required",
        _yes_no("driving_licence_required"),
        _field("driving_licence_required"),
        "nee",
    ),
    Column(
        "status",
        "Status",
        "Status",
        _one_of("status", _STATUSES, "status", statuses="open, closed, filled"),
        _field("status"),
        "open",
    ),
    Column(
        "wage", "Uurloon (bruto)", "Wage per hour (gross)", _read_wage, _write_range("wage"), "14,5"
    ),
    Column(
        "contract",
        "Contract",
        "Contract",
        _one_of("contract", _CONTRACTS, "contract", words=", ".join(_CONTRACT_WORDS.values())),
        _write_contract,
        "vast",
    ),
    Column(
        "starts_on",
        "Startdatum",
        "Start date",
        _read_day("starts_on"),
        _field("starts_on"),
        "2027-01-04",
        days=True,
    ),
    Column(
        "closes_on",
        "Sluitingsdatum",
        "Closing date",
        _read_day("closes_on"),
        _field("closes_on"),
        "2027-03-31",
        days=True,
    ),
    Column("contact_name", "Contactpersoon", "Contact name", *_CONTACT_NAME, "Jan Peeters"),
    Column("contact_phone", "Telefoon", "Phone", *_CONTACT_PHONE, "+32 3 123 45 67"),
    Column("contact_email", "E-mail", "Email", *_CONTACT_EMAIL, "jobs@example.be"),
    Column("lat", "Breedtegraad", "Latitude", *_coordinate("lat"), ""),
    Column("lon", "Lengtegraad", "Longitude", *_coordinate("lon"), ""),
    Column(
        "description",
        "Omschrijving",
        "Description",
        _text("description"),
        _field("description"),
        "Deeg maken en ovens bedienen in een ploeg van vier.",
    ),
)
"""The vacancies' sheet, one row a vacancy; the order the template and exports write."""


# ---------------------------------------------------------------- the two sheets


def _folded(*parts: object) -> tuple[str, ...] | None:
    """Parts folded as `accentless` folds them (spaces run together), or None if one is missing."""
    if not all(isinstance(p, str) and p for p in parts):
        return None
    return tuple(accentless(str(p)) for p in parts)


@dataclass(frozen=True)
class SheetKind:
    """What differs between the sheet of people and the sheet of vacancies; reading, storing
    and writing are the same for both."""

    name: str
    """candidates or vacancies, as the routes and commands say it."""
    title: str
    """The sheet's name in a workbook written out."""
    columns: tuple[Column, ...]
    model: type[BaseModel]
    skill_columns: Mapping[str, Callable[[Any], list[str]]]
    """The columns whose phrases the vocabulary reads, and how to get them from the fields read."""
    model_field_columns: Mapping[str, str]
    """Which column a model error comes from (by its field, or field.subfield), where the
    names differ."""
    help_prefix: str
    """The message key of a column's instructions, before its key."""
    intro: str
    """The message key of the instructions' first line."""
    duplicate_id: str
    """The problem code of a reference given twice."""
    likeness: Callable[[Mapping[str, Any]], tuple[str, ...] | None]
    """What two rows share when they are likely the same (None: the row cannot tell)."""
    likeness_column: str
    """The column a likely duplicate is reported on."""
    same_row: str
    """The warning code of a row like an earlier one."""


CANDIDATES = SheetKind(
    name="candidates",
    title="Kandidaten",
    columns=CANDIDATE_COLUMNS,
    model=Candidate,
    skill_columns={"skills": _skill_phrases, "occupations": _skill_phrases},
    model_field_columns={"home": "postcode"},
    help_prefix="import.column.",
    intro="import.template.intro",
    duplicate_id="duplicate_id",
    likeness=lambda f: _folded(f.get("display_name"), (f.get("home") or {}).get("postcode")),
    likeness_column="display_name",
    same_row="same_person",
)

VACANCIES = SheetKind(
    name="vacancies",
    title="Vacatures",
    columns=VACANCY_COLUMNS,
    model=Vacancy,
    skill_columns={"skills_required": _skill_phrases, "skills_preferred": _skill_phrases},
    model_field_columns={
        "location": "postcode",
        "language": "dutch",
        "language.dutch": "dutch",
        "language.contact_languages": "contact_languages",
        "language.contact_level": "contact_level",
        "contact": "contact_name",
        "contact.name": "contact_name",
        "contact.phone": "contact_phone",
        "contact.email": "contact_email",
    },
    help_prefix="import.vacancy_column.",
    intro="import.vacancy_template.intro",
    duplicate_id="duplicate_vacancy_id",
    likeness=lambda f: _folded(
        f.get("employer"), f.get("title"), (f.get("location") or {}).get("postcode")
    ),
    likeness_column="title",
    same_row="same_vacancy",
)

SHEETS = {kind.name: kind for kind in (CANDIDATES, VACANCIES)}


def row_cells(columns: Sequence[Column], record: Mapping[str, Any]) -> list[str]:
    """A record (as JSON) as one row's cells, safe to open in a spreadsheet."""
    return [safe_text(column.write(record)) for column in columns]
