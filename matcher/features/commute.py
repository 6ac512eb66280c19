"""Commute feasibility: travel minutes by the person's modes, at the real hours of the shifts."""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Self

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel

from matcher.features.base import BoolMatrix, FeatureScores, FloatMatrix, Splice
from matcher.models import Candidate, Vacancy
from matcher.reasons import Reason, Word
from matcher.schedule import ShiftTable, format_clock
from matcher.travel.estimate import (
    KM_PER_DEGREE,
    MODES,
    EstimatedTravelTimes,
    Mode,
    TravelTimeModel,
)
from matcher.travel.geo import ANTWERP_CENTRE
from matcher.travel.journeys import (
    ShiftJourneys,
    TimetableTravelTimes,
    estimate_reason,
    journey_reasons,
)
from matcher.travel.streets import STREET_MODES, StreetTravelTimes

_ALL_DAY = np.arange(24 * 60, dtype=np.int64)
_LONGEST_TRIP = 8 * 60
"""Trips longer than this (minutes, one way) are treated as impossible at any hour."""


class CommuteSettings(BaseModel):
    comfortable_minutes: float = 15
    """A commute up to this long costs nothing."""
    postcode_area_km: float = 1.0
    """Where a home or workplace is only known by postcode, trips count as at least this far:
    a postcode is an area, and two people in one postcode are rarely next door."""
    score_at_maximum: float = 0.3
    """Score of a commute exactly at the person's maximum; longer ones block."""


@dataclass(frozen=True)
class CommuteScores(FeatureScores):
    minutes: FloatMatrix
    """(C, V) minutes one way with the best mode that works at the (worst or chosen) shift."""


@dataclass(frozen=True)
class Trip:
    """The commute to one vacancy as a coach would describe it."""

    minutes: int
    mode: Mode
    reasons: list[Reason]


def candidate_modes(candidate: Candidate) -> set[Mode]:
    """Walking always works; a car only counts with a driving licence."""
    modes: set[Mode] = {"walk"}
    for mode in candidate.transport:
        if mode != "car" or candidate.driving_licence:
            modes.add(mode)
    return modes


class CommuteFeature:
    """Scores the one-way commute, blocking when no mode gets there within the person's maximum."""

    name: ClassVar[str] = "commute"

    def __init__(
        self, settings: CommuteSettings | None = None, *, travel: TravelTimeModel | None = None
    ) -> None:
        self.settings = settings or CommuteSettings()
        self.travel: TravelTimeModel = travel or EstimatedTravelTimes()
        self.roads = _roads_of(self.travel)
        """What walks, cycles and drives along the streets, if the travel model has streets."""

    def fit(self, vacancies: Sequence[Vacancy], *, shifts: ShiftTable | None = None) -> Self:
        """Precompute over the vacancies; `shifts` may pass their ShiftTable if already built."""
        self.destinations_ = _destinations(vacancies)
        self.shifts_ = shifts if shifts is not None else ShiftTable.from_vacancies(vacancies)
        self.transport_provided_ = np.array(
            [v.transport_provided for v in vacancies], dtype=np.bool_
        ).reshape(-1)
        self.by_postcode_ = np.array([v.location.lat is None for v in vacancies], dtype=np.bool_)
        # Minutes for a trip of postcode_area_km, per mode, from the travel model itself.
        lat, lon = ANTWERP_CENTRE
        here = np.array([[lat, lon]])
        east = self.settings.postcode_area_km / (KM_PER_DEGREE * np.cos(np.radians(lat)))
        there = np.array([[lat, lon + east]])
        self.area_minutes_ = {
            m: float(t[0, 0]) for m, t in self.travel.minutes(MODES, here, there).items()
        }
        # Modes that run around the clock need no per-shift check: the hot path skips them.
        self.timed_modes_ = tuple(m for m in MODES if not self.travel.running(m, _ALL_DAY).all())
        # For the others, which trip lengths work is a property of the shift's hours alone:
        # tabulate it once per distinct (start, length) so scoring is a single lookup.
        hours = _hours(self.shifts_)
        self.hour_pairs_, self.shift_hours_ = np.unique(hours, axis=0, return_inverse=True)
        self.shift_hours_ = self.shift_hours_.reshape(-1)
        self.works_by_trip_ = self._works_by_trip(self.hour_pairs_)
        self.journeys_ = self._journeys(self.destinations_, self.shifts_)
        return self

    def _journeys(self, destinations: FloatMatrix, shifts: ShiftTable) -> ShiftJourneys | None:
        """With a timetable installed, the vacancies' stops and lookups (else None); with
        streets, the vacancies' nearest street corners are found now too."""
        if self.roads is not None:
            self.roads.prepare(destinations)
        if isinstance(self.travel, TimetableTravelTimes):
            return self.travel.for_shifts(destinations, shifts)
        return None

    def splice(self, change: Splice) -> CommuteFeature:
        """A new feature with the change applied; this one is left as it is. Only shift hours
        not tabulated yet are tabulated, and appended."""
        keep, added, shifts = change.keep, change.added, change.shifts
        new = copy.copy(self)
        new.shifts_ = shifts
        new.destinations_ = np.concatenate([self.destinations_[keep], _destinations(added)])
        new.transport_provided_ = np.concatenate(
            [self.transport_provided_[keep], [v.transport_provided for v in added]]
        ).astype(np.bool_)
        new.by_postcode_ = np.concatenate(
            [self.by_postcode_[keep], [v.location.lat is None for v in added]]
        ).astype(np.bool_)
        kept_hours = self.shift_hours_[change.kept_shifts]
        fresh = _hours(shifts)[len(kept_hours) :]
        row = {(int(a), int(b)): k for k, (a, b) in enumerate(self.hour_pairs_.tolist())}
        unseen = [p for p in dict.fromkeys(map(tuple, fresh.tolist())) if p not in row]
        if unseen:
            pairs = np.array(unseen, dtype=np.int64).reshape(-1, 2)
            row |= {p: len(row) + k for k, p in enumerate(unseen)}
            new.hour_pairs_ = np.concatenate([self.hour_pairs_, pairs])
            tables = self._works_by_trip(pairs)
            new.works_by_trip_ = {
                m: np.concatenate([table, tables[m]]) for m, table in self.works_by_trip_.items()
            }
        fresh_rows = np.array([row[(a, b)] for a, b in fresh.tolist()], dtype=np.int64)
        new.shift_hours_ = np.concatenate([kept_hours, fresh_rows]).astype(self.shift_hours_.dtype)
        new.journeys_ = self._journeys(new.destinations_, shifts)
        return new

    def take(
        self, columns: NDArray[np.int64], shifts: NDArray[np.int64], table: ShiftTable
    ) -> Self:
        """This feature over the vacancies `columns` alone (`table` and `shifts` from
        `ShiftTable.take`), scoring each exactly as this one does."""
        new = copy.copy(self)
        new.shifts_ = table
        new.destinations_ = self.destinations_[columns]
        new.transport_provided_ = self.transport_provided_[columns]
        new.by_postcode_ = self.by_postcode_[columns]
        new.shift_hours_ = self.shift_hours_[shifts]
        return new

    def _works_by_trip(self, pairs: NDArray[np.int64]) -> dict[Mode, NDArray[np.bool_]]:
        """Per timed mode, (pairs, trip minutes + 1): whether a trip that long works at the
        hours of a shift with that (start, length)."""
        trips = np.arange(_LONGEST_TRIP + 1, dtype=np.float64)[None, :]
        works: dict[Mode, NDArray[np.bool_]] = {}
        for mode in self.timed_modes_:
            table = self._works_at_shift_hours(mode, pairs[:, :1], pairs[:, 1:], trips)
            table[:, _LONGEST_TRIP] = False  # any longer trip: out of reach at any hour
            works[mode] = table
        return works

    def _door_to_door(
        self,
        candidates: Sequence[Candidate],
        modes: Sequence[Mode],
        columns: slice | NDArray[np.int64] = slice(None),
    ) -> dict[Mode, FloatMatrix]:
        """Per mode, (C, V) minutes to the vacancies in `columns`; where either end is only a
        postcode, at least what a trip across a postcode's area takes."""
        origins = np.array([c.home.coordinates for c in candidates], dtype=np.float64)
        minutes = self.travel.minutes(modes, origins, self.destinations_[columns])
        home_by_postcode = np.array([[c.home.lat is None] for c in candidates], dtype=np.bool_)
        at_postcode = self.by_postcode_[columns]
        if not home_by_postcode.any() and not at_postcode.any():
            return minutes
        vague = home_by_postcode | at_postcode[None, :]
        return {
            m: np.where(vague, np.maximum(t, self.area_minutes_[m]), t) for m, t in minutes.items()
        }

    def _mode_available(self, candidates: Sequence[Candidate]) -> dict[Mode, NDArray[np.bool_]]:
        """Per mode, a (C, V) (broadcastable) mask of who can use it to reach which vacancy."""
        modes = [candidate_modes(c) for c in candidates]
        has = {m: np.array([[m in own] for own in modes]) for m in MODES}
        has["employer_transport"] = self.transport_provided_[None, :]
        return has

    def _works_at_shift_hours(
        self,
        mode: Mode,
        start: NDArray[np.int64],
        duration: NDArray[np.int64],
        minutes: NDArray[np.float64],
    ) -> NDArray[np.bool_]:
        """Whether the mode runs when leaving for, arriving at, leaving from and getting home."""
        trip = np.ceil(minutes).astype(np.int64)
        end = start + duration
        run = self.travel.running
        return run(mode, start - trip) & run(mode, start) & run(mode, end) & run(mode, end + trip)

    def _works(self, mode: Mode, shift: int, minutes: float) -> bool:
        """Whether the mode works at this shift's hours for a trip this long (one lookup)."""
        table = self.works_by_trip_.get(mode)
        if table is None:
            return True
        return bool(table[self.shift_hours_[shift], min(math.ceil(minutes), _LONGEST_TRIP)])

    def shift_minutes(self, candidates: Sequence[Candidate]) -> FloatMatrix:
        """(C, shifts) one-way minutes with the best mode that runs at each shift's hours."""
        available = self._mode_available(candidates)
        modes = [m for m in MODES if np.any(available[m])]
        minutes_by_mode = self._door_to_door(candidates, modes)
        usable = {
            m: t if np.all(available[m]) else np.where(available[m], t, np.inf)
            for m, t in minutes_by_mode.items()
        }
        around_the_clock = np.full((len(candidates), len(self.destinations_)), np.inf)
        for mode in modes:
            if mode not in self.timed_modes_:
                np.minimum(around_the_clock, usable[mode], out=around_the_clock)
        shifts = self.shifts_
        per_shift = around_the_clock[:, shifts.vacancy]
        for mode in modes:
            if mode in self.timed_modes_:
                at_shifts = usable[mode][:, shifts.vacancy]
                trip = np.minimum(np.ceil(at_shifts), _LONGEST_TRIP).astype(np.intp)
                works = self.works_by_trip_[mode][self.shift_hours_, trip]
                timed = np.where(works, at_shifts, np.inf)
                if mode == "public_transport" and self.journeys_ is not None:
                    origins = np.array([c.home.coordinates for c in candidates], dtype=np.float64)
                    timed = self.journeys_.overlay(origins, timed, available[mode])
                np.minimum(per_shift, timed, out=per_shift)
        return per_shift

    def rate(
        self, candidates: Sequence[Candidate], minutes: FloatMatrix
    ) -> tuple[FloatMatrix, BoolMatrix]:
        """Score and blocking of one-way minutes, (C, anything): per shift or per vacancy."""
        s = self.settings
        maximum = np.array([c.max_commute_minutes for c in candidates], dtype=np.float64)[:, None]
        over_comfort = (minutes - s.comfortable_minutes) / np.maximum(
            maximum - s.comfortable_minutes, 1.0
        )
        blocking = minutes > maximum
        score = np.where(
            blocking, 0.0, 1.0 - (1.0 - s.score_at_maximum) * np.clip(over_comfort, 0.0, 1.0)
        )
        return score, blocking

    def score(
        self,
        candidates: Sequence[Candidate],
        *,
        shift_minutes: FloatMatrix | None = None,
        chosen: NDArray[np.intp] | None = None,
    ) -> CommuteScores:
        """Per vacancy: its worst shift if rotating, else the chosen (by default, quickest) one."""
        if shift_minutes is None:
            shift_minutes = self.shift_minutes(candidates)
        minutes = self.shifts_.reduce(shift_minutes, chosen)
        score, blocking = self.rate(candidates, minutes)
        return CommuteScores(score=score, blocking=blocking, minutes=minutes)

    def door_to_door(
        self, candidate: Candidate, columns: Sequence[int]
    ) -> dict[int, dict[Mode, float]]:
        """Per vacancy of `columns`, the minutes by each mode (the person's and the employer's
        transport), worked out together for `trip` (the same floats as one at a time)."""
        modes: list[Mode] = [*sorted(candidate_modes(candidate), key=MODES.index)]
        modes.append("employer_transport")
        at = np.asarray(columns, dtype=np.int64)
        found = self._door_to_door([candidate], modes, at)
        return {j: {m: float(found[m][0, k]) for m in modes} for k, j in enumerate(columns)}

    def trip(
        self,
        candidate: Candidate,
        vacancy_index: int,
        *,
        chosen_shift: int | None = None,
        door_to_door: dict[Mode, float] | None = None,
    ) -> Trip:
        """The commute to one vacancy, shift by shift, with reasons naming the hours;
        `door_to_door` may pass its minutes by mode (from `door_to_door`), if known."""
        j = vacancy_index
        shifts = self.shifts_
        modes = sorted(candidate_modes(candidate), key=MODES.index)
        if self.transport_provided_[j]:
            modes.append("employer_transport")
        if door_to_door is None:
            minutes_by_mode = {
                m: float(t[0, 0])
                for m, t in self._door_to_door([candidate], modes, slice(j, j + 1)).items()
            }
        else:
            minutes_by_mode = {m: door_to_door[m] for m in modes}
        per_shift: dict[int, tuple[float, Mode, list[Reason]]] = {}
        home = candidate.home.coordinates
        journeys = self.journeys_
        for k in shifts.of_vacancy(j):
            start, duration = int(shifts.start[k]), int(shifts.duration[k])
            options: list[tuple[float, Mode]] = []
            missed: list[tuple[float, Reason]] = []
            for mode in modes:
                minutes = minutes_by_mode[mode]
                timed = journeys.at(home, k) if journeys and mode == "public_transport" else None
                if timed is not None:
                    if math.isfinite(timed):
                        options.append((timed, mode))
                    else:  # the timetable's reasons say why, below
                        missed.append((minutes, journey_reasons(None, None, start=0, end=0)[0]))
                    continue
                if self._works(mode, k, minutes):
                    options.append((minutes, mode))
                else:
                    leaving = np.array([start - math.ceil(minutes), start])
                    outbound = bool(self.travel.running(mode, leaving).all())
                    reason = _not_running_reason(mode, start, duration, minutes, outbound)
                    missed.append((minutes, reason))
            best = min(options) if options else (math.inf, "walk")
            # The hours matter only where they kept the person from a quicker way.
            relevant = [r for minutes, r in missed if minutes < best[0]]
            per_shift[k] = (best[0], best[1], relevant)
        if shifts.pattern_all[j]:
            k = max(per_shift, key=lambda i: (per_shift[i][0], -i))
        elif chosen_shift is not None and chosen_shift in per_shift:
            k = chosen_shift
        else:
            k = min(per_shift, key=lambda i: (per_shift[i][0], i))
        minutes, mode, hour_reasons = per_shift[k]
        limit = candidate.max_commute_minutes
        params = {"minutes": _whole(minutes), "mode": mode, "max_minutes": limit}
        shown = {"mode": Word(f"mode.{mode}")}
        if minutes > limit:
            code = "commute_too_long"
        elif mode == "employer_transport":
            code = "employer_transport"
        else:
            code = "commute_ok"
        reasons = [Reason(code, params, shown=shown)]
        if math.isfinite(minutes) and self._along_streets(candidate, j, mode, minutes):
            reasons = [_said_by(reasons[0], "streets")]
        if journeys is not None:
            reasons, hour_reasons = self._journey_reasons(candidate, k, mode, reasons, hour_reasons)
        return Trip(minutes=_whole(minutes), mode=mode, reasons=reasons + hour_reasons)

    def _journey_reasons(
        self, candidate: Candidate, k: int, mode: Mode, reasons: list[Reason], hours: list[Reason]
    ) -> tuple[list[Reason], list[Reason]]:
        """With a timetable installed, each reason says what produced its minutes."""
        assert self.journeys_ is not None
        home = candidate.home.coordinates
        timed = self.journeys_.at(home, k)
        start, end = (
            int(self.shifts_.start[k]),
            int(self.shifts_.start[k] + self.shifts_.duration[k]),
        )
        told = journey_reasons(*self.journeys_.journeys(home, k), start=start, end=end)
        hours = [r for r in hours if r.code != "journey"]
        if timed is None:
            if mode == "public_transport":
                minutes = int(reasons[0].params["minutes"])
                return [*reasons, estimate_reason(minutes, mode)], hours
            return reasons, hours
        if mode == "public_transport":
            return [_said_by(reasons[0], "timetable"), *told], hours
        if math.isinf(timed):  # no public transport at these hours: why, in the timetable's words
            return reasons, [*hours, *(r for r in told if r.variant and "none" in r.variant)]
        return reasons, hours

    def _along_streets(self, candidate: Candidate, j: int, mode: Mode, minutes: float) -> bool:
        """Whether the streets gave this trip's `minutes` (door to door, from `_door_to_door`):
        the street model found the trip on its streets (not off the extract; its searches are
        kept, so asking again searches no more), and no postcode area's floor, an estimate,
        raised it."""
        if self.roads is None or mode not in STREET_MODES:
            return False
        origin = np.array([candidate.home.coordinates], dtype=np.float64)
        found, on_streets = self.roads.sourced([mode], origin, self.destinations_[j : j + 1])[mode]
        return bool(on_streets[0, 0]) and minutes <= float(found[0, 0])

    def explain(
        self, candidate: Candidate, vacancy_index: int, *, chosen_shift: int | None = None
    ) -> list[Reason]:
        return self.trip(candidate, vacancy_index, chosen_shift=chosen_shift).reasons


def _roads_of(travel: TravelTimeModel) -> StreetTravelTimes | None:
    if isinstance(travel, TimetableTravelTimes):
        return travel.roads
    return travel if isinstance(travel, StreetTravelTimes) else None


def _said_by(said: Reason, source: str) -> Reason:
    """The commute's reason naming what gave its minutes ("timetable", "streets") instead of
    calling them an estimate: a message of its own, or the too-long one's variant."""
    if said.code == "commute_ok":
        return Reason(f"commute_{source}", said.params, shown=said.shown)
    if said.code == "commute_too_long":
        return Reason(said.code, said.params, variant=source, shown=said.shown)
    return said


def _not_running_reason(
    mode: Mode, start: int, duration: int, minutes: float, outbound_runs: bool
) -> Reason:
    return Reason(
        "no_transport_at_shift_hours",
        {
            "mode": mode,
            "shift_start": format_clock(start),
            "shift_end": format_clock(start + duration),
            "leave_at": format_clock(start - math.ceil(minutes)),
        },
        # Only public transport keeps hours today; a mode that gets some needs its messages.
        variant=f"{mode}.{'home' if outbound_runs else 'outbound'}",
    )


def _destinations(vacancies: Sequence[Vacancy]) -> FloatMatrix:
    return np.array([v.location.coordinates for v in vacancies], dtype=np.float64).reshape(-1, 2)


def _hours(shifts: ShiftTable) -> NDArray[np.int64]:
    """(shifts, 2): each shift's start and length, what its trips' feasibility depends on."""
    return np.stack([shifts.start, shifts.duration], axis=1).reshape(-1, 2)


def _whole(minutes: float) -> int:
    return math.ceil(minutes) if math.isfinite(minutes) else -1
