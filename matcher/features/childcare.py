"""Schedule fit: the shifts, widened by the commute both ways, inside the person's free hours."""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Sequence
from typing import ClassVar, Self

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel

from matcher.features.base import BoolMatrix, FeatureScores, FloatMatrix, Splice
from matcher.models import DAYS, MINUTES_PER_DAY, Candidate, Vacancy
from matcher.reasons import Days, Reason
from matcher.schedule import (
    MINUTES_PER_WEEK,
    AvailabilityKey,
    ShiftTable,
    availability_key,
    format_clock,
    group_sizes,
    group_starts,
    ranges,
    week_mask,
)

_FITS = frozenset({"schedule_fits", "available_any_time"})

# Travel above this is blocked by the commute anyway; capping keeps the index arithmetic in range.
_MAX_WIDENING = 8 * 60


class ChildcareSettings(BaseModel):
    bridgeable_minutes: int = 30
    """Minutes outside the free hours that after-school care or a neighbour can bridge (soft)."""
    score_at_bridgeable: float = 0.5
    """Score when exactly that many minutes fall outside; more blocks."""
    penalty_per_hour_outside_range: float = 0.03
    """Lost per weekly hour above the person's maximum or below their minimum."""
    max_hours_penalty: float = 0.3


def _minutes_outside(
    busy_before: BusyPrefix,
    start: NDArray[np.int32],
    end: NDArray[np.int32],
    widen: NDArray[np.int32],
) -> NDArray[np.int32]:
    """Unavailable minutes in [start - widen, end + widen), from a running count."""
    outside = busy_before.take(end + widen).astype(np.int32)
    outside -= busy_before.take(start - widen)
    return outside


def _shift_days(
    shifts: ShiftTable, first: int
) -> tuple[NDArray[np.int64], NDArray[np.int32], NDArray[np.int32]]:
    """One entry per (shift, weekday it starts on) of the shifts from `first` on, grouped by
    shift: the shift, and its start and end in minutes from the start of the prefix's middle
    week (see unavailable_prefix)."""
    shift, day = np.nonzero(shifts.days[first:])
    shift = (shift + first).astype(np.int64)
    start = MINUTES_PER_WEEK + day * MINUTES_PER_DAY + shifts.start[shift]
    return shift, start.astype(np.int32), (start + shifts.duration[shift]).astype(np.int32)


BusyPrefix = NDArray[np.int16]
"""(3 weeks + 1,) running count of a person's unavailable minutes (at most 30,240: int16)."""


def unavailable_prefix(candidates: Sequence[Candidate]) -> list[BusyPrefix]:
    """Per person, a running count of unavailable minutes, so any span costs two lookups; one
    read-only array shared by everyone with the same free hours (building one per person was
    most of re-checking the people a written vacancy might suit).

    Three weeks, so that a span starting up to a week early or ending up to a week late (a
    Monday shift widened back into Sunday) needs no modulo on the hot path.
    """
    return [_busy_prefix(availability_key(c.availability)) for c in candidates]


@functools.lru_cache(maxsize=256)  # 60 kB each
def _busy_prefix(windows: AvailabilityKey) -> BusyPrefix:
    busy = ~week_mask(windows)
    prefix = np.zeros(3 * MINUTES_PER_WEEK + 1, dtype=np.int16)
    week = prefix[1 : MINUTES_PER_WEEK + 1]
    np.cumsum(busy, out=week)
    # The next two weeks repeat the first, each after a whole week's count.
    whole = week[-1]
    np.add(week, whole, out=prefix[MINUTES_PER_WEEK + 1 : 2 * MINUTES_PER_WEEK + 1])
    np.add(week, 2 * whole, out=prefix[2 * MINUTES_PER_WEEK + 1 :])
    prefix.flags.writeable = False
    return prefix


class ChildcareFeature:
    """Minutes of each shift-plus-commute that fall outside the person's availability windows."""

    name: ClassVar[str] = "childcare"

    def __init__(self, settings: ChildcareSettings | None = None) -> None:
        self.settings = settings or ChildcareSettings()

    def fit(self, vacancies: Sequence[Vacancy], *, shifts: ShiftTable | None = None) -> Self:
        """Precompute over the vacancies; `shifts` may pass their ShiftTable if already built."""
        if shifts is None:
            shifts = ShiftTable.from_vacancies(vacancies)
        self._index_shift_days(shifts)
        self.hours_ = np.array([v.hours_per_week for v in vacancies], dtype=np.float64)
        return self

    def splice(self, change: Splice) -> ChildcareFeature:
        """A new feature with the change applied; this one is left as it is."""
        new = copy.copy(self)
        old = self.shifts_
        kept = np.zeros(len(old.vacancy), dtype=np.bool_)
        kept[change.kept_shifts] = True
        renumber = np.zeros(len(old.vacancy), dtype=np.int64)
        renumber[change.kept_shifts] = np.arange(len(change.kept_shifts))
        kept_days = np.flatnonzero(kept[self.day_shift_])
        fresh_shift, fresh_start, fresh_end = _shift_days(change.shifts, len(change.kept_shifts))
        new.day_shift_ = np.concatenate([renumber[self.day_shift_[kept_days]], fresh_shift])
        new.day_start_ = np.concatenate([self.day_start_[kept_days], fresh_start])
        new.day_end_ = np.concatenate([self.day_end_[kept_days], fresh_end])
        new._group_shift_days(change.shifts)
        new.hours_ = np.concatenate(
            [
                self.hours_[change.keep],
                np.array([v.hours_per_week for v in change.added], dtype=np.float64),
            ]
        )
        return new

    def take(
        self, columns: NDArray[np.int64], shifts: NDArray[np.int64], table: ShiftTable
    ) -> Self:
        """This feature over the vacancies `columns` alone (`table` and `shifts` from
        `ShiftTable.take`), scoring and explaining each exactly as this one does."""
        new = copy.copy(self)
        sizes = group_sizes(self.first_day_, len(self.day_shift_), shifts)
        days = ranges(self.first_day_, sizes, shifts)
        new.day_shift_ = np.repeat(np.arange(len(shifts), dtype=np.int64), sizes)
        new.day_start_ = self.day_start_[days]
        new.day_end_ = self.day_end_[days]
        new._group_shift_days(table)
        new.hours_ = self.hours_[columns]
        return new

    def _index_shift_days(self, shifts: ShiftTable) -> None:
        self.day_shift_, self.day_start_, self.day_end_ = _shift_days(shifts, 0)
        self._group_shift_days(shifts)

    def _group_shift_days(self, shifts: ShiftTable) -> None:
        self.shifts_ = shifts
        self.day_vacancy_ = shifts.vacancy[self.day_shift_]
        self.first_day_ = group_starts(self.day_shift_, len(shifts.vacancy))
        # Vacancy j owns the contiguous shift days day_bounds_[j] to day_bounds_[j + 1].
        self.day_bounds_ = np.append(
            group_starts(self.day_vacancy_, len(shifts.first_shift)), len(self.day_vacancy_)
        )

    def _overflow_by_shift_day(
        self, prefix: Sequence[BusyPrefix], widen: NDArray[np.int32]
    ) -> NDArray[np.int32]:
        """(C, shift days): minutes outside the free hours, each shift widened by widen (C,
        shifts), its own one-way travel minutes."""
        overflow = np.empty((len(prefix), len(self.day_start_)), dtype=np.int32)
        for i, busy_before in enumerate(prefix):  # per candidate, whole arrays over shift days
            w = widen[i].take(self.day_shift_)
            overflow[i] = _minutes_outside(busy_before, self.day_start_, self.day_end_, w)
        return overflow

    def shift_overflow(
        self, candidates: Sequence[Candidate], *, shift_minutes: FloatMatrix
    ) -> FloatMatrix:
        """(C, shifts) minutes of each shift, widened by its commute, outside the free hours."""
        shape = (len(candidates), len(self.shifts_.vacancy))
        if all(c.availability is None for c in candidates) or len(self.day_shift_) == 0:
            return np.zeros(shape)
        widen = np.ceil(np.minimum(shift_minutes, _MAX_WIDENING)).astype(np.int32)
        by_day = self._overflow_by_shift_day(unavailable_prefix(candidates), widen)
        by_shift: FloatMatrix = np.maximum.reduceat(by_day, self.first_day_, axis=1).astype(
            np.float64
        )
        return by_shift

    def rate(self, overflow: FloatMatrix) -> tuple[FloatMatrix, BoolMatrix]:
        """Score and blocking of minutes outside the free hours (hours per week aside)."""
        s = self.settings
        blocking = overflow > s.bridgeable_minutes
        fit = 1.0 - (1.0 - s.score_at_bridgeable) * overflow / max(s.bridgeable_minutes, 1)
        return np.where(blocking, 0.0, fit), blocking

    def _hours_outside(self, candidates: Sequence[Candidate]) -> FloatMatrix:
        low = np.array([c.hours_per_week.min if c.hours_per_week else 0.0 for c in candidates])
        high = np.array([c.hours_per_week.max if c.hours_per_week else 1e9 for c in candidates])
        h = self.hours_[None, :]
        outside: FloatMatrix = np.maximum(np.maximum(low[:, None] - h, h - high[:, None]), 0.0)
        return outside

    def best_scores(self, candidates: Sequence[Candidate]) -> FloatMatrix:
        """What `score` can give at most, from the hours per week alone (every shift fitting)."""
        hours_penalty = np.minimum(
            self.settings.penalty_per_hour_outside_range * self._hours_outside(candidates),
            self.settings.max_hours_penalty,
        )
        best: FloatMatrix = np.clip(1.0 - hours_penalty, 0.0, 1.0)
        return best

    def score(
        self,
        candidates: Sequence[Candidate],
        *,
        shift_minutes: FloatMatrix,
        shift_overflow: FloatMatrix | None = None,
        chosen: NDArray[np.intp] | None = None,
    ) -> FeatureScores:
        """Per vacancy: its worst shift if rotating, else the chosen (by default, best) one."""
        s = self.settings
        if shift_overflow is None:
            shift_overflow = self.shift_overflow(candidates, shift_minutes=shift_minutes)
        fit, blocking = self.rate(self.shifts_.reduce(shift_overflow, chosen))
        hours_penalty = np.minimum(
            s.penalty_per_hour_outside_range * self._hours_outside(candidates),
            s.max_hours_penalty,
        )
        score = np.where(blocking, 0.0, np.clip(fit - hours_penalty, 0.0, 1.0))
        return FeatureScores(score=score, blocking=blocking)

    def explain(
        self,
        candidate: Candidate,
        vacancy_index: int,
        *,
        shift_minutes: dict[int, float],
        chosen_shift: int | None = None,
        prefix: Sequence[BusyPrefix] | None = None,
    ) -> list[Reason]:
        """Reasons for vacancy j; shift_minutes holds each of its shifts' one-way travel."""
        j = vacancy_index
        reasons: list[Reason] = []
        if candidate.availability is None:
            reasons.append(Reason("available_any_time"))
        else:
            if prefix is None:
                prefix = unavailable_prefix([candidate])
            reasons.append(self._window_reason(j, prefix, shift_minutes, chosen_shift))
        hours = self._hours_reasons(candidate, j)
        # The verdict first: the hours a week when they are all that is wrong, else the hours
        # of the day.
        return hours + reasons if hours and reasons[0].code in _FITS else reasons + hours

    def _window_reason(
        self,
        j: int,
        prefix: Sequence[BusyPrefix],
        shift_minutes: dict[int, float],
        chosen_shift: int | None,
    ) -> Reason:
        first, last = int(self.day_bounds_[j]), int(self.day_bounds_[j + 1])
        widen_by_shift = {k: math.ceil(min(m, _MAX_WIDENING)) for k, m in shift_minutes.items()}
        days = slice(first, last)
        # As lists: one vacancy's few days, read one by one (numpy scalars cost more).
        day_shift: list[int] = self.day_shift_[days].tolist()
        day_start: list[int] = self.day_start_[days].tolist()
        w = np.array([widen_by_shift[k] for k in day_shift], dtype=np.int32)
        outside = _minutes_outside(prefix[0], self.day_start_[days], self.day_end_[days], w)
        overflow: list[int] = outside.tolist()
        by_shift: dict[int, list[int]] = {}
        for d, k in enumerate(day_shift):
            by_shift.setdefault(k, []).append(d)
        worst = {k: max(overflow[d] for d in ds) for k, ds in by_shift.items()}
        if self.shifts_.pattern_all[j]:
            shift = max(worst, key=lambda k: (worst[k], -k))
        elif chosen_shift in worst:
            shift = int(chosen_shift)
        else:
            shift = min(worst, key=lambda k: (worst[k], k))
        widen = widen_by_shift[shift]
        minutes_out = worst[shift]
        start = int(self.shifts_.start[shift])
        end = start + int(self.shifts_.duration[shift])
        short_days = [
            DAYS[(day_start[d] - MINUTES_PER_WEEK) // MINUTES_PER_DAY]
            for d in by_shift[shift]
            if overflow[d] > 0
        ]
        shift_days = [d for d, on in zip(DAYS, self.shifts_.days[shift], strict=True) if on]
        params = {
            "shift": f"{format_clock(start)}-{format_clock(end)}",
            "shift_days": shift_days,
            "needs_from": format_clock(start - widen),
            "needs_until": format_clock(end + widen),
            "travel_minutes": widen,
            "minutes_outside": minutes_out,
            "days": short_days,
        }
        shown = {"shift_days": Days(tuple(shift_days)), "days": Days(tuple(short_days))}
        if minutes_out == 0:
            variant = None if self.shifts_.pattern_all[j] else "choice"
            return Reason("schedule_fits", params, variant=variant, shown=shown)
        if minutes_out <= self.settings.bridgeable_minutes:
            return Reason("schedule_small_overflow", params, shown=shown)
        return Reason("schedule_conflict", params, shown=shown)

    def _hours_reasons(self, candidate: Candidate, j: int) -> list[Reason]:
        wanted = candidate.hours_per_week
        hours = float(self.hours_[j])
        if wanted is None or wanted.min <= hours <= wanted.max:
            return []
        params = {"hours": hours, "min": wanted.min, "max": wanted.max}
        return [Reason("hours_above_range" if hours > wanted.max else "hours_below_range", params)]
