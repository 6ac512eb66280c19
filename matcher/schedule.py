"""Vacancy shifts flattened into arrays, and reductions from shifts back to vacancies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from matcher.models import DAYS, MINUTES_PER_DAY, TimeWindow, Vacancy

MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class ShiftTable:
    """All shifts of all vacancies, grouped by vacancy (every vacancy has at least one shift)."""

    vacancy: IntArray
    """Index of the vacancy each shift belongs to; non-decreasing."""
    start: IntArray
    """Minute of the day the shift starts."""
    duration: IntArray
    """Length in minutes; a shift that crosses midnight simply runs past 1440."""
    days: NDArray[np.bool_]
    """(shifts, 7): the weekdays on which the shift starts."""
    first_shift: IntArray
    """(vacancies,): index of each vacancy's first shift, for np.ufunc.reduceat."""
    pattern_all: NDArray[np.bool_]
    """(vacancies,): every shift must be workable (rotating) rather than any one of them."""

    @classmethod
    def from_vacancies(cls, vacancies: Sequence[Vacancy]) -> ShiftTable:
        vacancy: list[int] = []
        start: list[int] = []
        duration: list[int] = []
        days: list[list[bool]] = []
        first_shift = np.zeros(len(vacancies), dtype=np.int64)
        for j, v in enumerate(vacancies):
            first_shift[j] = len(vacancy)
            for shift in v.shifts:
                vacancy.append(j)
                start.append(shift.start_minute)
                duration.append(shift.duration_minutes)
                days.append([d in shift.days for d in DAYS])
        return cls(
            vacancy=np.asarray(vacancy, dtype=np.int64),
            start=np.asarray(start, dtype=np.int64),
            duration=np.asarray(duration, dtype=np.int64),
            days=np.asarray(days, dtype=np.bool_).reshape(-1, 7),
            first_shift=first_shift,
            pattern_all=np.asarray([v.shift_pattern == "all" for v in vacancies], dtype=np.bool_),
        )

    def worst_or_best(self, per_shift: NDArray[np.float64]) -> NDArray[np.float64]:
        """Reduce (C, shifts) "badness" to (C, vacancies): worst shift for "all", best for "any"."""
        if per_shift.shape[1] == 0:
            return np.zeros((per_shift.shape[0], 0))
        # The best of "any" is minus the worst of the negated values: one pass instead of two.
        signed = per_shift * self.sign
        worst: NDArray[np.float64] = np.maximum.reduceat(signed, self.first_shift, axis=1)
        return worst * self.sign[self.first_shift]

    @cached_property
    def sign(self) -> NDArray[np.float64]:
        """Per shift, +1 for rotating vacancies and -1 for pick-one ones."""
        return np.where(self.pattern_all[self.vacancy], 1.0, -1.0)


def weekly_minutes(windows: Sequence[TimeWindow] | None) -> NDArray[np.bool_]:
    """A (10080,) mask of the minutes of a week (Monday 00:00 first) inside the windows."""
    if windows is None:
        return np.ones(MINUTES_PER_WEEK, dtype=np.bool_)
    inside = np.zeros(MINUTES_PER_WEEK, dtype=np.bool_)
    for w in windows:
        for day in w.days:
            first = DAYS.index(day) * MINUTES_PER_DAY + w.start_minute
            minutes = np.arange(first, first + w.duration_minutes) % MINUTES_PER_WEEK
            inside[minutes] = True
    return inside


def format_clock(minute: int) -> str:
    minute %= MINUTES_PER_DAY
    return f"{minute // 60:02d}:{minute % 60:02d}"


def format_days(days: Sequence[str]) -> str:
    """'mon-fri' for a run of days, otherwise a comma list, in week order."""
    idx = sorted(DAYS.index(d) for d in days)
    if len(idx) > 2 and idx == list(range(idx[0], idx[-1] + 1)):
        return f"{DAYS[idx[0]]}-{DAYS[idx[-1]]}"
    return ", ".join(DAYS[i] for i in idx)
