"""The vacancies' sheet cell by cell: whatever a vacancy holds is written so that it reads back
the same, and what a hurried employer types is read or refused with its reason."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sheets_support import read_back

from matcher import Vacancy
from matcher.models import DAYS, LEVELS
from service.sheets.reading import RawSheet, check_sheet
from service.sheets.template import VACANCIES, VACANCY_COLUMNS, CellProblem, Notes, row_cells

COLUMNS = {c.key: c for c in VACANCY_COLUMNS}
clock = st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda t: f"{t[0]:02d}:{t[1]:02d}")
shift = st.fixed_dictionaries(
    {
        # In any order: a night shift from Sunday is written "zo-do" and read back so.
        "days": st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True),
        "start": clock,
        "end": clock,
    }
).filter(lambda w: w["start"] != w["end"])
text = (
    st.text(
        st.characters(categories=("L", "N", "P", "Zs"), exclude_characters=";\"'"),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
codes = st.lists(st.sampled_from(["uk", "ru", "en", "fr", "ar", "pl"]), min_size=1, unique=True)
language = st.one_of(
    st.builds(
        lambda level, contact, contact_level: {
            "dutch": level,
            "contact_languages": contact,
            "contact_level": contact_level,
        },
        st.sampled_from(LEVELS),
        st.one_of(st.just([]), codes),
        st.one_of(st.none(), st.sampled_from(LEVELS)),
    ),
    st.builds(
        lambda contact, contact_level: {
            "dutch": None,
            "contact_languages": contact,
            "contact_level": contact_level,
        },
        codes,
        st.sampled_from(LEVELS),
    ),
)
cents = st.integers(1, 20000).map(lambda c: c / 100)
days = st.dates(date(2000, 1, 1), date(2100, 12, 31))
where = st.one_of(
    st.sampled_from(["2000", "2060", "2100", "2500", "9000"]).map(lambda p: {"postcode": p}),
    st.builds(
        lambda lat, lon, postcode: {"lat": lat, "lon": lon, "postcode": postcode},
        st.floats(49.5, 51.5),
        st.floats(2.6, 6.3),
        st.one_of(st.none(), st.just("2030")),
    ),
)
vacancy = st.fixed_dictionaries(
    {
        "id": st.one_of(st.none(), st.from_regex(r"[A-Z]{2,5}-[0-9]{1,6}", fullmatch=True)),
        "employer": text,
        "title": text,
        "location": where,
        "skills_required": st.lists(text, max_size=4),
        "skills_preferred": st.lists(text, max_size=3),
        "language": language,
        "shifts": st.lists(shift, min_size=1, max_size=4),
        "shift_pattern": st.sampled_from(["all", "any"]),
        "hours_per_week": st.integers(1, 120).map(lambda h: h / 2),
        "positions": st.integers(1, 1000),
        "transport_provided": st.booleans(),
        "driving_licence_required": st.booleans(),
        "status": st.sampled_from(["open", "closed", "filled"]),
        "description": st.one_of(st.none(), text),
        "address": st.one_of(st.none(), text),
        "contact": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {
                    "name": st.one_of(st.none(), text),
                    "phone": st.from_regex(
                        r"\+?32 [1-9][0-9]{1,2}( [0-9]{2,3}){2,3}", fullmatch=True
                    ),
                    "email": st.one_of(
                        st.none(), st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.be", fullmatch=True)
                    ),
                }
            ),
        ),
        "wage": st.one_of(
            st.none(),
            st.tuples(cents, cents).map(lambda t: {"min": min(t), "max": max(t)}),
        ),
        "contract": st.one_of(
            st.none(),
            st.sampled_from(
                ["permanent", "fixed_term", "temporary_agency", "flexi", "student", "other"]
            ),
        ),
        "starts_on": st.one_of(st.none(), days),
        "closes_on": st.one_of(st.none(), st.integers(0, 400).map(lambda d: timedelta(days=d))),
    }
)


def _dated(fields: dict[str, Any]) -> dict[str, Any]:
    """closes_on drawn as days after starts_on (or after a day of its own), as the model wants."""
    after = fields["closes_on"]
    if after is not None:
        start = fields["starts_on"] or date(2030, 1, 1)
        fields["closes_on"] = min(start + after, date(2100, 12, 31))
    return fields


@settings(max_examples=150, deadline=None)
@given(vacancy.map(_dated))
def test_every_vacancy_written_to_a_row_reads_back_as_the_same_vacancy(
    fields: dict[str, Any],
) -> None:
    job = Vacancy.model_validate(fields)
    assert read_back(VACANCIES, job) == [job]


@pytest.mark.parametrize(
    ("key", "typed", "read"),
    [
        ("shifts", "zo-do 22:00-06:00", {"shifts": [
            {"days": ["sun", "mon", "tue", "wed", "thu"], "start": "22:00", "end": "06:00"},
        ]}),
        ("dutch", "niet nodig", {"language": {"dutch": None}}),
        ("dutch", "b1", {"language": {"dutch": "B1"}}),
        ("contact_languages", "UK; ru; uk", {"language": {"contact_languages": ["uk", "ru"]}}),
        ("hours_per_week", "38 uur", {"hours_per_week": 38.0}),
        ("hours_per_week", "19,5", {"hours_per_week": 19.5}),
        ("wage", "€ 14,50", {"wage": {"min": 14.5, "max": 14.5}}),
        ("wage", "14-16 euro/uur", {"wage": {"min": 14.0, "max": 16.0}}),
        ("contract", "Interim", {"contract": "temporary_agency"}),
        ("shift_pattern", "één", {"shift_pattern": "any"}),
        ("status", "Ingevuld", {"status": "filled"}),
        ("closes_on", "31/03/2026", {"closes_on": "2026-03-31"}),
        ("closes_on", "1.4.2026", {"closes_on": "2026-04-01"}),
        ("contact_email", "jobs@example.be", {"contact": {"email": "jobs@example.be"}}),
    ],
)  # fmt: skip
def test_cells_typed_as_employers_type_them(key: str, typed: str, read: Any) -> None:
    assert COLUMNS[key].read(typed, Notes()) == read


@pytest.mark.parametrize(
    ("key", "typed", "code"),
    [
        ("shifts", "vroege dienst", "availability"),
        ("dutch", "B3", "language_level"),
        ("contact_languages", "Oekraïens", "language_code"),
        ("hours_per_week", "voltijds", "week_hours"),
        ("wage", "16-14", "wage_order"),
        ("wage", "1500 per maand", "wage"),
        ("closes_on", "31/02/2026", "day"),
        ("closes_on", "morgen", "day"),
        ("positions", "2,5", "positions"),
        ("contract", "zwart", "contract"),
        ("lat", "noord", "coordinate"),
    ],
)
def test_cells_that_cannot_be_read_say_why(key: str, typed: str, code: str) -> None:
    with pytest.raises(CellProblem) as problem:
        COLUMNS[key].read(typed, Notes())
    assert problem.value.code == code


def test_a_vacancy_with_coordinates_needs_no_postcode_and_one_with_neither_is_told_so() -> None:
    headers = [c.dutch for c in VACANCY_COLUMNS]
    base = {
        "employer": "Bakkerij Reigerhoek",
        "title": "Bakker",
        "language": {"dutch": "A2"},
        "shifts": [{"days": ["mon"], "start": "06:00", "end": "14:00"}],
        "hours_per_week": 30,
    }
    placed = row_cells(VACANCY_COLUMNS, {**base, "location": {"lat": 51.2, "lon": 4.4}})
    nowhere = row_cells(VACANCY_COLUMNS, {**base, "location": {"lat": 51.2}})
    report = check_sheet(RawSheet(rows=[headers, placed, nowhere]), kind=VACANCIES)
    assert [(p.row, p.column, p.code) for p in report.errors] == [(3, "Postcode", "required")]
    assert [v.model_dump()["location"]["lat"] for v in report.valid] == [51.2]
