"""Public transport timetables: GTFS feeds read, merged, checked and stored as arrays.

A built timetable is a directory with `timetable.npz` (the arrays) and `timetable.json` (the
feeds, their dates and a content digest), written by `matcher transit build` and read at start.
Times are whole minutes after midnight of the service day (GTFS writes 25:10 for 01:10 the next
morning of a trip that began the evening before, and so do these arrays).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

__all__ = ["FeedError", "FeedInfo", "Timetable", "read_feeds"]

ROUTE_KINDS: dict[int, str] = {0: "tram", 1: "metro", 2: "train", 3: "bus", 4: "ferry"}
"""GTFS route_type to what a reason calls the vehicle; other types read as "line"."""
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_REQUIRED: dict[str, tuple[str, ...]] = {
    "stops.txt": ("stop_id", "stop_lat", "stop_lon"),
    "routes.txt": ("route_id", "route_type"),
    "trips.txt": ("route_id", "service_id", "trip_id"),
    "stop_times.txt": ("trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"),
}
Progress = Callable[[str, int], None]
"""Told each step's name and how many rows it read (for a progress bar)."""


class FeedError(ValueError):
    """A feed that cannot be used, with a message naming the file and the problem."""


@dataclass(frozen=True)
class FeedInfo:
    name: str
    """The file it was read from."""
    agency: str
    first_day: str
    last_day: str
    """ISO dates of the first and last service day."""


@dataclass(frozen=True)
class Timetable:
    """Stops, lines, trips and their stop times, and which services run on which day."""

    stop_lat: NDArray[np.float64]
    stop_lon: NDArray[np.float64]
    stop_name: NDArray[np.str_]
    route_name: NDArray[np.str_]
    """The line as riders know it: short name, else long name."""
    route_kind: NDArray[np.str_]
    """"tram", "bus", "train", ... (ROUTE_KINDS)."""
    trip_route: NDArray[np.int32]
    trip_service: NDArray[np.int32]
    trip_first: NDArray[np.int64]
    """(trips + 1,): where each trip's stop times start; they are in stop_sequence order."""
    time_stop: NDArray[np.int32]
    time_arrive: NDArray[np.int32]
    time_depart: NDArray[np.int32]
    first_day: dt.date
    running: NDArray[np.bool_]
    """(days, services): which services run on first_day + row."""
    feeds: tuple[FeedInfo, ...] = ()
    digest: str = ""
    """Identifies the content: journeys cached for one timetable are not used for another."""
    summary: dict[str, object] = field(default_factory=dict)
    transfer_from: NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, np.int32))
    transfer_to: NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, np.int32))
    """transfers.txt between stops (a station's rows for each of its platforms); none in a
    build made before they were read."""
    transfer_type: NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, np.int32))
    """0 or 1 allowed, 2 taking at least transfer_minutes, 3 not possible."""
    transfer_minutes: NDArray[np.int32] = field(default_factory=lambda: np.zeros(0, np.int32))

    @property
    def last_day(self) -> dt.date:
        return self.first_day + dt.timedelta(days=len(self.running) - 1)

    def services_on(self, day: dt.date) -> NDArray[np.bool_]:
        """(services,): which run on that day (none outside the feeds' dates)."""
        row = (day - self.first_day).days
        if 0 <= row < len(self.running):
            running: NDArray[np.bool_] = self.running[row]
            return running
        return np.zeros(self.running.shape[1], dtype=np.bool_)

    def only_trips(self, keep: NDArray[np.bool_]) -> Timetable:
        """The same timetable with only the trips in `keep` (stops and calendar as they are)."""
        counts = np.diff(self.trip_first)
        times = np.repeat(keep, counts)
        first = np.zeros(int(keep.sum()) + 1, dtype=np.int64)
        np.cumsum(counts[keep], out=first[1:])
        return replace(
            self,
            trip_route=self.trip_route[keep],
            trip_service=self.trip_service[keep],
            trip_first=first,
            time_stop=self.time_stop[times],
            time_arrive=self.time_arrive[times],
            time_depart=self.time_depart[times],
        )

    def area(self) -> tuple[float, float, float, float]:
        """(south, west, north, east) of the stops."""
        return (
            float(self.stop_lat.min()),
            float(self.stop_lon.min()),
            float(self.stop_lat.max()),
            float(self.stop_lon.max()),
        )

    def describe(self) -> dict[str, object]:
        south, west, north, east = self.area()
        return {
            "stops": len(self.stop_lat),
            "routes": len(self.route_name),
            "trips": len(self.trip_route),
            "stop_times": len(self.time_stop),
            "service_days": int(self.running.any(axis=1).sum()),
            "first_day": self.first_day.isoformat(),
            "last_day": self.last_day.isoformat(),
            "area": {"south": south, "west": west, "north": north, "east": east},
            "feeds": [f.__dict__ for f in self.feeds],
        }

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        arrays = {
            name: getattr(self, name)
            for name in (
                "stop_lat",
                "stop_lon",
                "stop_name",
                "route_name",
                "route_kind",
                "trip_route",
                "trip_service",
                "trip_first",
                "time_stop",
                "time_arrive",
                "time_depart",
                "running",
                "transfer_from",
                "transfer_to",
                "transfer_type",
                "transfer_minutes",
            )
        }
        # Each file whole or not at all, the arrays first: a running service that sees the
        # new timetable.json (InstalledTimetable) reads the arrays it describes.
        written = directory / "timetable.npz.new"
        with written.open("wb") as out:
            np.savez_compressed(out, **arrays)
        written.replace(directory / "timetable.npz")
        meta = {"digest": self.digest, **self.describe()}
        written = directory / "timetable.json.new"
        written.write_text(json.dumps(meta, indent=2), encoding="utf-8")
        written.replace(directory / "timetable.json")

    @classmethod
    def load(cls, directory: Path) -> Timetable:
        meta = json.loads((directory / "timetable.json").read_text(encoding="utf-8"))
        with np.load(directory / "timetable.npz") as data:
            arrays = {name: data[name] for name in data.files}
        feeds = tuple(FeedInfo(**f) for f in meta["feeds"])
        return cls(
            **arrays,
            first_day=dt.date.fromisoformat(meta["first_day"]),
            feeds=feeds,
            digest=meta["digest"],
        )


def _rows(archive: zipfile.ZipFile, feed: str, name: str) -> Iterator[dict[str, str]]:
    try:
        raw = archive.read(name)
    except KeyError:
        if name in _REQUIRED:
            raise FeedError(f"{feed}: {name} is missing") from None
        return
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in _REQUIRED.get(name, ()) if c not in header]
    if missing:
        raise FeedError(f"{feed}: {name} lacks the column(s) {', '.join(missing)}")
    yield from reader


_LAST_MINUTE = 48 * 60
"""A service day's trips end by the morning after; the planner's keys too."""


def _seconds(clock: str, feed: str, where: str) -> int:
    """'25:10:00' -> 90600; a blank (a stop between timed ones) is refused here for clarity."""
    parts = clock.strip().split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise FeedError(f"{feed}: {where}: '{clock}' is not a time (HH:MM:SS)")
    hours, minutes, seconds = map(int, parts)
    if hours * 60 + minutes >= _LAST_MINUTE:
        raise FeedError(f"{feed}: {where}: '{clock}' is past 48:00:00")
    return hours * 3600 + minutes * 60 + seconds


def _minutes(seconds: int) -> int:
    """To the nearest minute (half a minute up): 25:10:30 -> 1511."""
    return (seconds + 30) // 60


def _date(text: str, feed: str, name: str) -> dt.date:
    try:
        return dt.datetime.strptime(text.strip(), "%Y%m%d").date()
    except ValueError:
        raise FeedError(f"{feed}: {name}: '{text}' is not a date (YYYYMMDD)") from None


@dataclass
class _Merged:
    """What the feeds add up to while they are read; ids are prefixed by the feed's number."""

    stop_index: dict[str, int] = field(default_factory=dict)
    stop_lat: list[float] = field(default_factory=list)
    stop_lon: list[float] = field(default_factory=list)
    stop_name: list[str] = field(default_factory=list)
    route_index: dict[str, int] = field(default_factory=dict)
    route_name: list[str] = field(default_factory=list)
    route_kind: list[str] = field(default_factory=list)
    service_index: dict[str, int] = field(default_factory=dict)
    trip_index: dict[str, int] = field(default_factory=dict)
    trip_route: list[int] = field(default_factory=list)
    trip_service: list[int] = field(default_factory=list)
    times: list[tuple[int, int, int, int, int]] = field(default_factory=list)
    """(trip, sequence, stop, arrive, depart)"""
    weekly: list[tuple[int, tuple[bool, ...], dt.date, dt.date]] = field(default_factory=list)
    exceptions: list[tuple[int, dt.date, bool]] = field(default_factory=list)
    transfers: list[tuple[int, int, int, int]] = field(default_factory=list)
    """(from stop, to stop, transfer_type, min_transfer_time in minutes)"""


def _read_one(path: Path, number: int, merged: _Merged, progress: Progress) -> FeedInfo:
    feed = path.name
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise FeedError(f"{feed}: not a GTFS zip ({error})") from None
    prefix = f"{number}:"
    with archive:
        agency = next((r.get("agency_name", "") for r in _rows(archive, feed, "agency.txt")), "")
        # Every stop id: the platforms it stands for (a station's too, for transfers.txt).
        platforms: dict[str, list[int]] = {}
        for row in _rows(archive, feed, "stops.txt"):
            platforms.setdefault(row["stop_id"], [])
            if row.get("location_type", "0").strip() not in ("", "0"):
                continue  # stations and entrances: riders board at their platforms
            index = len(merged.stop_lat)
            platforms[row["stop_id"]].append(index)
            if parent := row.get("parent_station", ""):
                platforms.setdefault(parent, []).append(index)
            try:
                lat, lon = float(row["stop_lat"]), float(row["stop_lon"])
            except ValueError:
                raise FeedError(
                    f"{feed}: stops.txt: stop {row['stop_id']} has no position"
                ) from None
            merged.stop_index[prefix + row["stop_id"]] = len(merged.stop_lat)
            merged.stop_lat.append(lat)
            merged.stop_lon.append(lon)
            merged.stop_name.append(row.get("stop_name", "") or row["stop_id"])
        progress("stops", len(merged.stop_lat))
        for row in _rows(archive, feed, "routes.txt"):
            merged.route_index[prefix + row["route_id"]] = len(merged.route_name)
            name = row.get("route_short_name", "").strip() or row.get("route_long_name", "")
            kind = row["route_type"].strip()
            merged.route_name.append(name.strip() or row["route_id"])
            merged.route_kind.append(ROUTE_KINDS.get(int(kind) if kind.isdigit() else -1, "line"))
        for row in _rows(archive, feed, "trips.txt"):
            route = merged.route_index.get(prefix + row["route_id"])
            if route is None:
                raise FeedError(f"{feed}: trips.txt: trip {row['trip_id']} has an unknown route")
            service = merged.service_index.setdefault(
                prefix + row["service_id"], len(merged.service_index)
            )
            merged.trip_index[prefix + row["trip_id"]] = len(merged.trip_route)
            merged.trip_route.append(route)
            merged.trip_service.append(service)
        progress("trips", len(merged.trip_route))
        count, first_time = 0, len(merged.times)
        for count, row in enumerate(_rows(archive, feed, "stop_times.txt"), start=1):
            trip = merged.trip_index.get(prefix + row["trip_id"])
            stop = merged.stop_index.get(prefix + row["stop_id"])
            if trip is None or stop is None:
                what = "trip" if trip is None else "stop"
                raise FeedError(f"{feed}: stop_times.txt row {count}: unknown {what}")
            arrive_text = row["arrival_time"].strip() or row["departure_time"]
            depart_text = row["departure_time"].strip() or arrive_text
            if not arrive_text.strip():
                continue  # untimed stops (interpolation) are left out: riders cannot plan on them
            where = f"stop_times.txt row {count}"
            arrive = _minutes(_seconds(arrive_text, feed, where))
            depart = _minutes(_seconds(depart_text, feed, where))
            merged.times.append((trip, int(row["stop_sequence"]), stop, arrive, depart))
            if count % 100_000 == 0:
                progress("stop times", count)
        progress("stop times", count)
        _run_frequencies(archive, feed, prefix, merged, first_time)
        _read_transfers(archive, feed, platforms, merged)
        days: list[dt.date] = []
        for row in _rows(archive, feed, "calendar.txt"):
            service = merged.service_index.setdefault(
                prefix + row["service_id"], len(merged.service_index)
            )
            weekly = tuple(row.get(d, "0").strip() == "1" for d in _WEEKDAYS)
            start = _date(row["start_date"], feed, "calendar.txt")
            end = _date(row["end_date"], feed, "calendar.txt")
            merged.weekly.append((service, weekly, start, end))
            days += [start, end]
        for row in _rows(archive, feed, "calendar_dates.txt"):
            service = merged.service_index.setdefault(
                prefix + row["service_id"], len(merged.service_index)
            )
            day = _date(row["date"], feed, "calendar_dates.txt")
            merged.exceptions.append((service, day, row["exception_type"].strip() == "1"))
            days.append(day)
    if not days:
        raise FeedError(f"{feed}: neither calendar.txt nor calendar_dates.txt says when it runs")
    if not merged.times:
        raise FeedError(f"{feed}: stop_times.txt has no timed stops")
    return FeedInfo(feed, agency, min(days).isoformat(), max(days).isoformat())


def _run_frequencies(
    archive: zipfile.ZipFile, feed: str, prefix: str, merged: _Merged, first_time: int
) -> None:
    """Trips given by frequencies.txt become their runs: the template's stop times moved to
    start at each headway from start_time until (not at) end_time. exact_times 0 (only the
    headway is promised) is read as 1: the runs leave at the window's start and every headway
    after it. The template's own times are no run of their own."""
    runs: dict[int, list[int]] = {}
    for number, row in enumerate(_rows(archive, feed, "frequencies.txt"), start=1):
        where = f"frequencies.txt row {number}"
        trip = merged.trip_index.get(prefix + row.get("trip_id", ""))
        if trip is None:
            raise FeedError(f"{feed}: {where}: unknown trip")
        begin = _seconds(row.get("start_time", ""), feed, where)
        end = _seconds(row.get("end_time", ""), feed, where)
        headway = row.get("headway_secs", "").strip()
        if not headway.isdigit() or int(headway) == 0:
            raise FeedError(f"{feed}: {where}: headway_secs '{headway}' is not a positive number")
        runs.setdefault(trip, []).extend(range(begin, end, int(headway)))
    if not runs:
        return
    template: dict[int, list[tuple[int, int, int, int, int]]] = {}
    kept = []
    for time in merged.times[first_time:]:
        if time[0] in runs:
            template.setdefault(time[0], []).append(time)
        else:
            kept.append(time)
    for trip, starts in runs.items():
        rows = sorted(template.get(trip, []), key=lambda t: t[1])
        if not rows:
            continue
        zero = rows[0][4]
        for start in starts:
            run, shift = len(merged.trip_route), _minutes(start) - zero
            if rows[-1][3] + shift >= _LAST_MINUTE:
                raise FeedError(f"{feed}: frequencies.txt: a run of a trip ends past 48:00:00")
            merged.trip_route.append(merged.trip_route[trip])
            merged.trip_service.append(merged.trip_service[trip])
            kept += [(run, seq, stop, a + shift, d + shift) for _, seq, stop, a, d in rows]
    merged.times[first_time:] = kept


_PARTICULAR = ("from_route_id", "to_route_id", "from_trip_id", "to_trip_id")
"""transfers.txt columns that make a row apply to some vehicles only."""


def _read_transfers(
    archive: zipfile.ZipFile, feed: str, platforms: dict[str, list[int]], merged: _Merged
) -> None:
    """transfers.txt's rows between stops (a station's for each pair of platforms). Rows for
    particular trips or routes, and in-seat transfers (4, 5), are left out: the planner's
    changes are per stop, whatever the vehicles."""
    for number, row in enumerate(_rows(archive, feed, "transfers.txt"), start=1):
        if any(row.get(c, "").strip() for c in _PARTICULAR):
            continue
        kind = row.get("transfer_type", "").strip() or "0"
        if kind not in ("0", "1", "2", "3"):
            continue
        ends = [platforms.get(row.get(c, "")) for c in ("from_stop_id", "to_stop_id")]
        if ends[0] is None or ends[1] is None:
            raise FeedError(f"{feed}: transfers.txt row {number}: unknown stop")
        least = row.get("min_transfer_time", "").strip()
        minutes = -(-int(least) // 60) if least.isdigit() else 0  # at least: rounded up
        merged.transfers += [(a, b, int(kind), minutes) for a in ends[0] for b in ends[1]]


def read_feeds(paths: Sequence[Path], *, progress: Progress | None = None) -> Timetable:
    """The feeds merged into one timetable; FeedError names the feed and the problem."""
    if not paths:
        raise FeedError("no GTFS feed given")
    tell = progress or (lambda _step, _count: None)
    merged = _Merged()
    feeds = tuple(_read_one(Path(p), k, merged, tell) for k, p in enumerate(paths))
    times = np.array(merged.times, dtype=np.int64).reshape(-1, 5)
    times = times[np.lexsort((times[:, 1], times[:, 0]))]
    trips = len(merged.trip_route)
    counts = np.bincount(times[:, 0], minlength=trips)
    trip_first = np.zeros(trips + 1, dtype=np.int64)
    np.cumsum(counts, out=trip_first[1:])
    first = min(dt.date.fromisoformat(f.first_day) for f in feeds)
    last = max(dt.date.fromisoformat(f.last_day) for f in feeds)
    n_days = (last - first).days + 1
    running = np.zeros((n_days, len(merged.service_index)), dtype=np.bool_)
    weekday_of_row = (np.arange(n_days) + first.weekday()) % 7
    for service, weekly, start, end in merged.weekly:
        rows = np.arange((start - first).days, (end - first).days + 1)
        running[rows, service] = np.asarray(weekly)[weekday_of_row[rows]]
    for service, day, added in merged.exceptions:
        running[(day - first).days, service] = added
    transfers = np.array(merged.transfers, dtype=np.int32).reshape(-1, 4)
    digest = hashlib.sha256()
    for p in paths:
        digest.update(Path(p).read_bytes())
    timetable = Timetable(
        stop_lat=np.array(merged.stop_lat, dtype=np.float64),
        stop_lon=np.array(merged.stop_lon, dtype=np.float64),
        stop_name=np.array(merged.stop_name, dtype=np.str_),
        route_name=np.array(merged.route_name, dtype=np.str_),
        route_kind=np.array(merged.route_kind, dtype=np.str_),
        trip_route=np.array(merged.trip_route, dtype=np.int32),
        trip_service=np.array(merged.trip_service, dtype=np.int32),
        trip_first=trip_first,
        time_stop=times[:, 2].astype(np.int32),
        time_arrive=times[:, 3].astype(np.int32),
        time_depart=times[:, 4].astype(np.int32),
        first_day=first,
        running=running,
        feeds=feeds,
        digest=digest.hexdigest()[:16],
        transfer_from=transfers[:, 0],
        transfer_to=transfers[:, 1],
        transfer_type=transfers[:, 2],
        transfer_minutes=transfers[:, 3],
    )
    return timetable
