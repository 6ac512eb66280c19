"""Childcare and schedule: shifts plus the commute inside the person's free hours."""

import pytest
from factories import WEEKDAYS, make_candidate, make_vacancy, point_east

from matcher.features.childcare import ChildcareFeature
from matcher.features.commute import CommuteFeature
from matcher.travel.estimate import EstimatedTravelTimes

SCHOOL_HOURS = [{"days": WEEKDAYS, "start": "08:45", "end": "15:30"}]
SCHOOL_JOB = [{"days": WEEKDAYS, "start": "09:00", "end": "15:00"}]


def _km_for_public_transport_minutes(minutes: float) -> float:
    pt = EstimatedTravelTimes().public_transport
    return (minutes - pt.fixed_minutes) * pt.km_per_hour / (60 * pt.detour)


def _km_for_walking_minutes(minutes: float) -> float:
    walk = EstimatedTravelTimes().walk
    return minutes * walk.km_per_hour / (60 * walk.detour)


def _score(candidate, vacancy):
    minutes = CommuteFeature().fit([vacancy]).shift_minutes([candidate])
    feature = ChildcareFeature().fit([vacancy])
    scores = feature.score([candidate], shift_minutes=minutes)
    per_shift = {k: float(minutes[0, k]) for k in range(minutes.shape[1])}
    return scores, feature.explain(candidate, 0, shift_minutes=per_shift)


def test_school_hours_against_a_school_hours_job_25_minutes_away_is_soft_with_the_reason():
    parent = make_candidate(transport=["public_transport"], availability=SCHOOL_HOURS)
    job = make_vacancy(
        location=point_east(_km_for_public_transport_minutes(24.9)), shifts=SCHOOL_JOB
    )
    scores, reasons = _score(parent, job)
    assert not scores.blocking[0, 0]
    assert 0.5 <= scores.score[0, 0] < 1
    reason = reasons[0]
    assert reason.code == "schedule_small_overflow"
    assert reason.params["travel_minutes"] == 25
    assert reason.params["minutes_outside"] == 10  # needs 08:35, free from 08:45
    assert "08:35" in reason.message


def test_school_hours_against_the_same_job_5_minutes_away_fits():
    parent = make_candidate(transport=[], availability=SCHOOL_HOURS)
    job = make_vacancy(location=point_east(_km_for_walking_minutes(4.9)), shifts=SCHOOL_JOB)
    scores, reasons = _score(parent, job)
    assert (float(scores.score[0, 0]), bool(scores.blocking[0, 0])) == (1.0, False)
    assert reasons[0].code == "schedule_fits"


def test_school_hours_against_a_full_day_job_blocks():
    parent = make_candidate(transport=[], availability=SCHOOL_HOURS)
    job = make_vacancy(
        location=point_east(0.3), shifts=[{"days": WEEKDAYS, "start": "08:00", "end": "17:00"}]
    )
    scores, reasons = _score(parent, job)
    assert scores.blocking[0, 0]
    assert reasons[0].code == "schedule_conflict"
    assert reasons[0].params["days"] == WEEKDAYS


NIGHT = [{"days": ["mon", "tue", "wed", "thu"], "start": "22:00", "end": "06:00"}]


def test_night_shift_crossing_midnight_fits_a_window_that_crosses_midnight_too():
    nights = [{"days": WEEKDAYS, "start": "21:00", "end": "07:30"}]
    person = make_candidate(transport=["bike"], availability=nights)
    job = make_vacancy(location=point_east(2.0), shifts=NIGHT)
    scores, reasons = _score(person, job)
    assert not scores.blocking[0, 0] and scores.score[0, 0] == 1.0
    assert reasons[0].code == "schedule_fits"


def test_night_shift_crossing_midnight_blocks_someone_free_only_until_midnight():
    evenings = [{"days": WEEKDAYS, "start": "18:00", "end": "23:59"}]
    person = make_candidate(transport=["bike"], availability=evenings)
    job = make_vacancy(location=point_east(2.0), shifts=NIGHT)
    scores, reasons = _score(person, job)
    assert scores.blocking[0, 0]
    assert reasons[0].params["minutes_outside"] > 300


def test_sunday_night_shift_wraps_into_monday_morning():
    person = make_candidate(
        transport=["bike"],
        availability=[
            {"days": ["sun"], "start": "20:00", "end": "23:59"},
            {"days": ["mon"], "start": "00:00", "end": "08:00"},
        ],
    )
    job = make_vacancy(
        location=point_east(1.0), shifts=[{"days": ["sun"], "start": "22:00", "end": "06:00"}]
    )
    scores, _ = _score(person, job)
    # Only the minute at 23:59-00:00 is not covered by the two windows.
    assert not scores.blocking[0, 0]
    assert scores.score[0, 0] > 0.95


def test_pick_one_shift_pattern_needs_only_one_workable_shift():
    parent = make_candidate(transport=[], availability=SCHOOL_HOURS)
    shifts = [
        {"days": WEEKDAYS, "start": "06:00", "end": "14:00"},
        {"days": WEEKDAYS, "start": "09:00", "end": "13:00"},
    ]
    rotating = make_vacancy(location=point_east(0.2), shifts=shifts, shift_pattern="all")
    pick_one = make_vacancy(location=point_east(0.2), shifts=shifts, shift_pattern="any")
    assert _score(parent, rotating)[0].blocking[0, 0]
    scores, reasons = _score(parent, pick_one)
    assert not scores.blocking[0, 0]
    assert "09:00-13:00" in reasons[0].message


@pytest.mark.parametrize(("hours", "code"), [(38, "hours_above_range"), (10, "hours_below_range")])
def test_hours_outside_the_persons_range_are_a_soft_penalty(hours, code):
    parent = make_candidate(transport=[], hours_per_week={"min": 19, "max": 30})
    job = make_vacancy(location=point_east(0.2), hours_per_week=hours)
    scores, reasons = _score(parent, job)
    assert not scores.blocking[0, 0]
    assert 0.7 <= scores.score[0, 0] < 1
    assert reasons[0].code == code  # what lowers the score comes first
