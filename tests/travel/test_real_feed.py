"""A real public feed: Cairns (TransLink Queensland, 2014), as gtfs-kit 13.0.1's source
distribution ships it in data/cairns_gtfs.zip. Nothing of it is copied into this project: the
test takes the sdist from GTFS_KIT_SDIST, else asks pip for it, else is skipped."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest
from factories import make_vacancy

from matcher.schedule import ShiftTable
from matcher.travel.journeys import TimetableTravelTimes
from matcher.travel.timetable import read_feeds

pytestmark = pytest.mark.slow
SDIST = "gtfs_kit-13.0.1.tar.gz"
A_MONDAY = dt.date(2014, 6, 2)


@pytest.fixture(scope="module")
def cairns(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("gtfs_kit")
    sdist = Path(os.environ.get("GTFS_KIT_SDIST", folder / SDIST))
    if not sdist.exists():
        fetched = subprocess.run(
            [sys.executable, "-m", "pip", "download", "gtfs-kit==13.0.1", "--no-deps"]
            + ["--no-binary", ":all:", "--disable-pip-version-check", "-q", "-d", str(folder)],
            capture_output=True,
            timeout=180,
        )
        if fetched.returncode or not sdist.exists():
            pytest.skip("gtfs-kit 13.0.1's sdist could not be had (set GTFS_KIT_SDIST)")
    with tarfile.open(sdist) as archive:
        member = archive.getmember("gtfs_kit-13.0.1/data/cairns_gtfs.zip")
        archive.extractall(folder, members=[member], filter="data")
    return folder / member.name


def test_the_cairns_feed_reads_and_its_own_trips_are_found(cairns):
    timetable = read_feeds([cairns])
    summary = timetable.describe()
    assert summary["first_day"] == "2014-05-26" and summary["last_day"] == "2014-12-28"
    assert summary["stops"] > 300 and summary["trips"] > 1000
    model = TimetableTravelTimes(timetable, week_of=A_MONDAY)
    # Weekday trips of the feed itself: from their first stop to their last, a shift that starts
    # as the bus arrives is reachable, leaving no earlier than the bus leaves less the walk.
    weekday = model.signatures[1][model.signatures[0][0]]
    timetable = model.network  # the trips running in the week judged on
    trips = np.flatnonzero(weekday)[::97][:12]
    first, last = timetable.trip_first[trips], timetable.trip_first[trips + 1] - 1
    stop_point = np.stack([timetable.stop_lat, timetable.stop_lon], axis=1)
    homes = stop_point[timetable.time_stop[first]]
    workplaces = stop_point[timetable.time_stop[last]]
    for k, trip in enumerate(trips):
        start = int(timetable.time_arrive[last[k]]) + 1
        if start >= 24 * 60 - 60:
            continue
        clock = f"{start // 60:02d}:{start % 60:02d}"
        end = f"{(start // 60 + 4) % 24:02d}:{start % 60:02d}"
        shifts = ShiftTable.from_vacancies(
            [make_vacancy(shifts=[{"days": ["mon"], "start": clock, "end": end}])]
        )
        journeys = model.for_shifts(workplaces[k : k + 1], shifts)
        there, _home = journeys.journeys((float(homes[k][0]), float(homes[k][1])), 0)
        assert there is not None, f"trip {trip}: no journey on its own route"
        ride = start - int(timetable.time_depart[first[k]])
        assert there.minutes <= ride + 1, f"trip {trip}: {there} slower than the bus itself"
