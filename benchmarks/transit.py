"""Journeys on the timetable: one home to every vacancy's shifts, on the fixtures' SYNTHETIC
feeds and on a generated city-size network (5,000 stops, about 500,000 stop times); one home
to every vacancy along the fixtures' SYNTHETIC streets; a person's first and cached shortlist
with the timetable, with the timetable and the streets, and with the streets alone, against
the estimate's; what the city's built timetable costs in memory and on disk.

    python -m benchmarks transit
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import numpy as np

from benchmarks.engine import _median_ms
from matcher import Candidate, Engine
from matcher.fixtures import load_candidates, load_vacancies
from matcher.schedule import ShiftTable
from matcher.travel.estimate import Mode
from matcher.travel.journeys import TimetableTravelTimes
from matcher.travel.streets import (
    BIKE_AHEAD,
    BIKE_BACK,
    CAR_AHEAD,
    CAR_BACK,
    STREET_MODES,
    WALK,
    Streets,
    StreetTravelTimes,
    read_osm,
)
from matcher.travel.timetable import Timetable, read_feeds

ROOT = Path(__file__).resolve().parents[1]
FEEDS = [
    ROOT / "fixtures/transit/delijn_synthetic.zip",
    ROOT / "fixtures/transit/nmbs_synthetic.zip",
]
STREETS = ROOT / "fixtures/transit/antwerp_synthetic.osm.pbf"
WEEK = dt.date(2026, 12, 7)
"""A fixed week (Monday) inside the feeds, so every run judges the same days."""


def _feed_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("transit_feed", ROOT / "fixtures/transit_feed.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["transit_feed"] = module
    spec.loader.exec_module(module)
    return module


def city_feed(path: Path) -> Path:
    """A SYNTHETIC grid city: 50 x 100 stops 380 m apart, a bus along every row and a tram along
    every other column, every 50 min on weekdays and every 2 h at weekends: 495,000 stop times."""
    feeds = _feed_module()
    feed = feeds.SyntheticFeed("City (SYNTHETIC)")
    feed.service("weekday", *feeds.WEEKDAYS).service("weekend", "saturday", "sunday")
    rows, cols, step = 50, 100, 0.0034
    for i in range(rows):
        for j in range(cols):
            feed.stop(f"s{i}_{j}", f"Stop {i}/{j}", 51.12 + i * step, 4.20 + j * step * 1.6)
    timetables = (
        ("weekday", feeds.every("05:00", "23:30", 50)),
        ("weekend", feeds.every("06:00", "24:00", 120)),
    )
    for service, departures in timetables:
        for i in range(rows):
            stops = [f"s{i}_{j}" for j in range(cols)]
            feed.line(
                f"r{i}", f"{i}", "bus", stops, departures, service=service, minutes=[2] * (cols - 1)
            )
        for j in range(0, cols, 2):
            stops = [f"s{i}_{j}" for i in range(rows)]
            feed.line(
                f"c{j}",
                f"{j}",
                "tram",
                stops,
                departures,
                service=service,
                minutes=[2] * (rows - 1),
            )
    return feed.write(path)  # type: ignore[no-any-return]


def _homes(
    count: int, seed: int, south_west: tuple[float, float], size: tuple[float, float]
) -> list[tuple[float, float]]:
    """Distinct homes, so that no search is served from the cache."""
    rng = np.random.default_rng(seed)
    lat = south_west[0] + rng.random(count) * size[0]
    lon = south_west[1] + rng.random(count) * size[1]
    return [(float(a), float(b)) for a, b in zip(lat, lon, strict=True)]


def _near_fixture_homes(count: int, seed: int) -> list[tuple[float, float]]:
    """The fixtures' homes moved by up to 300 m: each one new to the caches, near the stops."""
    rng = np.random.default_rng(seed)
    points = [c.home.coordinates for c in load_candidates()]
    picked = rng.integers(0, len(points), count)
    jitter = (rng.random((count, 2)) - 0.5) * [0.0054, 0.0086]
    return [
        (points[k][0] + dy, points[k][1] + dx) for k, (dy, dx) in zip(picked, jitter, strict=True)
    ]


def _nbytes(*objects: object) -> int:
    return sum(
        value.nbytes
        for thing in objects
        for value in vars(thing).values()
        if isinstance(value, np.ndarray)
    )


def province_streets(side: int = 550) -> Streets:
    """A SYNTHETIC street grid the size of a province's extract: side x side corners 100 m
    apart (302,500, 55 by 79 km), every segment open to all, a 70 km/h road every kilometre
    and 30 km/h streets between."""
    step_lat, step_lon = 0.0009, 0.00144
    i, j = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    ids = np.arange(side * side).reshape(side, side)
    tail = np.concatenate([ids[:, :-1].ravel(), ids[:-1, :].ravel()])
    head = np.concatenate([ids[:, 1:].ravel(), ids[1:, :].ravel()])
    line = np.concatenate([i[:, :-1].ravel(), j[:-1, :].ravel()])
    everyone = WALK | BIKE_AHEAD | BIKE_BACK | CAR_AHEAD | CAR_BACK
    return Streets(
        (51.0 + i * step_lat).ravel().astype(np.float64),
        (4.0 + j * step_lon).ravel().astype(np.float64),
        tail,
        head,
        np.full(len(tail), 100.0),
        np.full(len(tail), everyone, dtype=np.uint8),
        np.where(line % 10 == 0, 70, 30).astype(np.float32),
    )


def _one_home_ms(
    streets: StreetTravelTimes,
    mode: Mode,
    homes: list[tuple[float, float]],
    workplaces: np.ndarray,
) -> float:
    """The median ms from a home new to the caches to every workplace by one mode."""
    fresh = iter(homes)
    med, _ = _median_ms(lambda: streets.minutes([mode], np.array([next(fresh)]), workplaces), 10)
    return med


def _first_and_cached(
    engine: Engine, people: list[Candidate], seed: int
) -> tuple[float, float, float, float]:
    """A shortlist's median and max ms for people at homes new to the caches, then again."""
    fresh = iter(
        person.model_copy(
            update={
                "home": person.home.model_copy(update={"lat": lat, "lon": lon, "postcode": None})
            }
        )
        for person, (lat, lon) in zip(
            people * 10, _homes(10 * len(people), seed, (51.17, 4.34), (0.08, 0.13)), strict=True
        )
    )
    first_med, first_max = _median_ms(
        lambda: engine.shortlist(next(fresh), top=10).as_dict("en"), 40
    )
    again = people[1]
    engine.shortlist(again, top=10)
    cached_med, cached_max = _median_ms(lambda: engine.shortlist(again, top=10).as_dict("en"), 40)
    return first_med, first_max, cached_med, cached_max


def run(rows: list[tuple[str, str]]) -> None:
    vacancies = load_vacancies()
    shifts = ShiftTable.from_vacancies(vacancies)
    points = np.array([v.location.coordinates for v in vacancies], dtype=np.float64)

    t0 = time.perf_counter()
    fixtures = read_feeds(FEEDS)
    rows.append(
        (
            "read the fixtures' 2 feeds (14,268 stop times)",
            f"{(time.perf_counter() - t0) * 1000:.0f} ms",
        )
    )
    model = TimetableTravelTimes(fixtures, week_of=WEEK)
    t0 = time.perf_counter()
    journeys = model.for_shifts(points, shifts)
    rows.append(
        (
            "fit: network and the 1,500 vacancies' stops and lookups",
            f"{(time.perf_counter() - t0) * 1000:.0f} ms",
        )
    )
    homes = iter(_near_fixture_homes(200, 1))
    med, worst = _median_ms(lambda: journeys.minutes(np.array([next(homes)])), 50)
    rows.append(
        (
            "one home to all 1,500 vacancies' shifts, fixtures: median / max",
            f"{med:.1f} / {worst:.1f} ms",
        )
    )

    t0 = time.perf_counter()
    streets = read_osm(STREETS)
    rows.append(
        (
            f"read the fixtures' street map ({len(streets.edge_from):,} segments)",
            f"{(time.perf_counter() - t0) * 1000:.0f} ms",
        )
    )
    roads = StreetTravelTimes(streets)
    t0 = time.perf_counter()
    roads.minutes(STREET_MODES, points[:1], points)
    rows.append(
        (
            "fit: the streets' 3 mode graphs and the vacancies' nearest corners",
            f"{(time.perf_counter() - t0) * 1000:.0f} ms",
        )
    )
    homes = iter(_near_fixture_homes(200, 5))
    med, worst = _median_ms(
        lambda: roads.minutes(STREET_MODES, np.array([next(homes)]), points), 50
    )
    rows.append(
        (
            "one home to all 1,500 vacancies on foot, by bike and by car: median / max",
            f"{med:.1f} / {worst:.1f} ms",
        )
    )

    # A person's shortlist: the first one searches the timetable (and the streets), later
    # ones use the caches.
    people = [
        c for c in load_candidates() if c.stage == "ready" and "public_transport" in c.transport
    ]
    estimate = Engine().fit(vacancies)
    engines = {
        "timetable": Engine(travel=TimetableTravelTimes(fixtures, week_of=WEEK)),
        "timetable and streets": Engine(
            travel=TimetableTravelTimes(fixtures, week_of=WEEK, streets=streets)
        ),
        "streets alone": Engine(travel=StreetTravelTimes(streets)),
    }
    for engine in (estimate, *engines.values()):
        engine.fit(vacancies).shortlist(people[0], top=10)  # warm the vocabulary's readings
    for seed, (name, engine) in enumerate(engines.items(), start=2):
        first_med, first_max, cached_med, cached_max = _first_and_cached(engine, people, seed)
        rows.append(
            (
                f"shortlist top 10, {name}, first for the person: median / max",
                f"{first_med:.1f} / {first_max:.1f} ms",
            )
        )
        rows.append(
            (
                f"shortlist top 10, {name}, cached: median / max",
                f"{cached_med:.1f} / {cached_max:.1f} ms",
            )
        )
    plain = iter(people * 10)
    est_med, est_max = _median_ms(lambda: estimate.shortlist(next(plain), top=10).as_dict("en"), 40)
    rows.append(("shortlist top 10, estimate: median / max", f"{est_med:.1f} / {est_max:.1f} ms"))
    timed = engines["timetable"]
    # A vacancy's candidates (GET /vacancies/{id}/shortlist): every ready person's journeys.
    ready = [c for c in load_candidates() if c.stage == "ready"]
    job = vacancies[5]
    t0 = time.perf_counter()
    timed.rank_candidates(job, ready, top=10)
    first_ms = (time.perf_counter() - t0) * 1000
    again, _ = _median_ms(lambda: timed.rank_candidates(job, ready, top=10), 5)
    plain_ms, _ = _median_ms(lambda: estimate.rank_candidates(job, ready, top=10), 5)
    rows.append(
        (
            f"candidates for a vacancy ({len(ready)} ready): timetable first / again / estimate",
            f"{first_ms:.0f} / {again:.0f} / {plain_ms:.0f} ms",
        )
    )
    both = engines["timetable and streets"]
    t0 = time.perf_counter()
    both.rank_candidates(job, ready, top=10)
    first_ms = (time.perf_counter() - t0) * 1000
    again, _ = _median_ms(lambda: both.rank_candidates(job, ready, top=10), 5)
    rows.append(
        (
            f"candidates for a vacancy ({len(ready)} ready): timetable and streets first / again",
            f"{first_ms:.0f} / {again:.0f} ms",
        )
    )

    province = StreetTravelTimes(province_streets())
    south, west = float(province.streets.lat.min()), float(province.streets.lon.min())
    size = (float(province.streets.lat.max()) - south, float(province.streets.lon.max()) - west)
    workplaces = np.array(_homes(1500, 6, (south, west), size))
    t0 = time.perf_counter()
    province.prepare(workplaces)
    rows.append(
        (
            "province-size street grid (302,500 corners): fit 1,500 vacancies",
            f"{time.perf_counter() - t0:.1f} s",
        )
    )
    by_mode = [
        _one_home_ms(province, mode, _homes(20, 7, (south, west), size), workplaces)
        for mode in STREET_MODES
    ]
    rows.append(
        (
            "province-size grid: one home to all 1,500 on foot / by bike / by car",
            " / ".join(f"{ms:.0f}" for ms in by_mode) + " ms",
        )
    )

    with tempfile.TemporaryDirectory() as folder:
        t0 = time.perf_counter()
        zipped = city_feed(Path(folder) / "city.zip")
        made = time.perf_counter() - t0
        t0 = time.perf_counter()
        city = read_feeds([zipped])
        read = time.perf_counter() - t0
        rows.append(
            (
                f"city: {len(city.stop_lat):,} stops, {len(city.time_stop):,} stop times: "
                "generate / read",
                f"{made:.1f} / {read:.1f} s",
            )
        )
        city.save(Path(folder) / "built")
        disk = sum(p.stat().st_size for p in (Path(folder) / "built").iterdir())
        t0 = time.perf_counter()
        loaded = Timetable.load(Path(folder) / "built")
        load_ms = (time.perf_counter() - t0) * 1000
        model = TimetableTravelTimes(loaded, week_of=WEEK)
        t0 = time.perf_counter()
        forward, backward = model.directions
        south, west, north, east = loaded.area()
        rng = np.random.default_rng(3)
        spots = np.stack(
            [south + rng.random(1500) * (north - south), west + rng.random(1500) * (east - west)],
            axis=1,
        )
        city_journeys = model.for_shifts(spots, shifts)
        fit_s = time.perf_counter() - t0
        rows.append(
            (
                "city: load the built timetable / fit 1,500 vacancies",
                f"{load_ms:.0f} ms / {fit_s:.1f} s",
            )
        )
        city_homes = _homes(50, 4, (south, west), (north - south, east - west))
        homes = iter(city_homes)
        med, worst = _median_ms(lambda: city_journeys.minutes(np.array([next(homes)])), 10)
        rows.append(
            (
                "city: one home to all 1,500 vacancies' shifts: median / max",
                f"{med:.0f} / {worst:.0f} ms",
            )
        )
        rows.append(
            ("city: searches per home (day timetables x 2 ways)", f"{2 * len(model.signatures[1])}")
        )
        memory = _nbytes(loaded) + _nbytes(forward, backward)
        rows.append(
            (
                "city: built timetable on disk / in memory (network included)",
                f"{disk / 1e6:.1f} MB / {memory / 1e6:.0f} MB",
            )
        )
        cached = model.search(city_homes[0], 0, 0)  # kept from the runs above
        assert cached is not None
        rows.append(("city: one cached search (48 kept at most)", f"{cached.nbytes / 1e6:.1f} MB"))
