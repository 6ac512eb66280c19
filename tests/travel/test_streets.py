"""Walking, cycling and driving along an OpenStreetMap extract's streets (generated ones), and
walks to and from stops along them."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
import osmium
import pytest
from factories import make_candidate, make_vacancy
from hypothesis import given, settings
from hypothesis import strategies as st
from osmium.osm.mutable import Node
from test_journeys import (
    A_MONDAY,
    HOME,
    PORT,
    SIX_TO_TWO,
    _feed,
    _model,
    _one_way,
    _trip,
    _with_way_home,
)

from matcher.features.commute import CommuteFeature
from matcher.travel.estimate import EstimatedTravelTimes, regional_km
from matcher.travel.journeys import TimetableTravelTimes
from matcher.travel.streets import (
    BIKE_AHEAD,
    BIKE_BACK,
    CAR_AHEAD,
    CAR_BACK,
    CAR_SPEED_SHARE,
    WALK,
    Streets,
    StreetTravelTimes,
    read_osm,
    way_modes,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "fixtures"))
from street_extract import SyntheticStreets  # noqa: E402

STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ACROSS = (HOME[0], HOME[1] + 0.0036)  # 250 m east, over a river with its bridge 1.6 km north
SOUTH = (HOME[0] - 0.0063, HOME[1])  # 700 m south, on home's bank
KM_NORTH = 1 / 111.32  # degrees of latitude in a km (as the streets measure)
KM_EAST = KM_NORTH / np.cos(np.radians(HOME[0]))
ESTIMATE = EstimatedTravelTimes()
WALK_KM_PER_HOUR = ESTIMATE.walk.km_per_hour
FIXTURE_MAP = Path(__file__).resolve().parents[2] / "fixtures/transit/antwerp_synthetic.osm.pbf"


def write_streets(path: Path) -> Path:
    """Two footways along a river's banks, joined by one bridge; a footway at the port, at the
    end of a dyke's from the west bank (one network: a cut-off piece would be left out)."""
    streets = SyntheticStreets()
    for name, points in {
        "west bank": [(HOME[0] + k * 0.002, HOME[1]) for k in range(-5, 8)],
        "east bank": [(HOME[0] + k * 0.002, ACROSS[1]) for k in range(-5, 8)],
        "bridge": [(HOME[0] + 0.014, HOME[1]), (HOME[0] + 0.014, ACROSS[1])],
        "port": [(PORT[0] - 0.002, PORT[1]), (PORT[0] + 0.002, PORT[1])],
        "dyke": [(HOME[0] + 0.014, HOME[1]), (PORT[0] - 0.002, PORT[1])],
    }.items():
        streets.way(points, {"highway": "footway", "name": name})
    return streets.write(path)


def _two_stops(tmp_path, streets):
    feed = _feed().stop("across", "Overkant", *ACROSS).stop("south", "Zuidkaai", *SOUTH)
    _one_way(feed, [5 * 60 + 15], stops=["across", "port"])
    _one_way(feed, [5 * 60 + 45, 6 * 60 + 15], stops=["south", "port"], line=("b", "12", "tram"))
    model = _model(tmp_path, _with_way_home(feed))
    return TimetableTravelTimes(model.timetable, week_of=A_MONDAY, streets=streets)


def test_a_stop_over_the_river_is_a_long_walk_on_the_streets(tmp_path):
    streets = read_osm(write_streets(tmp_path / "streets.osm.pbf"))
    crow_fly = _two_stops(tmp_path, None)
    on_streets = _two_stops(tmp_path, streets)
    early = {"days": ["mon"], **SIX_TO_TWO}
    _, _, said = _trip(crow_fly, early)
    assert "tram 24 from Overkant 05:15, arrives 05:41; 6 min walk" in said
    _, _, said = _trip(on_streets, early)
    assert "No public transport on the timetable arrives by the 06:00 start" in said
    later = {"days": ["mon"], "start": "07:00", "end": "14:00"}
    minutes, _, said = _trip(on_streets, later)
    # 700 m along the bank (9 min) to the 06:15 tram: out of the door at 06:06; at the port
    # the street's nearest corner is 220 m from the gate and the stop (5 min more).
    assert "tram 12 from Zuidkaai 06:15, arrives 06:45; 14 min walk" in said
    assert minutes == 54


def test_an_extract_without_streets_is_refused(tmp_path):
    writer = osmium.SimpleWriter(str(tmp_path / "empty.osm.pbf"))
    writer.add_node(Node(id=1, location=(4.4, 51.2), version=1, timestamp=STAMP))
    writer.close()
    with pytest.raises(ValueError, match="no walkable streets"):
        read_osm(tmp_path / "empty.osm.pbf")


def _about(minutes: float):
    """Within 0.1%: the streets measure on a flat map at their mean latitude, not at home's."""
    return pytest.approx(minutes, rel=1e-3)


def _east(km: float, north_km: float = 0.0) -> tuple[float, float]:
    return (HOME[0] + north_km * KM_NORTH, HOME[1] + km * KM_EAST)


def _minutes(travel, mode, origin, destination) -> float:
    found = travel.minutes([mode], np.array([origin]), np.array([destination]))
    return float(found[mode][0, 0])


def _travel(tmp_path, streets: SyntheticStreets) -> StreetTravelTimes:
    return StreetTravelTimes(read_osm(streets.write(tmp_path / "map.osm.pbf")))


def test_a_river_with_its_only_bridge_far_away_makes_walking_and_cycling_long(tmp_path):
    # Two banks 300 m apart, a bridge 3 km north: 6.3 km along the streets.
    home, work = _east(0), _east(0.3)
    streets = SyntheticStreets()
    streets.way([home, _east(0, 3), _east(0.3, 3), work], {"highway": "residential"})
    travel = _travel(tmp_path, streets)
    assert _minutes(travel, "walk", home, work) == _about(6.3 / WALK_KM_PER_HOUR * 60)
    bike = ESTIMATE.bike
    assert _minutes(travel, "bike", home, work) == _about(
        bike.fixed_minutes + 6.3 / bike.km_per_hour * 60
    )
    assert _minutes(ESTIMATE, "walk", home, work) < 5  # as the crow flies: a few minutes


def test_a_motorway_takes_cars_but_not_walkers_or_cyclists(tmp_path):
    home, work = _east(0), _east(5)
    streets = SyntheticStreets()
    motorway = {"highway": "motorway", "maxspeed": "120"}
    streets.way([home, work], motorway | {"oneway": "yes"})
    streets.way([work, home], motorway | {"oneway": "yes"})
    streets.way([home, _east(0, 5), _east(5, 5), work], {"highway": "unclassified"})
    travel = _travel(tmp_path, streets)
    car = ESTIMATE.car
    assert _minutes(travel, "car", home, work) == _about(
        car.fixed_minutes + 5 / (120 * CAR_SPEED_SHARE) * 60
    )
    assert _minutes(travel, "car", work, home) == _minutes(travel, "car", home, work)
    # On foot and by bike, round by the 15 km country road.
    assert _minutes(travel, "walk", home, work) == _about(15 / WALK_KM_PER_HOUR * 60)
    bike = ESTIMATE.bike
    assert _minutes(travel, "bike", home, work) == _about(
        bike.fixed_minutes + 15 / bike.km_per_hour * 60
    )


@pytest.mark.parametrize("cyclists_both_ways", [False, True])
def test_a_one_way_street_is_driven_one_way(tmp_path, cyclists_both_ways):
    a, b = _east(0), _east(1)
    street = {"highway": "residential", "maxspeed": "30", "oneway": "yes"}
    if cyclists_both_ways:
        street["oneway:bicycle"] = "no"
    streets = SyntheticStreets().way([a, b], street)
    streets.way([b, _east(1, 1), _east(0, 1), a], {"highway": "residential", "maxspeed": "30"})
    travel = _travel(tmp_path, streets)
    per_km = 60 / (30 * CAR_SPEED_SHARE)
    fixed = ESTIMATE.car.fixed_minutes
    assert _minutes(travel, "car", a, b) == _about(fixed + per_km)
    assert _minutes(travel, "car", b, a) == _about(fixed + 3 * per_km)  # round the block
    bike = ESTIMATE.bike
    back_km = 1 if cyclists_both_ways else 3
    assert _minutes(travel, "bike", b, a) == _about(
        bike.fixed_minutes + back_km / bike.km_per_hour * 60
    )
    assert _minutes(travel, "walk", b, a) == _about(1 / WALK_KM_PER_HOUR * 60)


def _reason(travel, mode: str, work) -> str:
    person = make_candidate(
        home={"lat": HOME[0], "lon": HOME[1]}, transport=[mode], max_commute_minutes=90
    )
    job = make_vacancy(location={"lat": work[0], "lon": work[1]})
    feature = CommuteFeature(travel=travel).fit([job])
    return feature.trip(person, 0).reasons[0].message


def test_the_reason_says_along_the_streets_or_an_estimate_off_the_extract(tmp_path):
    work = _east(3)
    streets = SyntheticStreets().way(
        [HOME, _east(0, 1), _east(3, 1), work], {"highway": "tertiary"}
    )
    travel = _travel(tmp_path, streets)
    bike = ESTIMATE.bike
    expected = bike.fixed_minutes + 5 / bike.km_per_hour * 60
    assert (
        _reason(travel, "bike", work) == f"{int(np.ceil(expected))} min by bike along the streets"
    )
    # 5 km past the street's end: no street within a kilometre, so the estimate, said as one.
    far = _east(8)
    estimated = _minutes(ESTIMATE, "bike", HOME, far)
    assert _minutes(travel, "bike", HOME, far) == estimated
    assert (
        _reason(travel, "bike", far) == f"About {int(np.ceil(estimated))} min by bike (an estimate)"
    )


def test_a_home_known_by_postcode_next_to_the_workplace_is_said_as_an_estimate(tmp_path):
    """Along the streets it is a minute, but a home known only by its postcode counts as a trip
    across the postcode's area at least: an estimate, and the reason says so."""
    centre = (51.22047, 4.40026)  # postcode 2000's point
    work = (centre[0], centre[1] + 0.1 * KM_EAST)
    streets = SyntheticStreets().way([centre, work], {"highway": "residential"})
    travel = _travel(tmp_path, streets)
    person = make_candidate(home={"postcode": "2000"}, transport=[], max_commute_minutes=90)
    feature = CommuteFeature(travel=travel).fit(
        [make_vacancy(location={"lat": work[0], "lon": work[1]})]
    )
    said = feature.trip(person, 0).reasons[0].message
    floor = feature.area_minutes_["walk"]
    assert _minutes(travel, "walk", centre, work) < floor
    assert said == f"About {int(np.ceil(floor))} min on foot (an estimate)"
    # Known by coordinates, the same trip is the streets' own.
    exact = make_candidate(home={"lat": centre[0], "lon": centre[1]}, transport=[])
    assert feature.trip(exact, 0).reasons[0].message.endswith("on foot along the streets")


def test_too_long_along_the_streets_says_so(tmp_path):
    home, work = _east(0), _east(0.3)
    streets = SyntheticStreets()
    streets.way([home, _east(0, 8), _east(0.3, 8), work], {"highway": "footway"})
    said = _reason(_travel(tmp_path, streets), "walk", work)
    assert said == (
        f"Too far: {int(np.ceil(16.3 / WALK_KM_PER_HOUR * 60))} min on foot along the streets,"
        " more than their maximum of 90 min"
    )


def test_the_timetable_model_walks_cycles_and_drives_along_its_streets(tmp_path):
    home, work = _east(0), _east(0.3)
    streets = SyntheticStreets()
    streets.way([home, _east(0, 3), _east(0.3, 3), work], {"highway": "residential"})
    with_timetable = _two_stops(tmp_path, read_osm(streets.write(tmp_path / "map.osm.pbf")))
    # 6.3 km round by the bridge, on foot and by bike, as the streets alone measure it.
    assert _minutes(with_timetable, "walk", home, work) == _about(6.3 / WALK_KM_PER_HOUR * 60)
    bike = ESTIMATE.bike
    assert _minutes(with_timetable, "bike", home, work) == _about(
        bike.fixed_minutes + 6.3 / bike.km_per_hour * 60
    )
    assert _minutes(with_timetable, "car", home, work) > _minutes(ESTIMATE, "car", home, work)
    assert _reason(with_timetable, "bike", work).endswith("by bike along the streets")


def test_a_file_from_before_cycling_and_driving_means_walking_only(tmp_path):
    home, work = _east(0), _east(0.3)
    streets = SyntheticStreets()
    streets.way([home, _east(0, 3), _east(0.3, 3), work], {"highway": "residential"})
    read = read_osm(streets.write(tmp_path / "map.osm.pbf"))
    old = Streets(read.lat, read.lon, read.edge_from, read.edge_to, read.edge_metres)
    old.save(tmp_path / "streets.npz")
    loaded = StreetTravelTimes(Streets.load(tmp_path / "streets.npz"))
    assert loaded.modes == ("walk",)
    assert _minutes(loaded, "walk", home, work) == _about(6.3 / WALK_KM_PER_HOUR * 60)
    assert _minutes(loaded, "bike", home, work) == _minutes(ESTIMATE, "bike", home, work)


@pytest.fixture(scope="module")
def antwerp() -> StreetTravelTimes:
    return StreetTravelTimes(read_osm(FIXTURE_MAP))


TOP_KM_PER_HOUR = {"walk": WALK_KM_PER_HOUR, "bike": ESTIMATE.bike.km_per_hour, "car": 120.0}


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.floats(51.10, 51.35), st.floats(4.15, 4.70)), min_size=2, max_size=6),
    st.sampled_from(["walk", "bike", "car"]),
)
def test_street_minutes_are_never_quicker_than_the_crow_flies_at_top_speed(antwerp, points, mode):
    origins, destinations = np.array(points[:1]), np.array(points[1:])
    minutes = antwerp.along_streets([mode], origins, destinations)[mode][0]
    km = regional_km(origins, destinations)[0]
    top = TOP_KM_PER_HOUR[mode] * (CAR_SPEED_SHARE if mode == "car" else 1.0)
    fixed = getattr(ESTIMATE, mode).fixed_minutes
    known = ~np.isnan(minutes)
    # The streets' flat map and the crow-fly's differ by under 1% within the region.
    assert np.all(minutes[known] >= fixed + 0.99 * km[known] / top * 60)


def test_the_fixture_map_keeps_the_scheldt_a_barrier_but_for_its_tunnels(antwerp):
    linkeroever, centre = (51.2215, 4.3805), (51.2205, 4.4003)
    walk = _minutes(antwerp, "walk", linkeroever, centre)
    car = _minutes(antwerp, "car", linkeroever, centre)
    # Through the Sint-Anna tunnel on foot; by car round by the Waasland tunnel.
    assert walk < 30
    assert car > _minutes(ESTIMATE, "car", linkeroever, centre)
    # Berendrecht to Kieldrecht, across the port: by bike, round by the Sint-Anna tunnel.
    berendrecht, kieldrecht = (51.339, 4.314), (51.289, 4.176)
    assert _minutes(antwerp, "bike", berendrecht, kieldrecht) > 1.5 * _minutes(
        ESTIMATE, "bike", berendrecht, kieldrecht
    )


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.floats(51.10, 51.35), st.floats(4.15, 4.70)), min_size=3, max_size=8),
    st.sampled_from(["walk", "bike", "car"]),
)
def test_many_homes_to_one_workplace_are_each_homes_own_minutes(antwerp, points, mode):
    # Searched back from the workplace (a vacancy's candidates), or from each home to it and
    # another workplace (a shortlist).
    homes, work = np.array(points[1:]), np.array(points[:1])
    together = antwerp.along_streets([mode], homes, work)[mode][:, 0]
    two = np.array([points[0], points[-1]])
    alone = [antwerp.along_streets([mode], home[None], two)[mode][0, 0] for home in homes]
    assert np.allclose(together, alone, rtol=1e-5, equal_nan=True)


@pytest.mark.parametrize(
    ("tags", "walk", "bike", "car"),
    [
        ({"highway": "footway"}, "both", None, None),
        ({"highway": "footway", "bicycle": "yes"}, "both", "both", None),
        ({"highway": "pedestrian"}, "both", None, None),
        ({"highway": "cycleway"}, "both", "both", None),
        ({"highway": "steps"}, "both", None, None),
        ({"highway": "residential"}, "both", "both", "both"),
        ({"highway": "residential", "oneway": "yes"}, "both", "ahead", "ahead"),
        ({"highway": "residential", "oneway": "-1"}, "both", "back", "back"),
        (
            {"highway": "residential", "oneway": "yes", "oneway:bicycle": "no"},
            "both",
            "both",
            "ahead",
        ),
        ({"highway": "primary", "junction": "roundabout"}, "both", "ahead", "ahead"),
        ({"highway": "primary", "foot": "no", "bicycle": "no"}, None, None, "both"),
        ({"highway": "motorway"}, None, None, "ahead"),
        ({"highway": "trunk", "oneway": "no"}, None, None, "both"),
        ({"highway": "service", "access": "private"}, None, None, None),
        ({"highway": "track", "motor_vehicle": "no"}, "both", "both", None),
        ({"highway": "construction"}, None, None, None),
    ],
)
def test_who_may_use_a_way_and_which_way(tags, walk, bike, car):
    bits, kmh = way_modes(tags)

    def ways(ahead: int, back: int) -> str | None:
        got = (bool(bits & ahead), bool(bits & back))
        return {(True, True): "both", (True, False): "ahead", (False, True): "back"}.get(got)

    assert (ways(WALK, WALK), ways(BIKE_AHEAD, BIKE_BACK), ways(CAR_AHEAD, CAR_BACK)) == (
        walk,
        bike,
        car,
    )
    assert (kmh > 0) == (car is not None)


@pytest.mark.parametrize(
    ("tags", "kmh"),
    [
        ({"highway": "residential"}, 30),
        ({"highway": "residential", "maxspeed": "50"}, 50),
        ({"highway": "primary", "maxspeed": "30 mph"}, 48.27),
        ({"highway": "tertiary", "maxspeed": "BE:zone30"}, 30),
        ({"highway": "secondary", "maxspeed": "BE-VLG:rural"}, 70),
        ({"highway": "motorway"}, 120),
    ],
)
def test_a_cars_limit_is_the_ways_maxspeed_else_its_class(tags, kmh):
    assert way_modes(tags)[1] == pytest.approx(kmh)


def test_a_home_at_a_one_way_dead_end_drives_from_the_streets_it_joins(tmp_path):
    # A one-way stub 300 m north from the street: a car at its end can go nowhere, so the
    # home's corner is where the stub leaves the street (300 m off it, at a service road's
    # speed), not the stub's end, from which no search reaches anything.
    home, work = _east(0, 0.3), _east(2)
    streets = SyntheticStreets().way([_east(0), work], {"highway": "residential", "maxspeed": "30"})
    streets.way([_east(0), home], {"highway": "service", "oneway": "yes"})
    travel = _travel(tmp_path, streets)
    slow = 20 * CAR_SPEED_SHARE
    expected = ESTIMATE.car.fixed_minutes + 0.3 / slow * 60 + 2 / (30 * CAR_SPEED_SHARE) * 60
    assert _minutes(travel, "car", home, work) == _about(expected)


def test_a_home_on_a_cut_off_piece_of_footway_keeps_the_estimate(tmp_path):
    # Home on a 100 m footway of its own, 3 km from the street network: off the extract.
    home, work = _east(0), _east(3)
    streets = SyntheticStreets().way([_east(3, -1), _east(3, 1)], {"highway": "footway"})
    streets.way([home, _east(0.1)], {"highway": "footway"})
    travel = _travel(tmp_path, streets)
    assert _minutes(travel, "walk", home, work) == _minutes(ESTIMATE, "walk", home, work)
    assert _reason(travel, "walk", work).endswith("(an estimate)")


def test_the_fixture_maps_cut_off_corners_drive_like_their_neighbours(antwerp):
    # A corner of the fixture map that reaches no other by car (it took 241 min to the centre).
    corner, centre = (51.254012, 4.376377), (51.2205, 4.4003)
    assert _minutes(antwerp, "car", corner, centre) < 2 * _minutes(ESTIMATE, "car", corner, centre)


def test_a_walk_past_the_searches_reach_is_too_far_along_the_streets(tmp_path):
    # Round by a footway 12 km north: 24.3 km, past the 240 minutes searched.
    home, work = _east(0), _east(0.3)
    streets = SyntheticStreets()
    streets.way([home, _east(0, 12), _east(0.3, 12), work], {"highway": "footway"})
    travel = _travel(tmp_path, streets)
    assert _minutes(travel, "walk", home, work) == 241
    assert _reason(travel, "walk", work) == (
        "Too far: 241 min on foot along the streets, more than their maximum of 90 min"
    )


def _stops_and_walks(model) -> set[tuple[int, int]]:
    stops, walks = model.nearest_stops(np.array([HOME]))
    return {(int(s), int(w)) for s, w in zip(stops[0], walks[0], strict=True) if s >= 0}


@pytest.mark.parametrize("streets", ["cars only", "none within a kilometre"])
def test_walks_to_stops_off_the_walkable_streets_are_estimated(tmp_path, streets):
    if streets == "cars only":
        ways = SyntheticStreets().way([_east(-2), _east(2)], {"highway": "motorway"})
    else:
        ways = SyntheticStreets().way([_east(-2, 1.5), _east(2, 1.5)], {"highway": "footway"})
    read = read_osm(ways.write(tmp_path / "map.osm.pbf"))
    crow_fly = _stops_and_walks(_two_stops(tmp_path, None))
    assert crow_fly  # the river's stops, within 1.2 km of home
    assert _stops_and_walks(_two_stops(tmp_path, read)) == crow_fly
