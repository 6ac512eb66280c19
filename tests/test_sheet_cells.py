"""The people's sheet cell by cell: whatever a profile holds is written so that it reads back
the same, and what a hurried person types is read or refused with its reason."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sheets_support import read_back

from matcher import Candidate
from matcher.models import DAYS, LEVELS
from service.sheets.template import CANDIDATE_COLUMNS, CANDIDATES, CellProblem, Notes

COLUMNS = {c.key: c for c in CANDIDATE_COLUMNS}
clock = st.tuples(st.integers(0, 23), st.integers(0, 59)).map(lambda t: f"{t[0]:02d}:{t[1]:02d}")
window = st.fixed_dictionaries(
    {
        "days": st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True).map(
            lambda days: sorted(days, key=DAYS.index)
        ),
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
    .filter(lambda s: s and not s.endswith(")"))
)
person = st.fixed_dictionaries(
    {
        "id": st.from_regex(r"[A-Z]{2,5}-[0-9]{1,6}", fullmatch=True),
        "home": st.sampled_from(["2000", "2060", "2100", "2660", "9000"]).map(
            lambda p: {"postcode": p}
        ),
        "languages": st.dictionaries(
            st.sampled_from(["nl", "en", "uk", "ru", "fr", "ar"]), st.sampled_from(LEVELS)
        ),
        "skills": st.lists(
            st.one_of(
                text,
                st.builds(lambda s, y: {"label": s, "years": y}, text, st.integers(0, 40)),
            ),
            max_size=5,
        ),
        "occupations": st.lists(text, max_size=3),
        "transport": st.lists(
            st.sampled_from(["bike", "public_transport", "car", "walk"]), unique=True
        ),
        "driving_licence": st.booleans(),
        "max_commute_minutes": st.integers(5, 240),
        "availability": st.one_of(st.none(), st.lists(window, min_size=1, max_size=3)),
        "hours_per_week": st.one_of(
            st.none(),
            st.tuples(st.integers(0, 40), st.integers(0, 40)).map(
                lambda t: {"min": min(t), "max": max(t)}
            ),
        ),
        "stage": st.sampled_from(["intake", "activation", "ready", "placed"]),
        "display_name": st.one_of(st.none(), text),
        "coach": st.one_of(st.none(), text),
    }
)


@settings(max_examples=150, deadline=None)
@given(person)
def test_every_profile_written_to_a_row_reads_back_as_the_same_profile(
    fields: dict[str, Any],
) -> None:
    candidate = Candidate.model_validate(fields)
    assert read_back(CANDIDATES, candidate) == [candidate]


@pytest.mark.parametrize(
    ("key", "typed", "read"),
    [
        ("availability", "ma-vr 08:45-15:30", [
            {"days": list(DAYS[:5]), "start": "08:45", "end": "15:30"},
        ]),
        ("availability", "ma,wo 8u30-12.00; za 9:00-13:00", [
            {"days": ["mon", "wed"], "start": "08:30", "end": "12:00"},
            {"days": ["sat"], "start": "09:00", "end": "13:00"},
        ]),
        ("languages", "uk:native; en:b1; NL:moedertaal", {
            "uk": "native", "en": "B1", "nl": "native",
        }),
        ("transport", "Fiets; openbaar vervoer", ["bike", "public_transport"]),
        ("skills", "Excel (5 jaar); heftruck", [{"label": "Excel", "years": 5.0}, "heftruck"]),
    ],
)  # fmt: skip
def test_cells_typed_as_people_type_them(key: str, typed: str, read: Any) -> None:
    assert COLUMNS[key].read(typed, Notes())[key] == read


@pytest.mark.parametrize(
    ("key", "typed", "code"),
    [
        ("availability", "8u30-15u", "availability"),
        ("availability", "ma-vr 25:00-26:00", "availability"),
        ("languages", "Oekraïens: moedertaal", "language_code"),
        ("languages", "en:B3", "language_level"),
        ("languages", "en:B1; EN:B2", "language_twice"),
        ("postcode", "1234", "postcode"),
        ("hours_per_week", "veel", "hours"),
        ("driving_licence", "misschien", "yes_no"),
    ],
)
def test_cells_that_cannot_be_read_say_why(key: str, typed: str, code: str) -> None:
    with pytest.raises(CellProblem) as problem:
        COLUMNS[key].read(typed, Notes())
    assert problem.value.code == code
