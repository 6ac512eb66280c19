"""Journeys on the timetable: one home to every vacancy's shifts at once, both ways.

A round-based search (RAPTOR's rounds: each round allows one more vehicle) over whole arrays.
Instead of an arrival time per stop for one departure, every stop time (a vehicle at a stop)
carries the *latest time one can leave home* and still be on it, as one integer key (int64 when
it also names the first vehicle boarded, for reasons; int32 for the minutes alone). So one
search answers every deadline of the day at once: the latest departure arriving at a workplace
by 06:00, by 07:00 and by 14:00 are lookups into the
same result. The way home is the same search on the timetable run backwards (times negated,
trips reversed): the key is then minus the earliest arrival at home, for every departure time
from every workplace. Walks to and from stops follow the streets where an OpenStreetMap extract
is installed (matcher.travel.streets), else are estimated from the distance, as changes are.

Where no stop is within reach of a home or a workplace, or a shift's day lies outside the
feeds' dates, the journey is not known (NaN) and the commute feature uses its estimate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import os
import secrets
import threading
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from matcher.models import MAX_COMMUTE_MINUTES, MINUTES_PER_DAY
from matcher.reasons import Reason, Word
from matcher.schedule import ShiftTable, format_clock
from matcher.travel.estimate import EstimatedTravelTimes, Mode, regional_km
from matcher.travel.geo import haversine_km
from matcher.travel.kept import Kept as _Kept
from matcher.travel.streets import Streets, StreetTravelTimes
from matcher.travel.timetable import Timetable

__all__ = [
    "InstalledTimetable",
    "Journey",
    "ShiftJourneys",
    "TimetableTravelTimes",
    "estimate_reason",
    "installed_travel",
    "mark_build",
    "timetable_status",
    "journey_reasons",
]

_WALK = EstimatedTravelTimes().walk
"""Walks to, from and between stops: the estimate's (its detour and speed)."""
ACCESS_KM = 1.2
"""Farthest stop one walks to from home or from a workplace (about 20 minutes)."""
ACCESS_STOPS = 6
"""At most this many of the nearest stops within ACCESS_KM are tried at each end."""
TRANSFER_KM = 0.4
"""Farthest walk between two stops to change vehicles."""
TRANSFER_STOPS = 6
"""At most this many of the nearest stops within TRANSFER_KM are walked to: a city centre's
dozens of stops within 400 m would multiply the search's work for changes nobody makes."""
CHANGE_MINUTES = 1
"""Least time to change vehicles at one stop."""
PREVIOUS_DAY_MINUTES = MAX_COMMUTE_MINUTES
"""Longest journey on the previous service day's trips that counts for a start: the longest
commute anyone may set (Candidate.max_commute_minutes). A night tram at 24:10 for a 01:00
start is one; the last tram of the night, then hours of waiting, for a 06:00 start is none."""
_NO_CHANGE = 3 * MINUTES_PER_DAY
"""A change's extra minutes where transfers.txt forbids it: no one reaches a stop that early."""
ROUNDS = 4
"""Vehicles per journey at most (three changes)."""
_FEW_SHIFTS = 64
"""Up to this many shifts (one vacancy's), minutes are also kept per person and shift time."""

_EVENT_BITS = 26
"""Up to 67 million stop times: every Belgian feed together has far fewer."""
_NARROW_SHIFT = 13
"""Keys without the event: the time alone (under 2**13 with its offset), so a segment offset
of up to 2**18 trips or stops keeps them in int32, half the memory traffic of int64."""
_TIME_OFFSET = 4096
_SEGMENT_SHIFT = 13 + _EVENT_BITS
_EVENT_MASK = (1 << _EVENT_BITS) - 1
_STOP_KEY = 1 << 20
Keys = NDArray[np.int64]
FloatMatrix = NDArray[np.float64]
logger = logging.getLogger(__name__)


def estimated_walk_minutes(km: NDArray[np.float64]) -> NDArray[np.int64]:
    """Whole minutes walking `km` as the crow flies, by the estimate (not along streets)."""
    minutes: NDArray[np.int64] = np.ceil(km * _WALK.detour * 60 / _WALK.km_per_hour).astype(
        np.int64
    )
    return minutes


@dataclass(frozen=True)
class _Offsets:
    """Segment offsets for one key layout (wide: int64 with the first event; narrow: int32)."""

    trip: NDArray[np.signedinteger]
    """A 0 (the position before every event, where nothing is reached), then each event's
    trip's offset."""
    entry: NDArray[np.signedinteger]
    """Each entry's stop's offset, and a 0 after the last, for the events boarding from nothing."""
    to_entry: NDArray[np.signedinteger]
    """entry minus the trip offset at the entry's source."""

    @classmethod
    def of(
        cls,
        trip: NDArray[np.signedinteger],
        entry_stop: NDArray[np.signedinteger],
        entry_source: NDArray[np.intp],
        *,
        wide: bool,
    ) -> _Offsets:
        shift, dtype = (_SEGMENT_SHIFT, np.int64) if wide else (_NARROW_SHIFT, np.int32)
        trips: NDArray[np.signedinteger] = np.concatenate(
            [[0], trip.astype(np.int64) << shift]
        ).astype(dtype)
        entries: NDArray[np.signedinteger] = (entry_stop.astype(np.int64) << shift).astype(dtype)
        after: NDArray[np.signedinteger] = np.append(entries, 0).astype(dtype)
        return cls(trips, after, entries - trips[entry_source])


@dataclass(frozen=True)
class _Direction:
    """The stop times in one direction of time, with what the search gathers precomputed."""

    stop: NDArray[np.int32]
    trip: NDArray[np.int32]
    source: NDArray[np.int64]
    """Each event's index in the timetable's stop times."""
    board: NDArray[np.int64]
    """When one can get on (forward: departure; backward: minus the arrival)."""
    alight: NDArray[np.int64]
    entry_event: NDArray[np.int64]
    """Being at a stop after an event: its own stop, or one a short walk away."""
    entry_source: NDArray[np.intp]
    """Where an entry's key is read (positions: 0 for none, event e at e + 1): the previous
    event of its trip. Getting off where one got on is no journey, so an event's own boarding
    never reaches its own entry."""
    entry_key: Keys
    """stop * 2**20 + time + offset, sorted: what deadlines are looked up in."""
    wide: _Offsets
    narrow: _Offsets | None
    """None where a feed has more than 2**18 trips or stops: its keys need int64."""
    board_entry: NDArray[np.int64]
    """Per event, the last entry at its stop early enough to board it (-1 for none)."""
    events_by_stop: NDArray[np.int64]
    events_start: NDArray[np.int64]

    @classmethod
    def build(
        cls,
        timetable: Timetable,
        pairs: NDArray[np.int64],
        longer: NDArray[np.int64],
        *,
        backward: bool,
    ) -> _Direction:
        """`pairs`: the walks between stops one may change by (a, b, minutes), in this
        direction of time; `longer`: per stop, the minutes a change there takes beyond
        CHANGE_MINUTES."""
        counts = np.diff(timetable.trip_first)
        n = int(timetable.trip_first[-1])
        if n >= 1 << _EVENT_BITS:
            raise ValueError(f"{n:,} stop times: more than the planner's {1 << _EVENT_BITS:,}")
        trip = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
        source = np.arange(n, dtype=np.int64)
        if backward:
            first, last = timetable.trip_first[trip], timetable.trip_first[trip + 1] - 1
            source = first + last - source
        stop = timetable.time_stop[source]
        arrive = timetable.time_arrive[source].astype(np.int64)
        depart = timetable.time_depart[source].astype(np.int64)
        board, alight = (-arrive, -depart) if backward else (depart, arrive)
        by_stop = np.argsort(stop, kind="stable").astype(np.int64)
        n_stops = len(timetable.stop_lat)
        stop_counts = np.bincount(stop, minlength=n_stops)
        start = np.zeros(n_stops + 1, dtype=np.int64)
        np.cumsum(stop_counts, out=start[1:])
        # Entries: every event at its own stop, and again at each stop a short walk away.
        a, b, walk = pairs[:, 0], pairs[:, 1], pairs[:, 2]
        per_pair = stop_counts[a]
        pair_of = np.repeat(np.arange(len(pairs)), per_pair)
        within = np.arange(len(pair_of)) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
        walked = by_stop[start[a[pair_of]] + within]
        # Walking to the stop the same vehicle calls at next, and gets to no later, adds
        # nothing: staying on arrives as early with at least as good a key. Left out.
        after = np.minimum(walked + 1, n - 1)
        staying = (
            (trip[after] == trip[walked])
            & (stop[after] == b[pair_of])
            & (alight[after] <= alight[walked] + walk[pair_of])
        )
        walked, pair_of = walked[~staying], pair_of[~staying]
        entry_event = np.concatenate([np.arange(n, dtype=np.int64), walked])
        entry_stop = np.concatenate([stop.astype(np.int64), b[pair_of]])
        entry_time = np.concatenate([alight, alight[walked] + walk[pair_of]])
        order = np.lexsort((entry_time, entry_stop))
        entry_event, entry_stop, entry_time = (
            entry_event[order],
            entry_stop[order],
            entry_time[order],
        )
        entry_key = entry_stop * _STOP_KEY + entry_time + _TIME_OFFSET
        wanted = stop.astype(np.int64) * _STOP_KEY + board - CHANGE_MINUTES - longer[stop]
        wanted += _TIME_OFFSET
        board_entry = np.searchsorted(entry_key, wanted, side="right") - 1
        stale = (board_entry < 0) | (entry_stop[np.maximum(board_entry, 0)] != stop)
        board_entry[stale] = -1
        entry_event = entry_event.astype(np.intp)
        before = np.maximum(entry_event - 1, 0)
        same_trip = (entry_event > 0) & (trip[before] == trip[entry_event])
        entry_source = np.where(same_trip, entry_event, 0).astype(np.intp)
        small = max(len(counts), n_stops) < 1 << (31 - _NARROW_SHIFT)
        return cls(
            stop=stop,
            trip=trip,
            source=source,
            board=board,
            alight=alight,
            entry_event=entry_event,
            entry_source=entry_source,
            entry_key=entry_key,
            wide=_Offsets.of(trip, entry_stop, entry_source, wide=True),
            narrow=_Offsets.of(trip, entry_stop, entry_source, wide=False) if small else None,
            board_entry=board_entry.astype(np.int64),
            events_by_stop=by_stop,
            events_start=start,
        )

    def entries_by(self, stops: NDArray[np.int64], times: NDArray[np.int64]) -> NDArray[np.int64]:
        """The last entry at each stop no later than each time (-1 for none)."""
        wanted = stops * _STOP_KEY + times + _TIME_OFFSET
        index = np.searchsorted(self.entry_key, wanted, side="right") - 1
        found = index >= 0
        found[found] = self.entry_key[index[found]] // _STOP_KEY == stops[found]
        result: NDArray[np.int64] = np.where(found, index, -1)
        return result

    def search(
        self,
        access: NDArray[np.int64],
        walks: NDArray[np.int64],
        trip_runs: NDArray[np.bool_],
        *,
        wide: bool,
    ) -> NDArray[np.signedinteger]:
        """Per entry, the best key: wide, (latest leaving home + offset) << 24 | first event;
        narrow, the time + offset alone (0: not reached).

        Keys are kept with their segment's offset added (trip's or stop's), so each running
        maximum is one pass; moving keys between the two is adding a precomputed difference.
        """
        offsets = self.wide if wide or self.narrow is None else self.narrow
        n, m = len(self.stop), len(self.entry_event)
        # Position 0 is the sentinel before every event (nothing reached); event e is at e + 1.
        runs = np.concatenate([[False], trip_runs[self.trip]])
        first = np.zeros(n + 1, dtype=offsets.trip.dtype)
        for s, w in zip(access.tolist(), walks.tolist(), strict=True):
            events = self.events_by_stop[self.events_start[s] : self.events_start[s + 1]]
            keys = self.board[events] - w + _TIME_OFFSET
            if offsets is self.wide:
                keys = (keys << _EVENT_BITS) | events
            np.maximum.at(first, events + 1, keys.astype(first.dtype))
        first = np.where(runs, first, 0) + offsets.trip
        # Events that do not run, or that nothing reaches in time, board from entry m: a 0.
        reachable = np.concatenate([[False], self.board_entry >= 0])
        index = np.where(runs & reachable, np.concatenate([[m], self.board_entry]), m)
        to_trip = offsets.trip - offsets.entry[index]
        on_board = np.maximum.accumulate(first)
        at_entry = np.zeros(m + 1, dtype=first.dtype)
        gathered = np.empty(m, dtype=first.dtype)

        def spread(on_board: NDArray[np.signedinteger]) -> None:
            np.take(on_board, self.entry_source, out=gathered, mode="clip")
            np.add(gathered, offsets.to_entry, out=gathered)
            np.maximum.accumulate(gathered, out=at_entry[:m])

        spread(on_board)
        for _ in range(ROUNDS - 1):
            boarded = at_entry[index]
            boarded += to_trip
            np.maximum(boarded, first, out=boarded)
            np.maximum.accumulate(boarded, out=boarded)
            if np.array_equal(boarded, on_board):
                break
            on_board = boarded
            spread(on_board)
        result: NDArray[np.signedinteger] = at_entry[:m] - offsets.entry[:m]
        return result


@dataclass(frozen=True, order=True)
class Journey:
    """One way, as a reason tells it: the first vehicle, and when one is at the door."""

    minutes: int
    """Door to door, waiting at the far end included (journeys compare by it first)."""
    line: str
    kind: str
    stop: str
    departs: int
    """Minute of the day the first vehicle leaves (past 1440 on the next day)."""
    arrives: int
    """Minute of the day one is at the workplace's (or home's) door."""
    walk_minutes: int
    changes: bool


@dataclass(frozen=True)
class _Queries:
    """Per (shift, day, way, alternative) group, the entries its egress stops look up."""

    direction: int
    signature: NDArray[np.int64]
    entry: NDArray[np.int64]
    walk: NDArray[np.int64]
    group: NDArray[np.int64]
    group_first: NDArray[np.int64]
    group_shift: NDArray[np.int64]
    group_day: NDArray[np.int64]
    group_time: NDArray[np.int64]
    """The deadline (outbound: shift start) or departure (home: shift end), in the day's frame."""
    group_signature: NDArray[np.int64]
    primary: NDArray[np.int64]
    """Per group, the group of the same shift and day on the day's own trips (itself for those)."""
    floor: NDArray[np.float64]
    """Per group, the fewest minutes any of its journeys can take (-inf: not known, always
    searched): the previous day's trips for a start are searched only where the day's own do
    worse than leaving home at the previous day's last departure."""
    most: NDArray[np.float64]
    """Per group, the longest journey that counts (PREVIOUS_DAY_MINUTES on the previous
    day's trips, else inf)."""

    @cached_property
    def lookups(self) -> list[tuple[int, NDArray[np.intp], NDArray[np.int64]]]:
        """Per signature, the rows that look up an entry in its search, and those entries."""
        found = []
        for signature in np.unique(self.signature).tolist():
            rows = np.flatnonzero((self.signature == signature) & (self.entry >= 0))
            found.append((int(signature), rows, self.entry[rows]))
        return found

    @cached_property
    def always_searched(self) -> set[int]:
        """The signatures of the groups whose floor is not known."""
        return {int(s) for s in np.unique(self.group_signature[np.isneginf(self.floor)])}

    @cached_property
    def searched_if_need_be(self) -> list[tuple[int, NDArray[np.intp]]]:
        """The other signatures, each with the groups that look up its search."""
        return [
            (signature, np.flatnonzero(self.group_signature == signature))
            for signature, _, _ in self.lookups
            if signature not in self.always_searched
        ]

    @cached_property
    def known(self) -> NDArray[np.bool_]:
        """Which groups have rows (the others' journeys are not known)."""
        known: NDArray[np.bool_] = np.bincount(self.group, minlength=len(self.group_shift)) > 0
        return known

    @cached_property
    def shift_day(self) -> NDArray[np.int64]:
        """Each group's shift * 7 + day: a flat index is several times quicker for ufunc.at."""
        flat: NDArray[np.int64] = self.group_shift * 7 + self.group_day
        return flat


class TimetableTravelTimes:
    """Public transport on a timetable; walking, cycling and driving along the streets where
    an extract is installed; every other mode, and places neither reaches, from the estimate.
    A `TravelTimeModel`, plus `for_shifts` for the commute feature."""

    def __init__(
        self,
        timetable: Timetable,
        *,
        estimate: EstimatedTravelTimes | None = None,
        week_of: dt.date | None = None,
        streets: Streets | None = None,
    ) -> None:
        self.timetable = timetable
        self.estimate = estimate or EstimatedTravelTimes()
        self.roads = StreetTravelTimes(streets, estimate=self.estimate) if streets else None
        """Walking, cycling and driving along the streets (None: the estimate's)."""
        self.week_of = week_of
        # A few people's: each is a few MB on a city's network.
        self._searches: _Kept[tuple[float, float, int, int, bool], NDArray[np.signedinteger]]
        self._searches = _Kept(48)
        # One vacancy's minutes per person and shift time, for the engines fitted on one
        # vacancy to rank people (a fresh ShiftJourneys each time, so its own rows are empty).
        self._by_shift: _Kept[tuple[object, ...], float] = _Kept(65536)

    @property
    def streets(self) -> Streets | None:
        """The street extract installed with the timetable, if any."""
        return self.roads.streets if self.roads is not None else None

    def minutes(
        self, modes: Sequence[Mode], origins: NDArray[np.float64], destinations: NDArray[np.float64]
    ) -> dict[Mode, NDArray[np.float64]]:
        by = self.roads or self.estimate
        return by.minutes(modes, origins, destinations)

    def running(self, mode: Mode, minute_of_day: NDArray[np.int64]) -> NDArray[np.bool_]:
        return self.estimate.running(mode, minute_of_day)

    @cached_property
    def week(self) -> list[dt.date]:
        """Monday to the next Monday of the week journeys are judged on: the chosen one, else
        this week, else the feeds' nearest full week."""
        tt = self.timetable
        wanted = self.week_of or dt.date.today()
        monday = wanted - dt.timedelta(days=wanted.weekday())
        first_monday = tt.first_day + dt.timedelta(days=-tt.first_day.weekday() % 7)
        last_monday = tt.last_day - dt.timedelta(days=tt.last_day.weekday() + 7)
        if self.week_of is None and first_monday <= last_monday:
            monday = min(max(monday, first_monday), last_monday)
        return [monday + dt.timedelta(days=d) for d in range(8)]

    @cached_property
    def _week_services(self) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        """Per day from the Sunday before `week` to its last Monday, which distinct set of
        services runs (-1 outside the feeds), and those sets' trips: the Sunday's trips past
        24:00 run on Monday's early hours."""
        tt = self.timetable
        days = [self.week[0] - dt.timedelta(days=1), *self.week]
        services = np.array([tt.services_on(day) for day in days])
        inside = np.array([tt.first_day <= day <= tt.last_day for day in days])
        distinct, which = np.unique(services, axis=0, return_inverse=True)
        which = np.where(inside, which.reshape(-1), -1)
        return which.astype(np.int64), distinct[:, tt.trip_service]

    @cached_property
    def network(self) -> Timetable:
        """The timetable's trips that run on a day of `week`: a year's feed holds many more,
        and the search's memory and time grow with them."""
        running = np.asarray(self._week_services[1].any(axis=0), dtype=np.bool_)
        return self.timetable.only_trips(running)

    @cached_property
    def signatures(self) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        """Per day of `week`, which distinct set of running trips it has (-1 outside the
        feeds), and those sets (signatures, the network's trips)."""
        which, trips = self._week_services
        return which[1:], trips[:, trips.any(axis=0)]

    @cached_property
    def signatures_before(self) -> NDArray[np.int64]:
        """Per day of `week`, the signature of the service day before it (-1 outside the
        feeds): its trips past 24:00 (and its evening, waiting) serve that day's early starts."""
        return self._week_services[0][:-1]

    @cached_property
    def latest_departures(self) -> NDArray[np.int64]:
        """Per signature, the last minute any of its trips leaves a stop, in its own frame."""
        forward = self.directions[0]
        runs = self.signatures[1][:, forward.trip]
        boards = np.broadcast_to(forward.board, runs.shape)
        latest: NDArray[np.int64] = np.max(boards, axis=1, where=runs, initial=-_NO_CHANGE)
        return latest

    @cached_property
    def directions(self) -> tuple[_Direction, _Direction]:
        tt = self.network
        pairs, longer = _changes(tt)
        # Backwards in time a walk from a to b is taken from b to a.
        return (
            _Direction.build(tt, pairs, longer, backward=False),
            _Direction.build(tt, pairs[:, [1, 0, 2]], longer, backward=True),
        )

    def nearest_stops(
        self, points: NDArray[np.float64]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(P, ACCESS_STOPS) stops within ACCESS_KM (-1 past the last) and their walks: along
        the streets where an extract is installed, else estimated from the distance."""
        tt = self.timetable
        stops = np.stack([tt.stop_lat, tt.stop_lon], axis=1)
        km = regional_km(points, stops)
        if self.roads is not None:
            return self._walked_to_stops(points, stops, km)
        take = min(ACCESS_STOPS, km.shape[1])
        nearest = np.argpartition(km, take - 1, axis=1)[:, :take]
        near_km = np.take_along_axis(km, nearest, axis=1)
        nearest = np.where(near_km <= ACCESS_KM, nearest, -1)
        return nearest.astype(np.int64), estimated_walk_minutes(near_km)

    def _walked_to_stops(
        self, points: NDArray[np.float64], stops: NDArray[np.float64], km: FloatMatrix
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """nearest_stops along the streets: the stops within ACCESS_KM as the crow flies, by
        the minutes it takes to walk there (no more than walking ACCESS_KM is estimated at)."""
        assert self.roads is not None
        most = float(estimated_walk_minutes(np.array([ACCESS_KM]))[0])
        distinct, which = np.unique(points, axis=0, return_inverse=True)
        found = np.full((len(distinct), ACCESS_STOPS), -1, dtype=np.int64)
        walks = np.zeros((len(distinct), ACCESS_STOPS), dtype=np.int64)
        first_of = np.unique(which.reshape(-1), return_index=True)[1]
        for row, point in enumerate(distinct):
            near = np.flatnonzero(km[first_of[row]] <= ACCESS_KM)
            if not len(near):
                continue
            origin = (float(point[0]), float(point[1]))
            minutes = self.roads.walk_minutes(origin, stops[near], most_km=ACCESS_KM * 1.5)
            order = np.argsort(minutes, kind="stable")[:ACCESS_STOPS]
            order = order[minutes[order] <= most]
            found[row, : len(order)] = near[order]
            walks[row, : len(order)] = np.ceil(minutes[order]).astype(np.int64)
        rows = which.reshape(-1)
        return found[rows], walks[rows]

    def search(
        self, origin: tuple[float, float], signature: int, direction: int, *, wide: bool = False
    ) -> NDArray[np.signedinteger] | None:
        """One home's search on one set of running trips, kept for the next shortlists; wide
        keys name the first vehicle too (for reasons), narrow ones are quicker (for minutes)."""
        wide = wide or self.directions[direction].narrow is None
        key = (round(origin[0], 5), round(origin[1], 5), signature, direction, wide)
        found = self._searches.get(key)
        if found is not None:
            return found
        stops, walks = self.nearest_stops(np.array([origin], dtype=np.float64))
        usable = stops[0] >= 0
        if not usable.any():
            return None
        trips = self.signatures[1][signature]
        found = self.directions[direction].search(
            stops[0][usable], walks[0][usable], trips, wide=wide
        )
        return self._searches.put(key, found)

    def times(self, keys: Keys, direction: int) -> Keys:
        """The times in narrow (minutes) search keys: wide ones where the feed needs them."""
        if self.directions[direction].narrow is None:
            wide: Keys = (keys >> _EVENT_BITS) - _TIME_OFFSET
            return wide
        narrow: Keys = keys - _TIME_OFFSET
        return narrow

    def for_shifts(self, destinations: NDArray[np.float64], shifts: ShiftTable) -> ShiftJourneys:
        """The vacancies' stops and walks, and what each shift looks up, worked out once."""
        return ShiftJourneys(self, destinations, shifts)


class ShiftJourneys:
    """Journeys to the shifts of one set of vacancies, per person (cached per home)."""

    def __init__(
        self, model: TimetableTravelTimes, destinations: NDArray[np.float64], shifts: ShiftTable
    ) -> None:
        self.model = model
        self.shifts = shifts
        stops, walks = model.nearest_stops(destinations)
        self.vacancy_stops, self.vacancy_walks = stops, walks
        which, _ = model.signatures
        self.queries = (self._queries(0, which), self._queries(1, which))
        self._rows: _Kept[tuple[float, float], NDArray[np.float64]] = _Kept(4096)
        self._shift_keys: list[tuple[object, ...]] | None = None
        if len(shifts.start) <= _FEW_SHIFTS:
            where = destinations[shifts.vacancy]
            self._shift_keys = [
                (round(lat, 5), round(lon, 5), start, length, days.tobytes())
                for (lat, lon), start, length, days in zip(
                    where.tolist(),
                    shifts.start.tolist(),
                    shifts.duration.tolist(),
                    shifts.days,
                    strict=True,
                )
            ]
        self._legs: _Kept[tuple[float, float, int], tuple[Journey | None, Journey | None]]
        self._legs = _Kept(4096)

    def _queries(self, direction: int, which: NDArray[np.int64]) -> _Queries:
        shifts = self.shifts
        k, day = np.nonzero(shifts.days)
        start, end = shifts.start[k], shifts.start[k] + shifts.duration[k]
        if direction == 0:
            # The previous service day's trips, in its own frame (where the start is 24:00
            # later), are the other alternative: a night tram at 24:40 for a 01:00 start.
            # Only for starts early enough that such a journey may count: no journey on them
            # leaves home after that day's last departure.
            before = self.model.signatures_before[day]
            latest = self.model.latest_departures[before]
            soon = start + MINUTES_PER_DAY - latest <= PREVIOUS_DAY_MINUTES
            other = np.flatnonzero((before >= 0) & soon)
            groups = [
                (k, day, which[day], start),
                (k[other], day[other], before[other], start[other] + MINUTES_PER_DAY),
            ]
        else:
            # The way home after midnight is on the next day's service, in its own frame; the
            # service day's own trips past 24:00 are the other alternative.
            other = np.flatnonzero(end >= MINUTES_PER_DAY)
            groups = [
                (k, day, which[day], end),
                (k[other], day[other], which[day[other] + 1], end[other] - MINUTES_PER_DAY),
            ]
        g_shift = np.concatenate([g[0] for g in groups]).astype(np.int64)
        g_day = np.concatenate([g[1] for g in groups]).astype(np.int64)
        g_sig = np.concatenate([g[2] for g in groups]).astype(np.int64)
        g_time = np.concatenate([g[3] for g in groups]).astype(np.int64)
        vacancy = shifts.vacancy[g_shift]
        stops = self.vacancy_stops[vacancy]  # (G, ACCESS_STOPS)
        walks = self.vacancy_walks[vacancy]
        group = np.repeat(np.arange(len(g_shift)), stops.shape[1])
        stop, walk = stops.reshape(-1), walks.reshape(-1)
        keep = (stop >= 0) & (g_sig[group] >= 0)
        group, stop, walk = group[keep], stop[keep], walk[keep]
        # Outbound: at the stop by the deadline minus the walk; home: the same, time negated.
        wanted = g_time[group] - walk if direction == 0 else -(g_time[group] + walk)
        entry = self.model.directions[direction].entries_by(stop, wanted)
        first = np.searchsorted(group, np.arange(len(g_shift)))
        floor, most = np.full(len(g_shift), -np.inf), np.full(len(g_shift), np.inf)
        if direction == 0:
            alternative = np.arange(len(k), len(g_shift))
            latest = self.model.latest_departures[g_sig[alternative]]
            floor[alternative] = g_time[alternative] - latest
            most[alternative] = PREVIOUS_DAY_MINUTES
        return _Queries(
            direction=direction,
            signature=g_sig[group],
            entry=entry,
            walk=walk,
            group=group,
            group_first=first,
            group_shift=g_shift,
            group_day=g_day,
            group_time=g_time,
            group_signature=g_sig,
            primary=np.concatenate([np.arange(len(k)), other]).astype(np.int64),
            floor=floor,
            most=most,
        )

    def _looked_up(
        self, origin: tuple[float, float], q: _Queries, signatures: set[int], keys: Keys
    ) -> None:
        """The rows' keys from these signatures' searches, into `keys`."""
        for signature, rows, entries in q.lookups:
            if signature in signatures:
                result = self.model.search(origin, signature, q.direction)
                if result is not None:
                    keys[rows] = result[entries]

    def _minutes_by_group(self, origin: tuple[float, float], q: _Queries) -> NDArray[np.float64]:
        keys = np.zeros(len(q.entry), dtype=np.int64)
        self._looked_up(origin, q, q.always_searched, keys)
        minutes = self._minutes_of(q, keys)
        # The other day's trips, only where they might do better (a search each).
        if not q.searched_if_need_be:
            return minutes
        could = (q.floor < minutes[q.primary]) & q.known  # (`soon` kept floor <= most)
        wanted = {signature for signature, groups in q.searched_if_need_be if could[groups].any()}
        if wanted:
            self._looked_up(origin, q, wanted, keys)
            minutes = self._minutes_of(q, keys)
        return minutes

    def _minutes_of(self, q: _Queries, keys: Keys) -> NDArray[np.float64]:
        best = np.zeros(len(q.group_shift), dtype=np.int64)
        np.maximum.at(best, q.group, keys)
        time = self.model.times(best, q.direction)
        if q.direction == 0:
            minutes = (q.group_time - time).astype(np.float64)
        else:
            minutes = (-time - q.group_time).astype(np.float64)
        minutes[(best == 0) | (minutes > q.most)] = np.inf
        minutes[~q.known] = np.nan
        return minutes

    def overlay(
        self, origins: NDArray[np.float64], estimate: NDArray[np.float64], usable: NDArray[np.bool_]
    ) -> NDArray[np.float64]:
        """(C, shifts) public transport minutes: the timetable's where it knows them (for those
        who can use it, `usable` (C, 1)), the estimate's elsewhere."""
        known = self.minutes(origins)
        timed = np.where(usable, known, np.inf)
        result: NDArray[np.float64] = np.where(np.isnan(known), estimate, timed)
        return result

    def at(self, origin: tuple[float, float], shift: int) -> float | None:
        """One shift's timetable minutes (inf: no journey), None where not known."""
        minutes = float(self._row(origin)[shift])
        return None if math.isnan(minutes) else minutes

    def covered(self, origin: tuple[float, float]) -> bool:
        stops, _ = self.model.nearest_stops(np.array([origin], dtype=np.float64))
        return bool((stops >= 0).any())

    def minutes(self, origins: NDArray[np.float64]) -> NDArray[np.float64]:
        """(C, shifts) one-way minutes on the timetable, the worse of the way there and home on
        the worst of the shift's days; inf where no journey works, NaN where not known."""
        rows = [self._row((float(o[0]), float(o[1]))) for o in origins]
        return np.array(rows, dtype=np.float64).reshape(len(origins), len(self.shifts.start))

    def _row(self, origin: tuple[float, float]) -> NDArray[np.float64]:
        key = (round(origin[0], 5), round(origin[1], 5))
        found = self._rows.get(key)
        if found is not None:
            return found
        by_shift = self.model._by_shift
        if self._shift_keys is not None:
            known = [by_shift.get((key, shift)) for shift in self._shift_keys]
            if all(m is not None for m in known):
                return self._rows.put(key, np.array(known, dtype=np.float64))
        row = self._worked_out_row(origin)
        for shift, minutes in zip(self._shift_keys or (), row.tolist(), strict=False):
            by_shift.put((key, shift), minutes)
        return self._rows.put(key, row)

    def _worked_out_row(self, origin: tuple[float, float]) -> NDArray[np.float64]:
        n_shifts = len(self.shifts.start)
        row = np.full(n_shifts, np.nan)
        if self.covered(origin):
            # Each way's alternatives (the service day's, the one before or after it) for a
            # shift's day: the best of them.
            there, home = np.full((2, n_shifts, 7), np.inf)
            for q, best in zip(self.queries, (there, home), strict=True):
                minutes = self._minutes_by_group(origin, q)
                with np.errstate(invalid="ignore"):  # NaN (not known) is meant to win
                    np.minimum.at(best.reshape(-1), q.shift_day, minutes)
            # NaN (not known: no stop near the workplace, a day outside the feeds) wins.
            per_day = np.where(self.shifts.days, np.maximum(there, home), -np.inf)
            row = per_day.max(axis=1)
        return row

    def journeys(
        self, origin: tuple[float, float], shift: int
    ) -> tuple[Journey | None, Journey | None]:
        """The way there and the way home for a shift, on its worst day (None: no journey);
        only this shift's lookups are read, and kept for the person's next shortlist."""
        remembered = (round(origin[0], 5), round(origin[1], 5), shift)
        found = self._legs.get(remembered)
        if found is None:
            found = self._legs.put(remembered, self._worked_out(origin, shift))
        return found

    def _worked_out(
        self, origin: tuple[float, float], shift: int
    ) -> tuple[Journey | None, Journey | None]:
        per_way: list[dict[int, Journey | None]] = []
        for q in self.queries:
            by_day: dict[int, Journey | None] = {}
            for g in np.flatnonzero(q.group_shift == shift).tolist():  # the day's own first
                day = int(q.group_day[g])
                known = by_day.get(day)
                if known is not None and known.minutes <= q.floor[g]:
                    continue  # the previous day's trips cannot do better
                key, row = self._best_of_group(origin, q, g)
                leg = self._journey(origin, q, g, key, row)
                if leg is not None and leg.minutes > q.most[g]:
                    leg = None
                if day not in by_day or (leg is not None and (known is None or leg < known)):
                    by_day[day] = leg
            per_way.append(by_day)
        there, home = per_way

        def badness(day: int) -> tuple[float, int]:
            legs = [there.get(day), home.get(day)]
            return max(math.inf if leg is None else leg.minutes for leg in legs), -day

        days = [int(d) for d in np.flatnonzero(self.shifts.days[shift])]
        worst = max(days, key=badness)
        return there.get(worst), home.get(worst)

    def _where_reached(self, origin: tuple[float, float], q: _Queries, row: int, key: int) -> int:
        """The entry where the key was first had at the looked-up stop: the running maximum
        carries it on to later arrivals there, but the journey is the earliest one."""
        entry = int(q.entry[row])
        direction = self.model.directions[q.direction]
        result = self.model.search(origin, int(q.signature[row]), q.direction, wide=True)
        assert result is not None  # the key came from this search
        stop = int(direction.entry_key[entry] // _STOP_KEY)
        first = int(np.searchsorted(direction.entry_key, stop * _STOP_KEY))
        return first + int(np.searchsorted(result[first : entry + 1], key))

    def _best_of_group(
        self, origin: tuple[float, float], q: _Queries, group: int
    ) -> tuple[int, int]:
        """One group's best key (0: no journey) and the query row that gave it."""
        first = int(q.group_first[group])
        last = int(q.group_first[group + 1]) if group + 1 < len(q.group_first) else len(q.entry)
        best, best_row = 0, -1
        for row in range(first, last):
            if q.entry[row] < 0:
                continue
            result = self.model.search(origin, int(q.signature[row]), q.direction, wide=True)
            key = 0 if result is None else int(result[q.entry[row]])
            if key > best:
                best, best_row = key, row
        return best, best_row

    def _journey(
        self, origin: tuple[float, float], q: _Queries, group: int, key: int, row: int
    ) -> Journey | None:
        if key == 0 or row < 0:
            return None
        tt = self.model.network
        direction = self.model.directions[q.direction]
        time = (key >> _EVENT_BITS) - _TIME_OFFSET
        first_event = key & _EVENT_MASK
        entry = self._where_reached(origin, q, row, key)
        last_event = int(direction.entry_event[entry])
        entry_time = int(direction.entry_key[entry] % _STOP_KEY) - _TIME_OFFSET
        egress = entry_time - int(direction.alight[last_event]) + int(q.walk[row])
        if q.direction == 0:
            leg, boarded_at = first_event, int(direction.board[first_event])
            access = boarded_at - time
            arrives = entry_time + int(q.walk[row])
            minutes = int(q.group_time[group]) - time
        else:
            # Backwards, the entry at the workplace is the first vehicle of the way home, and
            # the search's first event is the last one, where one gets off near home.
            leg, boarded_at = last_event, -int(direction.alight[last_event])
            access = egress
            egress = int(direction.board[first_event]) - time
            arrives = -time
            minutes = arrives - int(q.group_time[group])
        source = int(direction.source[leg])
        trip = int(direction.trip[leg])
        route = int(tt.trip_route[trip])
        walked = max(0, access) + max(0, egress)
        return Journey(
            line=str(tt.route_name[route]),
            kind=str(tt.route_kind[route]),
            stop=str(tt.stop_name[tt.time_stop[source]]),
            departs=boarded_at,
            arrives=arrives,
            walk_minutes=int(walked),
            changes=int(direction.trip[last_event]) != int(direction.trip[first_event]),
            minutes=int(minutes),
        )


def _changes(timetable: Timetable) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The walks a change may take, (pairs, 3): stops a, b and the minutes from a to b; and
    per stop the minutes a change there takes beyond CHANGE_MINUTES.

    The stops near each other (TRANSFER_KM), as the feeds' transfers.txt amends them: its walk
    between two stops is allowed whatever the distance (types 0 and 1), lengthened to its
    minimum (2) or left out (3), its first row for a pair winning. At one stop, a minimum (2)
    lengthens every change there and 3 forbids them, walks in from other stops included: the
    search has one boarding deadline per vehicle at a stop, however one got there.
    """
    tt = timetable
    points = np.stack([tt.stop_lat, tt.stop_lon], axis=1)
    near = _near_pairs(points, TRANSFER_KM, TRANSFER_STOPS)
    a, b = tt.transfer_from.astype(np.int64), tt.transfer_to.astype(np.int64)
    kind, least = tt.transfer_type.astype(np.int64), tt.transfer_minutes.astype(np.int64)
    longer = np.zeros(len(points), dtype=np.int64)
    same = a == b
    lengthened = same & (kind == 2)
    np.maximum.at(longer, a[lengthened], least[lengthened] - CHANGE_MINUTES)
    longer[a[same & (kind == 3)]] = _NO_CHANGE
    a, b, kind, least = a[~same], b[~same], kind[~same], least[~same]
    km = haversine_km(tt.stop_lat[a], tt.stop_lon[a], tt.stop_lat[b], tt.stop_lon[b])
    walk = np.maximum(estimated_walk_minutes(km), np.where(kind == 2, least - CHANGE_MINUTES, 0))
    rows = np.concatenate(
        [np.stack([a, b, walk, kind], axis=1), np.insert(near, 3, -1, axis=1)]
    ).astype(np.int64)
    _, first = np.unique(rows[:, 0] * len(points) + rows[:, 1], return_index=True)
    rows = rows[np.sort(first)]
    pairs: NDArray[np.int64] = rows[rows[:, 3] != 3, :3]
    return pairs, longer


def _near_pairs(points: NDArray[np.float64], km: float, most: int) -> NDArray[np.int64]:
    """(pairs, 3): stops a, b (a != b, b among a's `most` nearest) within `km` of each other,
    and the walk's minutes;
    by strips of latitude, so a city's thousands of stops need no (S, S) matrix."""
    order = np.argsort(points[:, 0])
    lat = points[order, 0]
    reach = km / 111.0
    found: list[NDArray[np.int64]] = []
    block = 512
    for begin in range(0, len(order), block):
        rows = order[begin : begin + block]
        low = np.searchsorted(lat, lat[begin] - reach)
        high = np.searchsorted(lat, lat[min(begin + block, len(lat)) - 1] + reach, side="right")
        cols = order[low:high]
        distance = regional_km(points[rows], points[cols])
        distance[(distance > km) | (rows[:, None] == cols[None, :])] = np.inf
        take = min(most, distance.shape[1])
        nearest = np.argpartition(distance, take - 1, axis=1)[:, :take]
        near = np.take_along_axis(distance, nearest, axis=1)
        a, k = np.nonzero(np.isfinite(near))
        walks = estimated_walk_minutes(near[a, k])
        found.append(np.stack([rows[a], cols[nearest[a, k]], walks], axis=1).astype(np.int64))
    if not found:
        return np.zeros((0, 3), dtype=np.int64)
    return np.concatenate(found)


def journey_reasons(
    there: Journey | None, home: Journey | None, *, start: int, end: int
) -> list[Reason]:
    """What a coach reads about a shift's journeys on the timetable, both ways."""
    reasons: list[Reason] = []
    if there is None:
        reasons.append(
            Reason("journey", {"shift_start": format_clock(start)}, variant="none.there")
        )
    else:
        reasons.append(_leg_reason("journey", there, "there.changes" if there.changes else "there"))
    if home is None:
        reasons.append(Reason("journey", {"shift_end": format_clock(end)}, variant="none.home"))
    else:
        reasons.append(_leg_reason("journey", home, "home"))
    return reasons


def _leg_reason(code: str, leg: Journey, variant: str) -> Reason:
    params = {
        "kind": leg.kind,
        "line": leg.line,
        "stop": leg.stop,
        "departs": format_clock(leg.departs),
        "arrives": format_clock(leg.arrives),
        "walk": leg.walk_minutes,
        "minutes": leg.minutes,
    }
    return Reason(code, params, variant=variant, shown={"kind": Word(f"vehicle.{leg.kind}")})


def estimate_reason(minutes: int, mode: Mode) -> Reason:
    """Said where a timetable is installed but does not reach this home or workplace."""
    return Reason(
        "journey",
        {"minutes": minutes, "mode": mode},
        variant="estimate",
        shown={"mode": Word(f"mode.{mode}")},
    )


BUILD_MARKER = "build.json"
"""Written last by `matcher transit build`: the build's id and its files, each as written
(`_fingerprint`)."""


def mark_build(directory: Path, names: Sequence[str]) -> None:
    """Says which files make the build just written at `directory` (each already whole, under
    its final name), with each one's content digest, so that a service reading meanwhile can
    tell a half-replaced build (see `installed_travel`)."""
    files = {name: _fingerprint(directory / name) for name in names}
    marker = {"build": secrets.token_hex(8), "files": files}
    written = directory / f"{BUILD_MARKER}.new"
    written.write_text(json.dumps(marker, indent=2), encoding="utf-8")
    written.replace(directory / BUILD_MARKER)


def _fingerprint(path: Path) -> str:
    """The file's content digest: what tells one build's file from the next one's under the
    same name, and still holds for a built folder copied elsewhere (sizes and times do not)."""
    with path.open("rb") as read:
        return hashlib.file_digest(read, "blake2b").hexdigest()[:32]


def _marker(directory: Path) -> dict[str, object] | None:
    try:
        text = (directory / BUILD_MARKER).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None  # built before the marker: its files as they are
    marker: dict[str, object] = json.loads(text)
    return marker


def _check_whole(directory: Path, marker: dict[str, object]) -> None:
    """Raises ValueError unless the marker is still there and each file it lists holds what
    it was written with: a build being written meanwhile replaces them one after another."""
    if _marker(directory) != marker:
        raise ValueError(f"{directory}: a new build was marked meanwhile")
    files = marker["files"]
    assert isinstance(files, dict)
    for name, written in files.items():
        if _fingerprint(directory / name) != written:
            raise ValueError(f"{directory / name}: replaced since {BUILD_MARKER} was written")


def installed_travel(
    directory: Path | str | None = None, *, week_of: dt.date | None = None
) -> TimetableTravelTimes | StreetTravelTimes | None:
    """The timetable (and streets) built by `matcher transit build` at `directory` (default:
    the MATCHER_TRANSIT environment variable), the streets alone where it was built from an
    extract only, or None: the commute then uses its estimate.
    Shifts are judged on the week of `week_of` (default MATCHER_TRANSIT_WEEK, else this week):
    a holiday week, or an ordinary one, as the coordinators choose.
    Raises ValueError where a new build replaced some of the files while they were read."""
    where = directory if directory is not None else os.environ.get("MATCHER_TRANSIT")
    if not where:
        return None
    chosen = os.environ.get("MATCHER_TRANSIT_WEEK")
    if week_of is None and chosen:
        week_of = dt.date.fromisoformat(chosen)
    folder = Path(where)
    marker = _marker(folder)
    if marker is None:
        built = {name for name in ("streets.npz", "timetable.npz") if (folder / name).exists()}
    else:
        assert isinstance(marker["files"], dict)
        built = set(marker["files"])
    streets = Streets.load(folder / "streets.npz") if "streets.npz" in built else None
    travel: TimetableTravelTimes | StreetTravelTimes
    if "timetable.npz" not in built and streets is not None:
        travel = StreetTravelTimes(streets)  # built with --osm alone: no public transport
    else:
        travel = TimetableTravelTimes(Timetable.load(folder), week_of=week_of, streets=streets)
    if marker is not None:
        # The marker's files were all in place before it was read: any of them replaced by
        # the time they were read (by a build written meanwhile) no longer has its content.
        _check_whole(folder, marker)
    return travel


_UNREADABLE = (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile)
"""What a build's files raise while half written."""


class InstalledTimetable:
    """The timetable built at a folder, loaded again once a new build replaces it, so a running
    service takes it up without a restart. The build is looked at (a stat of its marker,
    build.json, written last; of timetable.json and streets.npz for a build from before the
    marker) at most every `every` seconds; a build that cannot be read yet (half written)
    leaves the one in use, and is tried again at the next look."""

    def __init__(
        self,
        directory: Path | str,
        *,
        week_of: dt.date | None = None,
        every: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.directory = Path(directory)
        self.week_of = week_of
        self.every = every
        self._clock = clock
        self._lock = threading.Lock()
        self._stamp = self._build_stamp()
        self.travel = installed_travel(self.directory, week_of=week_of)
        self._looked = clock()

    def _build_stamp(self) -> tuple[tuple[int, int, int] | None, ...]:
        stamps: list[tuple[int, int, int] | None] = []
        for name in (BUILD_MARKER, "timetable.json", "streets.npz"):
            try:
                found = (self.directory / name).stat()
            except FileNotFoundError:
                stamps.append(None)
            else:
                stamps.append((found.st_mtime_ns, found.st_size, found.st_ino))
                if name == BUILD_MARKER:
                    break  # the files written before it are not looked at until it moves
        return tuple(stamps)

    def current(self) -> TimetableTravelTimes | StreetTravelTimes | None:
        """The newest build that could be read."""
        now = self._clock()
        if now - self._looked < self.every:
            return self.travel
        with self._lock:
            if now - self._looked >= self.every:
                self._looked = now
                stamp = self._build_stamp()
                if stamp != self._stamp:
                    try:
                        travel = installed_travel(self.directory, week_of=self.week_of)
                    except _UNREADABLE:
                        logger.warning("the new timetable at %s cannot be read yet", self.directory)
                    else:
                        # Unless yet another build was marked while this one loaded: its
                        # stamp would be missed, or the one loaded be loaded again.
                        if self._build_stamp() == stamp:
                            self.travel, self._stamp = travel, stamp
        return self.travel


def timetable_status(travel: object, today: dt.date | None = None) -> dict[str, object] | None:
    """What /health says of the timetable in use: its feeds and dates, and whether expired."""
    if not isinstance(travel, TimetableTravelTimes):
        return None
    tt = travel.timetable
    today = today or dt.date.today()
    expired = tt.last_day < today
    return {
        "feeds": [f.name for f in tt.feeds],
        "digest": tt.digest,
        "week": travel.week[0].isoformat(),
        "first_day": tt.first_day.isoformat(),
        "last_day": tt.last_day.isoformat(),
        "expired": expired,
        "warning": (
            f"the timetable ended on {tt.last_day.isoformat()}: build a newer one"
            if expired
            else None
        ),
    }
