"""Installing a timetable: `matcher transit build`, MATCHER_TRANSIT, and what /health says."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from support import as_role, make_key, settings_for

from matcher.cli import main
from matcher.travel.journeys import InstalledTimetable, installed_travel, timetable_status
from service.app import create_app
from service.catalog import Catalog

ROOT = Path(__file__).resolve().parents[2]
FEEDS = [
    ROOT / "fixtures/transit/delijn_synthetic.zip",
    ROOT / "fixtures/transit/nmbs_synthetic.zip",
]


def _build(*arguments: object) -> int:
    return main(["transit", "build", *map(str, arguments)])


def _extract(path: Path, points: list[tuple[float, float]]) -> Path:
    """A street extract of one pedestrian way through `points` (lat, lon)."""
    import osmium
    from osmium.osm.mutable import Node, Way

    stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    writer = osmium.SimpleWriter(str(path))
    for k, (lat, lon) in enumerate(points, start=1):
        writer.add_node(Node(id=k, location=(lon, lat), version=1, timestamp=stamp))
    nodes = list(range(1, len(points) + 1))
    writer.add_way(
        Way(id=1, nodes=nodes, tags={"highway": "pedestrian"}, version=1, timestamp=stamp)
    )
    writer.close()
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("transit") / "transit"
    assert _build("--gtfs", FEEDS[0], "--gtfs", FEEDS[1], "--output", out) == 0
    return out


def test_the_build_merges_the_feeds_and_says_what_they_hold(tmp_path, capsys):
    assert _build("--gtfs", FEEDS[0], "--gtfs", FEEDS[1], "--output", tmp_path / "t") == 0
    said = capsys.readouterr().out
    assert "34 stops, 14 routes, 3,726 trips, 14,268 stop times" in said
    assert "(2026-01-01 to 2028-12-31)" in said
    assert "of 1500 vacancies have a stop within 1.2 km" in said
    assert (tmp_path / "t/timetable.npz").exists()


def _feed_without(tmp_path: Path, left_out: str) -> Path:
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(FEEDS[1]) as source, zipfile.ZipFile(broken, "w") as target:
        for name in source.namelist():
            if name != left_out:
                target.writestr(name, source.read(name))
    return broken


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: _feed_without(p, "stop_times.txt"), "broken.zip: stop_times.txt is missing"),
        (lambda p: (p / "notes.zip").write_text("not a zip") and p / "notes.zip", "not a GTFS zip"),
        (lambda p: p / "delijn.zip", "delijn.zip: no such file"),
    ],
)
def test_a_malformed_feed_is_refused_naming_the_file(tmp_path, make, said):
    with pytest.raises(SystemExit) as refused:
        _build("--gtfs", make(tmp_path), "--output", tmp_path / "t")
    assert said in str(refused.value)
    assert not (tmp_path / "t").exists()


def test_a_feed_covering_no_vacancy_is_refused(tmp_path):
    spec = importlib.util.spec_from_file_location("transit_feed", ROOT / "fixtures/transit_feed.py")
    assert spec is not None and spec.loader is not None
    feeds = importlib.util.module_from_spec(spec)
    sys.modules["transit_feed"] = feeds
    spec.loader.exec_module(feeds)
    liege = feeds.SyntheticFeed("Liège").service("weekday", *feeds.WEEKDAYS)
    liege.stop("a", "Guillemins", 50.6245, 5.5668).stop("b", "Opéra", 50.6431, 5.5707)
    liege.line("1", "1", "bus", ["a", "b"], [6 * 60], service="weekday")
    with pytest.raises(SystemExit) as refused:
        _build("--gtfs", liege.write(tmp_path / "liege.zip"), "--output", tmp_path / "t")
    assert "liege.zip cover none of them" in str(refused.value)


def test_health_names_the_timetable_and_warns_once_it_has_expired(built):
    travel = installed_travel(built)
    assert travel is not None
    now = timetable_status(travel, today=dt.date(2027, 3, 1))
    assert now is not None and now.pop("week") == travel.week[0].isoformat()
    assert now.pop("digest") == travel.timetable.digest
    assert now == {
        "feeds": ["delijn_synthetic.zip", "nmbs_synthetic.zip"],
        "first_day": "2026-01-01",
        "last_day": "2028-12-31",
        "expired": False,
        "warning": None,
    }
    later = timetable_status(travel, today=dt.date(2029, 1, 1))
    assert later is not None and later["expired"] is True
    assert later["warning"] == "the timetable ended on 2028-12-31: build a newer one"


def test_the_service_uses_the_timetable_it_is_given(built, tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    app = create_app(settings_for(url, transit=built, transit_week="2027-12-27"))
    with TestClient(app) as client:
        health = client.get("/health").json()
        assert health["timetable"]["feeds"] == ["delijn_synthetic.zip", "nmbs_synthetic.zip"]
        assert health["timetable"]["week"] == "2027-12-27"  # a holiday week, as chosen
        jobhunter = as_role({"jobhunter": make_key(app, "jobhunter")}, "jobhunter")
        # c-0008 lives in Deurne and travels by public transport only.
        body = client.get("/candidates/c-0008/shortlist?top=5", headers=jobhunter).json()
    codes = [r["code"] for line in body["results"] for r in line["features"]["commute"]["reasons"]]
    assert "commute_timetable" in codes and "journey" in codes
    messages = [
        r["message"] for line in body["results"] for r in line["features"]["commute"]["reasons"]
    ]
    assert any(" from " in m and ", arrives " in m for m in messages), messages


def test_a_new_build_is_taken_up_without_a_restart(tmp_path):
    folder = tmp_path / "transit"
    assert _build("--gtfs", FEEDS[1], "--output", folder) == 0
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    app = create_app(settings_for(url, transit=folder, transit_look_seconds=0))
    with TestClient(app) as client:
        jobhunter = as_role({"jobhunter": make_key(app, "jobhunter")}, "jobhunter")
        before = client.get("/health").json()["timetable"]
        assert before["feeds"] == ["nmbs_synthetic.zip"]
        client.get("/candidates/c-0008/shortlist?top=5", headers=jobhunter)
        catalog = app.state.catalog
        fits = catalog.full_fits
        assert _build("--gtfs", FEEDS[0], "--gtfs", FEEDS[1], "--output", folder) == 0
        now = client.get("/health").json()["timetable"]
        assert now["feeds"] == ["delijn_synthetic.zip", "nmbs_synthetic.zip"]
        assert now["digest"] != before["digest"]
        body = client.get("/candidates/c-0008/shortlist?top=5", headers=jobhunter).json()
        assert catalog.full_fits == fits + 1
        assert catalog.fitted.engine.travel.timetable.digest == now["digest"]
        client.get("/candidates/c-0008/shortlist?top=5", headers=jobhunter)
        assert catalog.full_fits == fits + 1  # once per build
    # c-0008 lives in Deurne: the trams of the new build's De Lijn feed reach them.
    messages = [
        r["message"] for line in body["results"] for r in line["features"]["commute"]["reasons"]
    ]
    assert any(m.startswith("tram ") for m in messages), messages


def test_a_request_that_read_the_build_before_never_fits_on_it_again(tmp_path):
    """Request B reads build 1, request A meanwhile takes up build 2 and fits on it: B then
    gets A's engine, not a full fit on the build before (and another on build 2 after)."""
    folder = tmp_path / "transit"
    assert _build("--gtfs", FEEDS[1], "--output", folder) == 0
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    app = create_app(settings_for(url))
    now = [0.0]

    class Meanwhile(InstalledTimetable):
        """Runs another request just after the build in use was read, as a thread would."""

        other_request: Callable[[], object] | None = None

        def current(self) -> object:  # type: ignore[override]
            travel = super().current()
            other, self.other_request = self.other_request, None
            if other is not None:
                other()
            return travel

    installed = Meanwhile(folder, every=5.0, clock=lambda: now[0])
    catalog = Catalog(timetable=installed)
    with TestClient(app), app.state.sessions() as session:
        first = catalog.current(session).engine.travel
        assert _build("--gtfs", FEEDS[0], "--gtfs", FEEDS[1], "--output", folder) == 0

        def request_a() -> None:
            now[0] = 10.0  # A looks after the interval: it takes up build 2
            assert catalog.current(session).engine.travel is not first

        installed.other_request = request_a
        fitted = catalog.current(session)  # request B, which read build 1
        assert fitted.engine.travel is installed.current() is not first
        assert catalog.full_fits == 2  # build 1, then build 2 once
        assert catalog.current(session) is fitted


def test_without_a_timetable_health_says_none(tmp_path):
    with TestClient(create_app(settings_for(f"sqlite:///{tmp_path / 'db.sqlite'}"))) as client:
        assert client.get("/health").json()["timetable"] is None


def test_an_osm_extract_is_read_with_the_feeds_and_used_for_walks(tmp_path, capsys):
    _extract(tmp_path / "centre.osm.pbf", [(51.2189, 4.4011), (51.2166, 4.4190)])
    out = tmp_path / "t"
    assert _build("--gtfs", FEEDS[0], "--osm", tmp_path / "centre.osm.pbf", "--output", out) == 0
    assert "2 street nodes, 1 segments (1 walk, 0 bike, 0 car)" in capsys.readouterr().out
    travel = installed_travel(out)
    assert travel is not None and travel.streets is not None
    with pytest.raises(SystemExit, match="no such file"):
        _build("--gtfs", FEEDS[0], "--osm", tmp_path / "missing.osm.pbf", "--output", out)


def test_an_extract_alone_installs_the_streets_without_a_timetable(tmp_path, capsys):
    from matcher.travel.streets import StreetTravelTimes

    out = tmp_path / "t"
    assert _build("--gtfs", FEEDS[0], "--output", out) == 0
    assert (
        _build("--osm", ROOT / "fixtures/transit/antwerp_synthetic.osm.pbf", "--output", out) == 0
    )
    said = capsys.readouterr().out
    assert "29,613 street nodes" in said and "no feeds: public transport stays estimated" in said
    travel = installed_travel(out)
    assert isinstance(travel, StreetTravelTimes)  # the earlier build's timetable is gone
    assert timetable_status(travel) is None
    with pytest.raises(SystemExit, match="give GTFS feeds"):
        _build("--output", out)


CENTRE = [(51.2189, 4.4011), (51.2166, 4.4190)]
LONGER = [(51.2189, 4.4011), (51.2166, 4.4190), (51.2130, 4.4210)]


def test_a_new_streets_only_build_is_taken_up_and_the_old_ones_shortlists_dropped(tmp_path):
    from matcher.travel.streets import StreetTravelTimes

    folder = tmp_path / "transit"
    assert _build("--osm", _extract(tmp_path / "a.osm.pbf", CENTRE), "--output", folder) == 0
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    app = create_app(settings_for(url, transit=folder, transit_look_seconds=0))
    with TestClient(app) as client:
        jobhunter = as_role({"jobhunter": make_key(app, "jobhunter")}, "jobhunter")
        for person in ("c-0001", "c-0008"):
            client.get(f"/candidates/{person}/shortlist?top=5", headers=jobhunter)
        catalog, cache = app.state.catalog, app.state.shortlist_cache
        fits = catalog.full_fits
        assert cache.holds("c-0001")
        assert _build("--osm", _extract(tmp_path / "b.osm.pbf", LONGER), "--output", folder) == 0
        client.get("/candidates/c-0008/shortlist?top=5", headers=jobhunter)
        travel = catalog.fitted.engine.travel
        assert isinstance(travel, StreetTravelTimes) and len(travel.streets.lat) == len(LONGER)
        assert catalog.full_fits == fits + 1
        # c-0001's shortlist is of the build before: it can never be served again.
        assert cache.holds("c-0008") and not cache.holds("c-0001")


def test_a_build_half_written_is_not_taken_up_until_its_marker_is(tmp_path):
    from matcher.travel.journeys import mark_build
    from matcher.travel.streets import read_osm
    from matcher.travel.timetable import read_feeds

    folder = tmp_path / "transit"
    extract = _extract(tmp_path / "a.osm.pbf", CENTRE)
    assert _build("--gtfs", FEEDS[1], "--osm", extract, "--output", folder) == 0
    now = [0.0]
    installed = InstalledTimetable(folder, every=1.0, clock=lambda: now[0])
    first = installed.current()
    assert first is not None and first.streets is not None
    # What `matcher transit build` writes before the marker, one file after another.
    read_osm(_extract(tmp_path / "b.osm.pbf", LONGER)).save(folder / "streets.npz")
    now[0] += 5
    assert installed.current() is first  # new streets beside the old timetable: not taken up
    read_feeds(FEEDS).save(folder)
    with pytest.raises(ValueError, match="replaced since build.json"):
        installed_travel(folder)  # the marker's files are no longer those it lists
    mark_build(folder, ["streets.npz", "timetable.json", "timetable.npz"])
    now[0] += 5
    taken = installed.current()
    assert taken is not first and taken is not None and taken.streets is not None
    assert len(taken.streets.lat) == len(LONGER)
    assert timetable_status(taken)["feeds"] == ["delijn_synthetic.zip", "nmbs_synthetic.zip"]


def test_a_build_from_before_the_marker_still_loads_and_reloads(tmp_path):
    from matcher.travel.timetable import read_feeds

    folder = tmp_path / "transit"
    assert _build("--gtfs", FEEDS[1], "--output", folder) == 0
    (folder / "build.json").unlink()
    now = [0.0]
    installed = InstalledTimetable(folder, every=1.0, clock=lambda: now[0])
    assert timetable_status(installed.current())["feeds"] == ["nmbs_synthetic.zip"]
    read_feeds(FEEDS).save(folder)  # timetable.json last, as builds before the marker did
    now[0] += 5
    assert len(timetable_status(installed.current())["feeds"]) == 2


def test_each_file_of_a_build_is_replaced_whole(tmp_path):
    """A reader that opened the streets before a rebuild still reads them whole."""
    import numpy as np

    from matcher.travel.streets import Streets, read_osm

    path = tmp_path / "streets.npz"
    read_osm(_extract(tmp_path / "a.osm.pbf", CENTRE)).save(path)
    with np.load(path) as opened:
        read_osm(_extract(tmp_path / "b.osm.pbf", LONGER)).save(path)
        assert len(opened["lat"]) == len(CENTRE)
    assert len(Streets.load(path).lat) == len(LONGER)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("streets")) == [
        "streets.npz"
    ]


def test_a_built_folder_copied_elsewhere_loads(tmp_path):
    import shutil

    assert _build("--gtfs", FEEDS[1], "--output", tmp_path / "built") == 0
    copied = shutil.copytree(tmp_path / "built", tmp_path / "copied", copy_function=shutil.copy)
    assert timetable_status(installed_travel(copied))["feeds"] == ["nmbs_synthetic.zip"]
