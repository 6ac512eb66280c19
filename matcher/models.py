"""Candidates and vacancies as the HTTP contract describes them, validated field by field."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from matcher.travel.geo import is_known_postcode, known_postcodes, postcode_place

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LEVELS: tuple[str, ...] = ("A1", "A2", "B1", "B2", "C1", "C2", "native")
MINUTES_PER_DAY = 24 * 60
MAX_COMMUTE_MINUTES = 240
"""The longest one-way commute anyone may set; the travel searches reach no further."""

DayName = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
LevelName = Literal["A1", "A2", "B1", "B2", "C1", "C2", "native"]
TransportMode = Literal["walk", "bike", "public_transport", "car"]
Stage = Literal["intake", "activation", "ready", "placed", "follow_up", "closed"]
VacancyStatus = Literal["open", "closed", "filled"]
Contract = Literal["permanent", "fixed_term", "temporary_agency", "flexi", "student", "other"]

EARLIEST_DAY = date(2000, 1, 1)
"""No day the service takes is earlier: the programme began in 2025, so this leaves decades for
records carried over from earlier schemes while refusing typos such as 0202-01-05, and it keeps
every day far from `date.min`, so no arithmetic on it can run off the calendar."""
LATEST_DAY = date(2100, 12, 31)
"""No day the service takes is later (nor is any step's day after today): months added to it for
a follow-up stay far inside the calendar, which ends on 9999-12-31."""

# "8:45", "08:45", "8u45", "8.45", "8h45" and "08:45:00" all mean 08:45.
_CLOCK = re.compile(r"^(\d{1,2})[:.uh](\d{2})(?::00)?$")
_DAY_NAMES = {
    **{d: d for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
    **dict(zip(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], strict=True)),
    # Dutch, as Flemish coaches write them
    **dict(zip(["ma", "di", "wo", "do", "vr", "za", "zo"],
               ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], strict=True)),
    **dict(zip(
        ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"],
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], strict=True)),
}  # fmt: skip
# Coordinates must lie in Belgium or just across its borders (people near Roosendaal or Lille).
LAT_RANGE = (49.3, 51.8)
LON_RANGE = (2.3, 6.6)


_LEVEL_RANKS = {level: k + 1 for k, level in enumerate(LEVELS)}


def level_rank(level: str | None) -> int:
    """0 for no knowledge, 1 for A1 ... 6 for C2, 7 for a native speaker."""
    return 0 if level is None else _LEVEL_RANKS[level]


def clock_minutes(clock: str) -> int:
    """Minutes after midnight of a validated "HH:MM"."""
    return int(clock[:2]) * 60 + int(clock[3:])


def _check_clock(value: str) -> str:
    match = _CLOCK.match(value.strip())
    hours, minutes = (int(match.group(1)), int(match.group(2))) if match else (99, 99)
    if not (hours < 24 and minutes < 60 or (hours, minutes) == (24, 0)):
        raise ValueError(f"'{value}' is not a time of day as HH:MM (00:00 to 24:00)")
    return f"{hours:02d}:{minutes:02d}"


def _day_input(value: object) -> object:
    return _DAY_NAMES.get(value.strip().lower(), value) if isinstance(value, str) else value


def _level_input(value: object) -> object:
    if isinstance(value, str):
        text = value.strip()
        return "native" if text.lower() == "native" else text.upper()
    return value


def _postcode_input(value: object) -> object:
    """2100 as a number, "B-2100" or "BE 2100" are all postcode "2100"."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return re.sub(r"^(?:BE?)[-\s]?(?=\d{4}$)", "", value.strip().upper())
    return value


def _check_language_code(value: str) -> str:
    code = value.strip().lower()
    if not re.fullmatch(r"[a-z]{2}", code):
        raise ValueError(f"'{value}' is not a two-letter ISO 639-1 language code such as nl or uk")
    return code


# The schema publishes the canonical spelling of what these accept (a request written so is
# never refused for it), not every spelling the validators also read ("8u45", "NL"): a schema
# that says less than is checked sends generated clients and fuzzers mostly refused bodies.
_CLOCK_SCHEMA = {"type": "string", "pattern": r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"}
_START_PATTERN = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$"
ClockTime = Annotated[str, AfterValidator(_check_clock), WithJsonSchema(_CLOCK_SCHEMA)]
Day = Annotated[DayName, BeforeValidator(_day_input)]
Level = Annotated[LevelName, BeforeValidator(_level_input)]
LanguageCode = Annotated[
    str,
    AfterValidator(_check_language_code),
    WithJsonSchema({"type": "string", "pattern": "^[a-z]{2}$"}),
]
# What an id may not contain, as one negated class: ASCII punctuation except _ . : - (so "/",
# "?", "#" and "%" never need escaping in a path), controls, spaces and invisible format
# characters (bidi overrides, zero-width space, BOM), U+FFF9..U+FFFF (U+FFFD is what a path's
# broken UTF-8 decodes to). Stated this way because it means the same in every regex dialect
# that reads it: pydantic checks with Rust's `regex`, the OpenAPI schema is ECMA-262 (where \w
# is ASCII only, so the old `^[\w.:-]+$` was published narrower than it was checked) and
# schemathesis generates with Python's `re`. Only \xNN and \uNNNN escapes are used, which all
# three read alike; surrogates are not listed, so ECMA-262 without the u flag (which sees an
# astral letter as two UTF-16 units) still accepts a string if and only if the others do; lone
# surrogates are refused for all text elsewhere (service.app). The length is min/maxLength, not
# a quantifier, since JSON Schema counts code points there and ECMA-262 quantifiers count units.
# Every id the earlier pattern (`^[\w.:-]+$` with Unicode \w) accepted matches this one
# (tests/service/test_ids.py checks each code point), so ids stored before stay reachable.
ID_PATTERN = (
    r"^[^\x00-\x2c\x2f\x3b-\x40\x5b-\x5e\x60\x7b-\xa0\xad\u1680\u180e\u2000-\u200b"
    r"\u2028-\u202f\u205f-\u2064\u2066-\u206f\u3000\ufeff\ufff9-\uffff]+$"
)
ID_MAX_LENGTH = 64
Identifier = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=ID_MAX_LENGTH, pattern=ID_PATTERN
    ),
]
ShortText = Annotated[
    str,
    # The pattern says in the schema what stripping checks: something besides spaces.
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"\S"),
]


class _Model(BaseModel):
    # NaN and infinities would pass every range check unnoticed (NaN compares false) and JSON
    # cannot carry them back out.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _location_schema(schema: dict[str, Any]) -> None:
    # A postcode, or both coordinates (they win when both are given). Stated so that it holds
    # for what is sent and for what is returned (every field present, unused ones null), so one
    # schema serves both and keeps its name.
    schema["anyOf"] = [
        {"required": ["postcode"], "properties": {"postcode": {"type": "string"}}},
        {
            "required": ["lat", "lon"],
            "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}},
        },
    ]


def _number_or_null(low: float, high: float) -> WithJsonSchema:
    return WithJsonSchema(
        {"anyOf": [{"type": "number", "minimum": low, "maximum": high}, {"type": "null"}]}
    )


class Location(_Model):
    """A Belgian postcode, or coordinates."""

    model_config = ConfigDict(json_schema_extra=_location_schema)

    postcode: Annotated[
        str | None,
        BeforeValidator(_postcode_input),
        WithJsonSchema(
            {"anyOf": [{"type": "string", "enum": known_postcodes()}, {"type": "null"}]}
        ),
    ] = Field(default=None, examples=["2100"])
    lat: Annotated[float | None, _number_or_null(*LAT_RANGE)] = Field(default=None, ge=-90, le=90)
    lon: Annotated[float | None, _number_or_null(*LON_RANGE)] = Field(default=None, ge=-180, le=180)

    @model_validator(mode="after")
    def _one_way_to_say_where(self) -> Self:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither")
        if self.lat is not None and self.lon is not None:
            inside = LAT_RANGE[0] <= self.lat <= LAT_RANGE[1]
            if not (inside and LON_RANGE[0] <= self.lon <= LON_RANGE[1]):
                (south, north), (west, east) = LAT_RANGE, LON_RANGE
                raise ValueError(
                    f"lat {self.lat}, lon {self.lon} lies outside Belgium and its border region "
                    f"(lat {south} to {north}, lon {west} to {east}); are lat and lon swapped?"
                )
        if self.postcode is not None:
            code = self.postcode.strip()
            if not is_known_postcode(code):
                raise ValueError(f"postcode '{self.postcode}' is not a Belgian postcode")
            object.__setattr__(self, "postcode", code)
        elif self.lat is None:
            raise ValueError("give a postcode, or lat and lon")
        return self

    @property
    def coordinates(self) -> tuple[float, float]:
        """Latitude and longitude; exact coordinates win over the postcode's point."""
        if self.lat is not None and self.lon is not None:
            return self.lat, self.lon
        place = postcode_place(self.postcode or "")
        if place is None:  # validated on construction, so only a changed postcode table gets here
            raise LookupError(f"postcode {self.postcode} is not in the postcode table")
        return place.lat, place.lon


class TimeWindow(_Model):
    """Days of the week and a time span; an end before the start crosses midnight."""

    days: list[Day] = Field(
        min_length=1,
        examples=[["mon", "tue", "wed", "thu", "fri"]],
        json_schema_extra={"uniqueItems": True},
    )
    start: ClockTime = Field(examples=["08:45"], json_schema_extra={"pattern": _START_PATTERN})
    end: ClockTime = Field(examples=["15:30"])

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if self.start == "24:00":
            raise ValueError("start must be 00:00 to 23:59; 24:00 is only an end")
        if self.duration_minutes == 0:
            raise ValueError("start and end are the same time: a window needs a length")
        if len(set(self.days)) != len(self.days):
            raise ValueError("a day is listed twice")
        return self

    @property
    def start_minute(self) -> int:
        return clock_minutes(self.start)

    @property
    def duration_minutes(self) -> int:
        """Length in minutes; 00:00-24:00 is the whole day, an end before the start is next day."""
        if self.end == "24:00" and self.start == "00:00":
            return MINUTES_PER_DAY
        return (clock_minutes(self.end) - self.start_minute) % MINUTES_PER_DAY


class Shift(TimeWindow):
    """A working time the vacancy demands."""


class Skill(_Model):
    label: ShortText
    years: float | None = Field(default=None, ge=0, le=60)


SkillEntry = ShortText | Skill


class HoursRange(_Model):
    min: float = Field(ge=0, le=80)
    max: float = Field(ge=0, le=80)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min > self.max:
            raise ValueError("min is larger than max")
        return self


class Candidate(_Model):
    """A person looking for work, as profiled by the social-welfare office and their coach."""

    id: Identifier | None = None
    home: Location
    languages: dict[LanguageCode, Level] = Field(
        default_factory=dict, json_schema_extra={"propertyNames": {"pattern": "^[a-z]{2}$"}}
    )
    skills: list[SkillEntry] = Field(default_factory=list, max_length=100)
    occupations: list[ShortText] = Field(default_factory=list, max_length=20)
    # Walking is always possible; these are the other ways the person can travel.
    transport: list[TransportMode] = Field(default_factory=list)
    driving_licence: bool = False
    max_commute_minutes: int = Field(default=60, ge=5, le=MAX_COMMUTE_MINUTES)
    availability: list[TimeWindow] | None = Field(default=None, min_length=1)
    hours_per_week: HoursRange | None = None
    stage: Stage = "ready"
    # Personal, for finding people in lists (GET /candidates?q=); never shown to employers.
    display_name: ShortText | None = None
    coach: ShortText | None = Field(default=None, description="Who follows the person")

    @field_validator("languages", mode="before")
    @classmethod
    def _one_level_per_language(cls, value: object) -> object:
        if isinstance(value, dict):
            codes = [str(k).strip().lower() for k in value]
            twice = sorted({c for c in codes if codes.count(c) > 1})
            if twice:
                raise ValueError(f"{', '.join(twice)} given more than once (letter case aside)")
        return value

    @property
    def skill_labels(self) -> list[str]:
        return [s if isinstance(s, str) else s.label for s in self.skills]


def _language_requirement_schema(schema: dict[str, Any]) -> None:
    schema["anyOf"] = [
        {"required": ["dutch"], "properties": {"dutch": {"type": "string"}}},
        {
            "required": ["contact_languages", "contact_level"],
            "properties": {
                "contact_languages": {"minItems": 1},
                "contact_level": {"type": "string"},
            },
        },
    ]


class LanguageRequirement(_Model):
    """Dutch at a level, or (dutch null) a contact language at a level: a language-light job."""

    model_config = ConfigDict(json_schema_extra=_language_requirement_schema)

    dutch: Level | None = None
    contact_languages: list[LanguageCode] = Field(default_factory=list)
    contact_level: Level | None = None

    @field_validator("contact_languages")
    @classmethod
    def _once_each(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _contact_when_dutch_not_required(self) -> Self:
        if self.dutch is None:
            if self.contact_level is None:
                raise ValueError("contact_level is required when dutch is null (not required)")
            if not self.contact_languages:
                raise ValueError(
                    "contact_languages must name at least one language when dutch is null"
                )
        return self

    @property
    def language_light(self) -> bool:
        return self.dutch is None


# What a coach needs to act on a vacancy. ASCII classes only in the patterns, so pydantic (Rust's
# regex), the published schema (ECMA-262) and fuzzers (Python's re) read them alike.
PHONE_PATTERN = r"^\+?[0-9](?:[0-9 ]*[0-9])?$"
EMAIL_PATTERN = r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$"
MAX_WAGE_PER_HOUR = 200.0
"""Euros gross per hour; Belgian minimum wages are near 12 and higher figures are typos (a
monthly or yearly wage in the hourly field)."""
# The schema says which years (JSON Schema has no bound for a date), so generated clients do not
# send days the service refuses; every day it accepts (and answers) matches.
_DAY_SCHEMA = {
    "type": "string",
    "format": "date",
    "pattern": r"^(?:20[0-9]{2}|2100)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$",
}
VacancyDay = Annotated[date, Field(ge=EARLIEST_DAY, le=LATEST_DAY), WithJsonSchema(_DAY_SCHEMA)]


class Contact(_Model):
    """The employer's contact person for this vacancy."""

    name: ShortText | None = None
    phone: Annotated[
        str | None,
        Field(min_length=6, max_length=30, pattern=PHONE_PATTERN, examples=["+32 3 123 45 67"]),
    ] = None
    email: Annotated[
        str | None,
        Field(max_length=254, pattern=EMAIL_PATTERN, examples=["jobs@example.be"]),
    ] = None


class WageRange(_Model):
    """Gross euros per hour, from min to max (equal for a single figure)."""

    min: float = Field(gt=0, le=MAX_WAGE_PER_HOUR)
    max: float = Field(gt=0, le=MAX_WAGE_PER_HOUR)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min > self.max:
            raise ValueError(f"wage min {self.min} is larger than max {self.max}")
        return self


class Vacancy(_Model):
    """An open position at an employer, with the shifts it demands."""

    id: Identifier | None = None
    employer: ShortText
    title: ShortText
    location: Location
    skills_required: list[ShortText] = Field(default_factory=list, max_length=50)
    skills_preferred: list[ShortText] = Field(default_factory=list, max_length=50)
    language: LanguageRequirement
    shifts: list[Shift] = Field(min_length=1, max_length=21)
    shift_pattern: Literal["all", "any"] = "all"
    hours_per_week: float = Field(gt=0, le=60)
    positions: int = Field(default=1, ge=1, le=1000)
    transport_provided: bool = False
    driving_licence_required: bool = False
    status: VacancyStatus = "open"
    description: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)] | None
    ) = None
    address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None
    contact: Contact | None = None
    wage: WageRange | None = Field(default=None, description="Gross euros per hour")
    contract: Contract | None = None
    starts_on: VacancyDay | None = None
    closes_on: VacancyDay | None = Field(
        default=None, description="The last day it is open: the day after, it closes itself"
    )

    @field_validator("closes_on")
    @classmethod
    def _closes_after_it_starts(cls, closes_on: date | None, info: ValidationInfo) -> date | None:
        # A field validator (starts_on is validated first), so the error's loc is closes_on.
        starts_on = info.data.get("starts_on")
        if closes_on is not None and starts_on is not None and closes_on < starts_on:
            raise ValueError(f"closes_on {closes_on} is before starts_on {starts_on}")
        return closes_on
