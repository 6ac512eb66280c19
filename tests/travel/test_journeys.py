"""Journeys on generated timetables with known answers, as the commute feature reports them."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from factories import make_candidate, make_vacancy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.features.commute import CommuteFeature
from matcher.schedule import ShiftTable
from matcher.travel.journeys import TimetableTravelTimes
from matcher.travel.timetable import FeedError, Timetable, read_feeds

_ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("transit_feed", _ROOT / "fixtures/transit_feed.py")
assert _spec is not None and _spec.loader is not None
transit_feed = importlib.util.module_from_spec(_spec)
sys.modules["transit_feed"] = transit_feed
_spec.loader.exec_module(transit_feed)
SyntheticFeed, WEEKDAYS = transit_feed.SyntheticFeed, transit_feed.WEEKDAYS

HOME = (51.2000, 4.4000)
PORT = (51.3000, 4.4000)  # 11 km north: far too far to walk within an hour
A_MONDAY = dt.date(2026, 12, 7)


def _feed() -> SyntheticFeed:
    feed = SyntheticFeed("Test").service("weekday", *WEEKDAYS).service("sunday", "sunday")
    feed.stop("home", "Kioskplaats", HOME[0] + 0.0005, HOME[1])
    feed.stop("port", "Haven Gate", PORT[0] - 0.0005, PORT[1])
    return feed


def _model(tmp_path: Path, feed: SyntheticFeed, week_of: dt.date = A_MONDAY):
    path = feed.write(tmp_path / "feed.zip")
    return TimetableTravelTimes(read_feeds([path]), week_of=week_of)


def _trip(model, shift, *, where=PORT, home=HOME):
    person = make_candidate(home={"lat": home[0], "lon": home[1]}, max_commute_minutes=75)
    job = make_vacancy(location={"lat": where[0], "lon": where[1]}, shifts=[shift])
    feature = CommuteFeature(travel=model).fit([job])
    minutes = feature.shift_minutes([person])[0, 0]
    trip = feature.trip(person, 0)
    return minutes, trip, [r.message for r in trip.reasons]


def _one_way(feed, departures, *, service="weekday", back=False, stops=None, minutes=25, line=None):
    """Tram 24 from home to the port, or (back) bus 764 from the port home; or `line`
    (route, name, kind) along `stops`."""
    route, name, kind = line or (("back", "764", "bus") if back else ("t", "24", "tram"))
    stops = stops or (["port", "home"] if back else ["home", "port"])
    return feed.line(
        route, name, kind, stops, departures, service=service, minutes=[minutes], both_ways=False
    )


def _with_way_home(feed: SyntheticFeed, service: str = "weekday") -> SyntheticFeed:
    return _one_way(feed, [14 * 60 + 10], service=service, back=True)


def _weekdays_at_05_15_sundays_at_07_15() -> SyntheticFeed:
    feed = _one_way(_feed(), [5 * 60 + 15])
    _one_way(feed, [7 * 60 + 15], service="sunday")
    return _with_way_home(_with_way_home(feed), "sunday")


SIX_TO_TWO = {"start": "06:00", "end": "14:00"}


@pytest.mark.parametrize(("first", "reachable"), [(5 * 60 + 45, False), (5 * 60 + 15, True)])
def test_the_06_00_port_shift_needs_a_departure_early_enough(tmp_path, first, reachable):
    model = _model(tmp_path, _with_way_home(_one_way(_feed(), [first, first + 30])))
    minutes, trip, messages = _trip(model, {"days": ["mon"], **SIX_TO_TWO})
    if reachable:
        # 05:14 out of the door, tram at 05:15, at the gate 05:40 plus a minute's walk.
        assert minutes == 46
        assert trip.mode == "public_transport"
        assert "tram 24 from Kioskplaats 05:15, arrives 05:41; 2 min walk" in messages
        assert "Home: bus 764 from Haven Gate 14:10, home at 14:36" in messages
    else:
        assert minutes > 75 and trip.mode == "walk"  # only walking 11 km is left: too long
        assert "No public transport on the timetable arrives by the 06:00 start" in messages


def test_a_sunday_shift_is_judged_on_sundays_timetable(tmp_path):
    model = _model(tmp_path, _weekdays_at_05_15_sundays_at_07_15())
    weekday, _, _ = _trip(model, {"days": ["mon"], **SIX_TO_TWO})
    sunday, _, messages = _trip(model, {"days": ["sun"], **SIX_TO_TWO})
    both, _, _ = _trip(model, {"days": ["mon", "sun"], **SIX_TO_TWO})
    assert weekday == 46
    assert sunday > 75 and both > 75  # walking; a shift on both days is judged on its worst
    assert "No public transport on the timetable arrives by the 06:00 start" in messages
    later, _, _ = _trip(model, {"days": ["sun"], "start": "08:00", "end": "14:00"})
    assert later == 46


def test_a_night_shifts_way_home_is_the_next_mornings_first_departure(tmp_path):
    feed = _one_way(_feed(), [21 * 60 + 15])
    # Monday's last bus leaves at 23:00; Tuesday's first at 06:20.
    _one_way(feed, [6 * 60 + 20, 23 * 60], back=True)
    minutes, _, messages = _trip(
        _model(tmp_path, feed), {"days": ["mon"], "start": "22:00", "end": "06:00"}
    )
    assert "Home: bus 764 from Haven Gate 06:20, home at 06:46" in messages
    assert minutes == 46  # 06:00 to 06:46 home; out: 21:14 to 22:00


@pytest.mark.parametrize(
    ("night_tram", "start", "said", "minutes"),
    [
        (24 * 60 + 10, "01:00", "tram 24 from Kioskplaats 00:10, arrives 00:36; 2 min walk", 51),
        (28 * 60 + 20, "05:00", "tram 24 from Kioskplaats 04:20, arrives 04:46; 2 min walk", 41),
    ],
)
def test_an_early_start_is_reached_by_the_previous_service_days_night_tram(
    tmp_path, night_tram, start, said, minutes
):
    """A weekday trip at 24:10 runs on Tuesday at 00:10 (Monday's service), but not on Monday:
    the weekday service does not run on the Sunday before."""
    feed = _one_way(_feed(), [night_tram])
    _one_way(feed, [9 * 60 + 10], back=True)
    model = _model(tmp_path, feed)
    shift = {"start": start, "end": "09:00"}
    tuesday, _, messages = _trip(model, {"days": ["tue"], **shift})
    assert said in messages
    assert tuesday == minutes
    monday, _, messages = _trip(model, {"days": ["mon"], **shift})
    assert monday > 75
    assert f"No public transport on the timetable arrives by the {start} start" in messages


@pytest.mark.parametrize("exact", [True, False])
def test_a_line_given_only_as_headways_runs_at_them(tmp_path, exact):
    """frequencies.txt: tram 24 every 10 minutes from 05:00 until 07:00, bus 764 back every
    15 from 14:00 until 15:00; the templates' own times (12:00, 03:00) are no runs."""
    feed = _one_way(_feed(), [12 * 60])
    _one_way(feed, [3 * 60], back=True)
    feed.every("t-weekday-0-0", 5 * 60, 7 * 60, 600, exact=exact)
    feed.every("back-weekday-0-0", 14 * 60, 15 * 60, 900, exact=exact)
    model = _model(tmp_path, feed)
    minutes, _, messages = _trip(model, {"days": ["mon"], **SIX_TO_TWO})
    assert "tram 24 from Kioskplaats 05:30, arrives 05:56; 2 min walk" in messages
    assert "Home: bus 764 from Haven Gate 14:15, home at 14:41" in messages
    assert minutes == 41  # 14:00 to 14:41 home: the 14:00 bus leaves before they reach it
    late = {"days": ["mon"], "start": "13:00", "end": "14:00"}
    job = make_vacancy(location={"lat": PORT[0], "lon": PORT[1]}, shifts=[late])
    there, _ = model.for_shifts(np.array([PORT]), ShiftTable.from_vacancies([job])).journeys(
        HOME, 0
    )
    assert there is not None and there.departs == 6 * 60 + 50  # the last run, not 12:00


def test_headways_of_an_unknown_trip_are_refused_naming_the_file(tmp_path):
    feed = _one_way(_feed(), [12 * 60]).every("no-such-trip", 5 * 60, 7 * 60, 600)
    with pytest.raises(FeedError, match="feed.zip: frequencies.txt row 1: unknown trip"):
        read_feeds([feed.write(tmp_path / "feed.zip")])


def test_a_change_with_a_walk_between_stops(tmp_path):
    feed = _feed().stop("mid", "Middenplein", 51.2300, 4.4000)
    feed.stop("mid2", "Middenplein Noord", 51.2320, 4.4010)
    _one_way(feed, [5 * 60 + 15], stops=["home", "mid"], minutes=10)
    # 0.23 km apart: a 4-minute walk, so the 05:28 bus is missed and the 05:30 one caught.
    _one_way(
        feed,
        [5 * 60 + 28, 5 * 60 + 30],
        stops=["mid2", "port"],
        minutes=20,
        line=("b", "764", "bus"),
    )
    model = _model(tmp_path, _with_way_home(feed))
    minutes, _, messages = _trip(model, {"days": ["mon"], **SIX_TO_TWO})
    assert "tram 24 from Kioskplaats 05:15 and a change, arrives 05:51; 2 min walk" in messages
    assert minutes == 46


def _changing(transfers, *, tram, bus, at="mid", north=0.0):
    """Tram 24 from home to Middenplein (10 min), then bus 764 from `at` (`north` degrees of
    latitude north of it) to the port (20 min), with transfers.txt's `transfers`."""
    feed = _feed().stop("mid", "Middenplein", 51.2300, 4.4000)
    feed.stop("far", "Middenplein Noord", 51.2300 + north, 4.4000)
    _one_way(feed, [tram], stops=["home", "mid"], minutes=10)
    _one_way(feed, bus, stops=[at, "port"], minutes=20, line=("b", "764", "bus"))
    feed.transfers += transfers
    return _with_way_home(feed)


def _assert_changed(model, *, leaves: str, arrives: str | None) -> None:
    """The 06:00 shift's way there: tram 24 at `leaves` and a change, at the gate at `arrives`
    (None: no journey)."""
    _, _, messages = _trip(model, {"days": ["mon"], **SIX_TO_TWO})
    if arrives is None:
        assert "No public transport on the timetable arrives by the 06:00 start" in messages
    else:
        said = f"tram 24 from Kioskplaats {leaves} and a change, arrives {arrives}; 2 min walk"
        assert said in messages


@pytest.mark.parametrize(
    ("transfers", "arrives"),
    [
        ([], "05:49"),  # at Middenplein 05:25: the 05:28 bus
        ([("mid", "mid", 2, 300)], "05:56"),  # five minutes to change there: the 05:35 one
        ([("mid", "mid", 3, None)], None),  # no change there
    ],
)
def test_transfers_at_one_stop_lengthen_or_forbid_the_change(tmp_path, transfers, arrives):
    feed = _changing(transfers, tram=5 * 60 + 15, bus=[5 * 60 + 28, 5 * 60 + 35])
    _assert_changed(_model(tmp_path, feed), leaves="05:15", arrives=arrives)


@pytest.mark.parametrize(
    ("transfers", "arrives"),
    [
        ([], None),  # 900 m apart: farther than a change walks
        ([("mid", "far", 0, None)], "05:51"),  # the feed says it is a change: 15 min's walk
        ([("mid", "far", 1, None)], "05:51"),
        ([("mid", "far", 2, 1500)], "05:57"),  # 25 min to change: the 05:36 bus
        ([("far", "mid", 0, None)], None),  # the other way only
    ],
)
def test_transfers_between_stops_allow_a_longer_walk(tmp_path, transfers, arrives):
    bus = [5 * 60 + 20, 5 * 60 + 30, 5 * 60 + 36]
    feed = _changing(transfers, tram=5 * 60, bus=bus, at="far", north=0.0081)
    _assert_changed(_model(tmp_path, feed), leaves="05:00", arrives=arrives)


def test_a_stations_transfer_holds_between_its_platforms(tmp_path):
    """Middenplein and Middenplein Noord (900 m apart) as platforms of one station, and
    transfers.txt's row from the station to itself: the walk between them is a change."""
    bus = [5 * 60 + 20, 5 * 60 + 30]
    feed = _changing([("st", "st", 0, None)], tram=5 * 60, bus=bus, at="far", north=0.0081)
    written = feed.write(tmp_path / "plain.zip")
    with zipfile.ZipFile(written) as plain, zipfile.ZipFile(tmp_path / "feed.zip", "w") as out:
        for name in plain.namelist():
            text = plain.read(name).decode()
            if name == "stops.txt":
                lines = text.splitlines()
                parent = {"mid": "st", "far": "st"}
                lines = [lines[0] + ",location_type,parent_station"] + [
                    f"{line},0,{parent.get(line.split(',')[0], '')}" for line in lines[1:]
                ]
                text = "\n".join([*lines, "st,Middenplein station,51.2340,4.4000,1,", ""])
            out.writestr(name, text)
    model = TimetableTravelTimes(read_feeds([tmp_path / "feed.zip"]), week_of=A_MONDAY)
    _assert_changed(model, leaves="05:00", arrives="05:51")


def test_a_transfer_not_possible_forbids_a_short_walk(tmp_path):
    """230 m apart: a change, unless transfers.txt says it is not possible."""
    bus = [5 * 60 + 30]
    walked = _changing([], tram=5 * 60 + 15, bus=bus, at="far", north=0.0020)
    forbidden = _changing(
        [("mid", "far", 3, None)], tram=5 * 60 + 15, bus=bus, at="far", north=0.0020
    )
    _assert_changed(_model(tmp_path, walked), leaves="05:15", arrives="05:51")
    _assert_changed(_model(tmp_path, forbidden), leaves="05:15", arrives=None)


def test_a_built_timetable_keeps_its_transfers(tmp_path):
    feed = _changing([("mid", "far", 2, 1500)], tram=5 * 60, bus=[5 * 60 + 36], at="far")
    built = read_feeds([feed.write(tmp_path / "feed.zip")])
    built.save(tmp_path / "built")
    loaded = Timetable.load(tmp_path / "built")
    assert (loaded.transfer_type.tolist(), loaded.transfer_minutes.tolist()) == ([2], [25])
    assert loaded.stop_name[loaded.transfer_to].tolist() == ["Middenplein Noord"]


def test_a_holiday_runs_on_the_sunday_timetable(tmp_path):
    feed = _weekdays_at_05_15_sundays_at_07_15()
    feed.exceptions += [("weekday", "20261225", 2), ("sunday", "20261225", 1)]  # a Friday
    shift = {"days": ["fri"], **SIX_TO_TWO}
    ordinary, _, _ = _trip(_model(tmp_path, feed, dt.date(2026, 12, 14)), shift)
    christmas, _, _ = _trip(_model(tmp_path, feed, dt.date(2026, 12, 21)), shift)
    assert ordinary == 46
    assert christmas > 75


def test_the_estimate_is_used_and_said_where_no_feed_reaches(tmp_path):
    model = _model(tmp_path, _with_way_home(_one_way(_feed(), [5 * 60 + 15])))
    elsewhere = (51.2000, 4.5000)  # 7 km east: no stop within reach of the workplace
    shift = {"days": ["mon"], "start": "09:00", "end": "17:00"}
    minutes, trip, messages = _trip(model, shift, where=elsewhere)
    assert trip.mode == "public_transport"
    assert minutes == pytest.approx(trip.minutes, abs=1)
    said = f"About {trip.minutes} min by public transport (estimate): no timetable covers this trip"
    assert said in messages
    assert not any("timetable arrives" in m for m in messages)


def test_the_estimate_path_is_unchanged_without_a_timetable():
    person = make_candidate(home={"lat": HOME[0], "lon": HOME[1]})
    job = make_vacancy(location={"lat": 51.21, "lon": 4.40})
    trip = CommuteFeature().fit([job]).trip(person, 0)
    assert [r.code for r in trip.reasons] == ["commute_ok"]
    assert "(an estimate)" in trip.reasons[0].message


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    departures=st.lists(st.integers(5 * 60, 28 * 60), min_size=1, max_size=8, unique=True),
    start=st.integers(0, 22 * 60),
)
def test_the_way_there_is_the_latest_tram_that_arrives_in_time(tmp_path, departures, start):
    """Against a brute-force answer: a 1-minute walk, 25 minutes on the tram, a 1-minute walk,
    on Tuesday's trips or on Monday's (those past 24:00 run on Tuesday's early hours), these
    for a journey of up to four hours (PREVIOUS_DAY_MINUTES), no night of waiting."""
    model = _model(tmp_path, _one_way(_feed(), sorted(departures)))
    shift = {"days": ["tue"], "start": f"{start // 60:02d}:{start % 60:02d}", "end": "23:30"}
    job = make_vacancy(location={"lat": PORT[0], "lon": PORT[1]}, shifts=[shift])
    journeys = model.for_shifts(np.array([PORT]), ShiftTable.from_vacancies([job]))
    there, _ = journeys.journeys(HOME, 0)
    # Minutes of Tuesday: Monday's trips 24 hours earlier, for journeys of up to 4 hours.
    mondays = [d - 24 * 60 for d in departures if start - (d - 24 * 60 - 1) <= 240]
    in_time = [d for d in departures + mondays if d + 25 + 1 <= start]
    if not in_time:
        assert there is None
    else:
        latest = max(in_time)
        assert there is not None
        assert there.minutes == start - (latest - 1)
        assert there.departs % (24 * 60) == latest % (24 * 60)
        assert there.arrives - there.departs == 26


def test_getting_on_and_off_at_one_stop_is_no_journey(tmp_path):
    """Home and workplace either side of the same stop: walking it is, not a tram ride of no
    stops (which would read as a tram that gets them there in minutes)."""
    model = _model(tmp_path, _with_way_home(_one_way(_feed(), every_ten_minutes())))
    across = (HOME[0] + 0.0040, HOME[1])  # 450 m north of home, 390 m past the stop
    minutes, trip, messages = _trip(model, {"days": ["mon"], **SIX_TO_TWO}, where=across)
    assert trip.mode == "walk"
    assert not any(m.startswith("tram") for m in messages)


def test_a_commute_too_long_on_the_timetable_says_so(tmp_path):
    model = _model(tmp_path, _with_way_home(_one_way(_feed(), [4 * 60 + 30])))
    minutes, trip, messages = _trip(model, {"days": ["mon"], **SIX_TO_TWO})
    assert minutes == 91  # 04:29 out of the door for a 06:00 start
    assert messages[0] == (
        "Too far: 91 min by public transport on the timetable, more than their maximum of 75 min"
    )
    assert "tram 24 from Kioskplaats 04:30, arrives 04:56; 2 min walk" in messages


def every_ten_minutes() -> list[int]:
    return list(range(5 * 60, 7 * 60, 10))


def test_threads_sharing_the_caches_get_the_answers_one_thread_gets(tmp_path):
    """The service scores in threads; its homes outnumber the kept searches, so they evict."""
    feed = _weekdays_at_05_15_sundays_at_07_15()
    homes = np.array([(HOME[0] + k * 1e-4, HOME[1]) for k in range(120)])
    shifts = ShiftTable.from_vacancies(
        [make_vacancy(shifts=[{"days": ["mon", "sun"], "start": "08:00", "end": "14:00"}])]
    )
    alone = _model(tmp_path, feed).for_shifts(np.array([PORT]), shifts).minutes(homes)
    shared = _model(tmp_path, feed).for_shifts(np.array([PORT]), shifts)
    with ThreadPoolExecutor(8) as pool:
        rows = list(pool.map(lambda k: shared.minutes(homes[k : k + 1])[0], range(len(homes))))
    np.testing.assert_array_equal(np.array(rows), alone)
    assert np.isfinite(alone).any() and np.isnan(alone).any()  # near the stop, and past reach
