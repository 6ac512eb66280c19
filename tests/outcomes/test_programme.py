"""Programme figures on small hand-built histories whose answers are plain to see."""

import calendar
from datetime import date, timedelta

import pytest
from factories import make_candidate
from hypothesis import example, given
from hypothesis import strategies as st

from matcher.outcomes.applications import Application
from matcher.outcomes.programme import (
    Programme,
    StageChange,
    add_months,
    follow_up_due,
    pace,
    programme_figures,
)


def app(candidate, jobhunter, *steps, vacancy="v-1"):
    return Application(
        candidate_id=candidate,
        vacancy_id=vacancy,
        jobhunter=jobhunter,
        steps=[{"status": s, "on": d, **(more[0] if more else {})} for s, d, *more in steps],
    )


PEOPLE = [
    make_candidate(id="c-1", stage="placed"),
    make_candidate(id="c-2", stage="placed"),
    make_candidate(id="c-3", stage="ready"),
    make_candidate(id="c-4", stage="intake"),
]
APPLICATIONS = [
    # c-1: ready 1 Jan, hired 31 Jan (30 days); an earlier rejection by another employer
    app(
        "c-1", "An", ("proposed", "2026-01-05"), ("rejected", "2026-01-09", {"reason": "language"})
    ),
    app(
        "c-1",
        "An",
        ("proposed", "2026-01-10"),
        ("interview", "2026-01-20"),
        ("hired", "2026-01-31"),
        vacancy="v-2",
    ),
    # c-2: ready 1 Feb, hired 3 Mar (30 days) and again later (only the first hire counts)
    app("c-2", "Bart", ("proposed", "2026-02-02"), ("hired", "2026-03-03")),
    app("c-2", "Bart", ("proposed", "2026-03-10"), ("hired", "2026-03-20"), vacancy="v-3"),
    # c-3: no hire; a rejection and one without a jobhunter's name
    app("c-3", None, ("proposed", "2026-03-01"), ("rejected", "2026-03-02", {"reason": "commute"})),
    app("c-3", "An", ("proposed", "2026-03-05"), ("interview", "2026-03-06")),
]
CHANGES = [
    StageChange(candidate_id="c-1", stage="ready", on=date(2026, 1, 1)),
    StageChange(candidate_id="c-1", stage="placed", on=date(2026, 1, 31)),
    {"candidate_id": "c-2", "stage": "activation", "on": "2026-01-01"},
    {"candidate_id": "c-2", "stage": "ready", "on": "2026-02-01"},
    {"candidate_id": "c-2", "stage": "ready", "on": "2026-02-20"},  # again: the first counts
    {"candidate_id": "c-3", "stage": "ready", "on": "2026-01-15"},
]


def test_the_figures_of_a_small_programme():
    figures = programme_figures(
        PEOPLE, APPLICATIONS, CHANGES, target_placed=4, target_people=10, today=date(2026, 4, 15)
    ).as_dict()
    assert figures["as_of"] == "2026-04-15"
    assert figures["candidates_per_stage"] == {
        "intake": 1,
        "activation": 0,
        "ready": 1,
        "placed": 2,
        "follow_up": 0,
        "closed": 0,
    }
    assert figures["per_month"] == [
        {"month": "2026-01", "proposals": 2, "interviews": 1, "hires": 1},
        {"month": "2026-02", "proposals": 1, "interviews": 0, "hires": 0},
        {"month": "2026-03", "proposals": 3, "interviews": 1, "hires": 2},
        {"month": "2026-04", "proposals": 0, "interviews": 0, "hires": 0},
    ]
    assert figures["per_jobhunter"] == {
        "(unknown)": {"proposals": 1, "interviews": 0, "hires": 0},
        "An": {"proposals": 3, "interviews": 2, "hires": 1},
        "Bart": {"proposals": 2, "interviews": 0, "hires": 2},
    }
    assert figures["time_to_first_hire"] == {"count": 2, "median_days": 30.0, "mean_days": 30.0}
    assert figures["rejection_reasons"] == {
        "language": 1,
        "experience": 0,
        "schedule": 0,
        "commute": 1,
        "no_response": 0,
        "candidate_declined": 0,
        "other": 0,
    }
    assert figures["placements"] == {
        "placed": 2,
        "target_placed": 4,
        "target_people": 10,
        "people": 4,
        "share_of_target": 0.5,
    }


def test_later_events_are_left_out_as_of_a_past_day():
    figures = programme_figures(
        PEOPLE,
        [a.model_dump(mode="json") for a in APPLICATIONS],  # dicts, as read from JSON
        CHANGES,
        today=date(2026, 1, 25),
    )
    assert [m.month for m in figures.per_month] == ["2026-01"]
    assert figures.per_month[0].proposals == 2 and figures.per_month[0].hires == 0
    assert figures.per_jobhunter["An"].interviews == 1
    assert figures.placements.placed == 0 and figures.placements.target_placed == 160
    assert figures.placements.target_people == 400
    assert figures.time_to_first_hire.count == 0
    assert figures.time_to_first_hire.median_days is None


def test_median_and_mean_differ_when_waits_do():
    people = [make_candidate(id=f"c-{i}") for i in range(3)]
    apps = [
        app(f"c-{i}", "An", ("proposed", "2026-01-01"), ("hired", date(2026, 1, 1 + wait)))
        for i, wait in enumerate([10, 20, 27])
    ]
    changes = [{"candidate_id": f"c-{i}", "stage": "ready", "on": "2026-01-01"} for i in range(3)]
    figures = programme_figures(people, apps, changes, today=date(2026, 2, 1))
    assert figures.time_to_first_hire.median_days == 20.0
    assert figures.time_to_first_hire.mean_days == pytest.approx(19.0)


def test_nothing_yet():
    figures = programme_figures([], [], [], today=date(2026, 1, 1))
    assert figures.per_month == [] and figures.per_jobhunter == {}
    assert figures.placements.placed == 0 and figures.placements.share_of_target == 0
    assert sum(figures.candidates_per_stage.values()) == 0


def test_a_hire_without_a_ready_date_is_not_timed():
    apps = [app("c-9", "An", ("proposed", "2026-01-01"), ("hired", "2026-01-02"))]
    figures = programme_figures([], apps, [], today=date(2026, 1, 3))
    assert figures.placements.placed == 1
    assert figures.time_to_first_hire.count == 0


def test_targets_must_be_positive():
    with pytest.raises(ValueError, match="targets"):
        programme_figures([], [], [], target_placed=0)


@pytest.mark.parametrize(
    ("hired", "due"),
    [
        (date(2026, 1, 15), date(2026, 3, 15)),
        (date(2025, 12, 31), date(2026, 2, 28)),
        (date(2027, 12, 31), date(2028, 2, 29)),
        (date(2026, 11, 3), date(2027, 1, 3)),
    ],
)
def test_follow_up_is_due_two_calendar_months_after_the_hire(hired, due):
    assert follow_up_due(hired) == due


@example(date.max)  # a hire on the calendar's last day, as found in a database
@example(date(9999, 11, 1))
@example(date(9999, 10, 31))
@example(date.min)
@given(st.dates())
def test_a_follow_up_day_exists_for_any_hire(hired):
    """No hire, however far out, makes the due day raise: two calendar months on (the month's
    last day when the day is missing), or the calendar's last day when that is past its end."""
    due = follow_up_due(hired)
    if (hired.year, hired.month) >= (9999, 11):
        assert due == date.max
    else:
        assert (due.year - hired.year) * 12 + due.month - hired.month == 2
        assert due.day == min(hired.day, calendar.monthrange(due.year, due.month)[1])


# ---------------------------------------------------------------- the pace against the span


def test_pace_halfway_with_half_the_target_placed_is_on_track():
    programme = Programme(
        starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), target_people=400, target_placed=160
    )
    halfway = date(2026, 1, 1) + timedelta(days=182)
    hires = [date(2026, 2, 1)] * 80 + [date(2027, 1, 5)]  # the last is after as_of: not counted
    figures = pace(programme, hires, as_of=halfway)
    assert figures.placed == 80 and figures.expected_by_now == 80.0 and figures.on_track
    assert figures.projected_at_end == 160.0


def test_pace_before_the_start_expects_nothing_and_projects_nothing():
    programme = Programme.starting(date(2027, 1, 1), target_people=400, target_placed=160)
    figures = pace(programme, [], as_of=date(2026, 12, 1))
    assert figures.days_elapsed == 0 and figures.expected_by_now == 0
    assert figures.projected_at_end is None and figures.on_track


@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 1, 1)),
    days=st.integers(min_value=1, max_value=3000),
    offset=st.integers(min_value=-500, max_value=4000),
    target=st.integers(min_value=1, max_value=1000),
)
def test_expected_placements_never_exceed_the_target_and_grow_with_time(
    start, days, offset, target
):
    end = min(start + timedelta(days=days), date(2100, 12, 31))
    programme = Programme(starts_on=start, ends_on=end, target_people=target, target_placed=target)
    as_of = start + timedelta(days=offset)
    now = pace(programme, [], as_of=as_of)
    later = pace(programme, [], as_of=as_of + timedelta(days=30))
    assert 0 <= now.expected_by_now <= later.expected_by_now <= target


@given(st.dates(), st.integers(min_value=0, max_value=1200))
def test_adding_months_never_overflows(day, months):
    result = add_months(day, months)
    assert result >= day or result == date(2100, 12, 31)
    assert result <= max(day, date(2100, 12, 31))
