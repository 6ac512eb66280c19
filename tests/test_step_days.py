"""The days a client may give a step: from 2000-01-01 to today, today when it gives none."""

from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import ValidationError

from matcher.outcomes.applications import EARLIEST_DAY, ApplicationStep, NewStep


@example(date.today())
@example(EARLIEST_DAY)
@example(date.max)
@given(st.dates())
def test_a_new_step_takes_exactly_the_days_from_2000_to_today(day):
    if EARLIEST_DAY <= day <= date.today():
        assert NewStep(status="applied", on=day).step() == ApplicationStep(status="applied", on=day)
    else:
        with pytest.raises(ValidationError) as refused:
            NewStep(status="applied", on=day)
        assert [e["loc"] for e in refused.value.errors()] == [("on",)]


def test_a_new_step_without_a_day_is_dated_today():
    assert NewStep(status="interview").step().on == date.today()


def test_a_stored_step_is_read_back_whatever_its_day():
    """Bounds apply where days come in: rows written before them stay readable."""
    assert ApplicationStep(status="hired", on=date.max).on == date.max
