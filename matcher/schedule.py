"""Vacancy shifts flattened into arrays, and reductions from shifts back to vacancies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matcher.models import DAYS, MINUTES_PER_DAY, TimeWindow, Vacancy

MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class ShiftTable:
    """All shifts of all vacancies, grouped by vacancy (every vacancy has at least one shift).

    Most vacancies are judged on their worst shift: rotating ("all") ones, and pick-one ("any")
    ones with a single shift. The few pick-one vacancies with a real choice ("choice
    vacancies") are judged on one chosen shift, and only their shifts take part in choosing.
    """

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
    choice_vacancy: IntArray
    """The choice vacancies: pick-one with more than one shift."""
    choice_shift: IntArray
    """Their shifts, grouped by vacancy."""
    choice_first: IntArray
    """(choice vacancies,): where each one's shifts start within choice_shift."""

    @classmethod
    def from_vacancies(cls, vacancies: Sequence[Vacancy]) -> ShiftTable:
        vacancy: list[int] = []
        start: list[int] = []
        duration: list[int] = []
        days: list[list[bool]] = []
        for j, v in enumerate(vacancies):
            for shift in v.shifts:
                vacancy.append(j)
                start.append(shift.start_minute)
                duration.append(shift.duration_minutes)
                days.append([d in shift.days for d in DAYS])
        return cls._assemble(
            vacancy=np.asarray(vacancy, dtype=np.int64),
            start=np.asarray(start, dtype=np.int64),
            duration=np.asarray(duration, dtype=np.int64),
            days=np.asarray(days, dtype=np.bool_).reshape(-1, 7),
            pattern_all=np.asarray([v.shift_pattern == "all" for v in vacancies], dtype=np.bool_),
        )

    @classmethod
    def _assemble(
        cls,
        *,
        vacancy: IntArray,
        start: IntArray,
        duration: IntArray,
        days: NDArray[np.bool_],
        pattern_all: NDArray[np.bool_],
    ) -> ShiftTable:
        """The table from its per-shift columns: the groupings are derived, with whole arrays."""
        n = len(pattern_all)
        counts = np.bincount(vacancy, minlength=n)
        first_shift = group_starts(vacancy, n, counts=counts)
        choice = ~pattern_all & (counts > 1)
        choice_vacancy = np.flatnonzero(choice).astype(np.int64)
        choice_shift = np.flatnonzero(choice[vacancy]).astype(np.int64)
        choice_first = np.searchsorted(vacancy[choice_shift], choice_vacancy).astype(np.int64)
        return cls(
            vacancy=vacancy,
            start=start,
            duration=duration,
            days=days,
            first_shift=first_shift,
            pattern_all=pattern_all,
            choice_vacancy=choice_vacancy,
            choice_shift=choice_shift,
            choice_first=choice_first,
        )

    def kept_shifts(self, keep: IntArray) -> IntArray:
        """The shifts of the vacancies `keep` (ascending indices), in their order."""
        kept = np.zeros(len(self.first_shift), dtype=np.bool_)
        kept[keep] = True
        shifts: IntArray = np.flatnonzero(kept[self.vacancy]).astype(np.int64)
        return shifts

    def splice(
        self, keep: IntArray, added: Sequence[Vacancy], *, kept_shifts: IntArray | None = None
    ) -> ShiftTable:
        """A new table: the vacancies `keep` (ascending indices) renumbered in their order, then
        `added`; only the added vacancies' shifts are read, and this table is left as it is.
        `kept_shifts` may pass `kept_shifts(keep)` if already known."""
        shifts = self.kept_shifts(keep) if kept_shifts is None else kept_shifts
        renumber = np.zeros(len(self.first_shift), dtype=np.int64)
        renumber[keep] = np.arange(len(keep))
        fresh = ShiftTable.from_vacancies(added)
        return ShiftTable._assemble(
            vacancy=np.concatenate([renumber[self.vacancy[shifts]], fresh.vacancy + len(keep)]),
            start=np.concatenate([self.start[shifts], fresh.start]),
            duration=np.concatenate([self.duration[shifts], fresh.duration]),
            days=np.concatenate([self.days[shifts], fresh.days]),
            pattern_all=np.concatenate([self.pattern_all[keep], fresh.pattern_all]),
        )

    def take(self, columns: IntArray) -> tuple[ShiftTable, IntArray]:
        """The table of the vacancies `columns` (ascending indices) alone, renumbered in their
        order, and the shifts of this table it keeps; the cost grows with the columns taken,
        not with this table."""
        counts = self.shift_counts(columns)
        shifts = ranges(self.first_shift, counts, columns)
        table = ShiftTable._assemble(
            vacancy=np.repeat(np.arange(len(columns), dtype=np.int64), counts),
            start=self.start[shifts],
            duration=self.duration[shifts],
            days=self.days[shifts],
            pattern_all=self.pattern_all[columns],
        )
        return table, shifts

    def shift_counts(self, columns: IntArray) -> IntArray:
        """How many shifts each of the vacancies `columns` has."""
        return group_sizes(self.first_shift, len(self.vacancy), columns)

    def best_shift(self, badness: NDArray[np.float64]) -> NDArray[np.intp]:
        """(C, choice vacancies): the least bad shift of each (the first of equals).

        badness is (C, choice_shift), the values of the choice vacancies' shifts only.
        """
        if not len(self.choice_vacancy):
            return np.zeros((badness.shape[0], 0), dtype=np.intp)
        least = np.minimum.reduceat(badness, self.choice_first, axis=1)
        group = np.repeat(
            np.arange(len(self.choice_first)),
            np.diff(np.append(self.choice_first, len(self.choice_shift))),
        )
        index = np.where(badness <= least[:, group], self.choice_shift, len(self.vacancy))
        best: NDArray[np.intp] = np.minimum.reduceat(index, self.choice_first, axis=1)
        return best

    def reduce(
        self, badness: NDArray[np.float64], chosen: NDArray[np.intp] | None = None
    ) -> NDArray[np.float64]:
        """(C, shifts) badness to (C, vacancies): the worst shift, or for a choice vacancy the
        chosen one (by default its least bad; chosen is (C, choice vacancies))."""
        if badness.shape[1] == 0:
            return np.zeros((badness.shape[0], len(self.first_shift)))
        result: NDArray[np.float64] = np.maximum.reduceat(badness, self.first_shift, axis=1)
        if len(self.choice_vacancy):
            if chosen is None:
                chosen = self.best_shift(badness[:, self.choice_shift])
            result[:, self.choice_vacancy] = np.take_along_axis(badness, chosen, axis=1)
        return result

    def chosen_for(self, j: int, chosen_row: NDArray[np.intp]) -> int | None:
        """The chosen shift of vacancy j (from one row of best_shift), if j is a choice vacancy."""
        where = np.searchsorted(self.choice_vacancy, j)
        if where < len(self.choice_vacancy) and self.choice_vacancy[where] == j:
            return int(chosen_row[where])
        return None

    def of_vacancy(self, j: int) -> range:
        """The indices of vacancy j's shifts."""
        last = self.first_shift[j + 1] if j + 1 < len(self.first_shift) else len(self.vacancy)
        return range(int(self.first_shift[j]), int(last))


def group_starts(group: IntArray, n: int, *, counts: NDArray[np.intp] | None = None) -> IntArray:
    """Where each of groups 0..n-1 starts in `group`, a non-decreasing array of group numbers
    (where it would start, for a group with no entries): a count, not a search."""
    if counts is None:
        counts = np.bincount(group, minlength=n)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(counts[: n - 1], out=starts[1:])
    return starts


def group_sizes(starts: IntArray, total: int, groups: IntArray) -> IntArray:
    """The sizes of the `groups` of a grouping whose groups start at `starts` (of `total`
    entries in all), looking only at those groups."""
    following = groups + 1
    ends = np.where(following < len(starts), starts[np.minimum(following, len(starts) - 1)], total)
    sizes: IntArray = (ends - starts[groups]).astype(np.int64)
    return sizes


def ranges(starts: NDArray[np.signedinteger[Any]], sizes: IntArray, groups: IntArray) -> IntArray:
    """The entries of the `groups` (of a grouping starting at `starts`), group by group, each
    `sizes` long: one array of indices, with no loop over the groups."""
    first = starts[groups]
    total = int(sizes.sum())
    offsets = np.cumsum(sizes) - sizes
    entries: IntArray = np.repeat(first - offsets, sizes) + np.arange(total, dtype=np.int64)
    return entries


AvailabilityKey = tuple[tuple[tuple[str, ...], int, int], ...] | None
"""Free hours as (days, first minute, length) per window, None for any time: hashable, so what
is worked out from them is shared by everyone with the same hours."""


def availability_key(windows: Sequence[TimeWindow] | None) -> AvailabilityKey:
    if windows is None:
        return None
    return tuple((tuple(w.days), w.start_minute, w.duration_minutes) for w in windows)


def week_mask(windows: AvailabilityKey) -> NDArray[np.bool_]:
    """A (10080,) mask of the minutes of a week (Monday 00:00 first) inside the windows."""
    if windows is None:
        return np.ones(MINUTES_PER_WEEK, dtype=np.bool_)
    inside = np.zeros(MINUTES_PER_WEEK, dtype=np.bool_)
    for days, start_minute, duration in windows:
        for day in days:
            first = DAYS.index(day) * MINUTES_PER_DAY + start_minute
            minutes = np.arange(first, first + duration) % MINUTES_PER_WEEK
            inside[minutes] = True
    return inside


def format_clock(minute: int) -> str:
    minute %= MINUTES_PER_DAY
    return f"{minute // 60:02d}:{minute % 60:02d}"
