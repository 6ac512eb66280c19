"""Bad input gets an error that names the field and says why."""

import pytest
from factories import make_candidate, make_vacancy
from pydantic import ValidationError


def _error(build, **fields):
    with pytest.raises(ValidationError) as caught:
        build(**fields)
    errors = caught.value.errors()
    assert len(errors) >= 1
    return errors[0]


@pytest.mark.parametrize(
    ("fields", "where", "says"),
    [
        ({"languages": {"nl": "B3"}}, ("languages", "nl"), "A1"),
        ({"languages": {"dutch": "B1"}}, ("languages", "dutch"), "two-letter"),
        ({"home": {"postcode": "9999"}}, ("home",), "not a Belgian postcode"),
        ({"home": {"lat": 51.2}}, ("home",), "lat and lon"),
        (
            {"availability": [{"days": ["mon"], "start": "8:75", "end": "15:30"}]},
            ("availability", 0, "start"),
            "HH:MM",
        ),
        (
            {"availability": [{"days": ["mon"], "start": "08:45", "end": "25:00"}]},
            ("availability", 0, "end"),
            "HH:MM",
        ),
        (
            {"availability": [{"days": [], "start": "08:45", "end": "15:30"}]},
            ("availability", 0, "days"),
            "at least 1",
        ),
        (
            {"availability": [{"days": ["funday"], "start": "08:45", "end": "15:30"}]},
            ("availability", 0, "days", 0),
            "mon",
        ),
        ({"hours_per_week": {"min": -5, "max": 30}}, ("hours_per_week", "min"), "greater than"),
        ({"hours_per_week": {"min": 30, "max": 20}}, ("hours_per_week",), "min is larger"),
        ({"max_commute_minutes": 0}, ("max_commute_minutes",), "greater than"),
        ({"transport": ["horse"]}, ("transport", 0), "public_transport"),
        ({"stage": "hired"}, ("stage",), "ready"),
        ({"home": {"lat": 4.4, "lon": 51.2}}, ("home",), "swapped"),
        ({"home": {"lat": 0, "lon": 0}}, ("home",), "outside Belgium"),
        ({"languages": {"NL": "C2", "nl": "A1"}}, ("languages",), "more than once"),
        ({"nickname": "x"}, ("nickname",), "Extra inputs"),
    ],
)
def test_candidate_errors_name_the_field(fields, where, says):
    error = _error(make_candidate, **fields)
    assert tuple(error["loc"][: len(where)]) == where, error
    assert says in error["msg"], error


@pytest.mark.parametrize(
    ("fields", "where", "says"),
    [
        ({"hours_per_week": -38}, ("hours_per_week",), "greater than"),
        ({"shifts": []}, ("shifts",), "at least 1"),
        ({"shifts": [{"days": ["mon"], "start": "06:00"}]}, ("shifts", 0, "end"), "required"),
        (
            {"shifts": [{"days": ["mon"], "start": "06:00", "end": "06:00"}]},
            ("shifts", 0),
            "same time",
        ),
        (
            {"language": {"dutch": None, "contact_languages": ["en"]}},
            ("language",),
            "contact_level is required",
        ),
        (
            {"language": {"dutch": None, "contact_languages": [], "contact_level": "A2"}},
            ("language",),
            "contact_languages",
        ),
        ({"location": {"postcode": "0000"}}, ("location",), "not a Belgian postcode"),
        ({"employer": "  "}, ("employer",), "at least 1"),
        ({"positions": 0}, ("positions",), "greater than"),
    ],
)
def test_vacancy_errors_name_the_field(fields, where, says):
    error = _error(make_vacancy, **fields)
    assert tuple(error["loc"][: len(where)]) == where, error
    assert says in error["msg"], error


def test_postcode_and_coordinates_are_both_accepted():
    by_postcode = make_candidate(home={"postcode": " 2100 "})
    assert by_postcode.home.postcode == "2100"
    lat, lon = by_postcode.home.coordinates
    assert 51.1 < lat < 51.3 and 4.3 < lon < 4.6
    assert make_candidate(home={"lat": 51.2, "lon": 4.4}).home.coordinates == (51.2, 4.4)


def test_language_codes_are_normalised_and_24_00_ends_a_day():
    person = make_candidate(
        languages={"NL": "A2"},
        availability=[{"days": ["sat"], "start": "00:00", "end": "24:00"}],
    )
    assert person.languages == {"nl": "A2"}
    assert person.availability[0].duration_minutes == 24 * 60


def test_what_a_hurried_coach_types_is_understood():
    person = make_candidate(
        home={"postcode": 2100},
        languages={"nl": "a2", "uk": "Native"},
        availability=[
            {"days": ["Mon", "dinsdag", "wo", "Thursday"], "start": "8u45", "end": "15.30"},
            {"days": ["fri"], "start": "08:45:00", "end": "12:00"},
        ],
    )
    assert person.home.postcode == "2100"
    assert person.languages == {"nl": "A2", "uk": "native"}
    first = person.availability[0]
    assert (first.days, first.start, first.end) == (["mon", "tue", "wed", "thu"], "08:45", "15:30")
    assert person.availability[1].start == "08:45"
    assert make_candidate(home={"postcode": "B-2600"}).home.postcode == "2600"
    light = make_vacancy(
        language={"dutch": None, "contact_languages": ["en", "EN", "uk"], "contact_level": "b1"}
    )
    assert light.language.contact_languages == ["en", "uk"]
