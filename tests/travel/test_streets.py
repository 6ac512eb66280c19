"""Walks to and from stops along an OpenStreetMap extract's streets (a generated one)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import osmium
import pytest
from osmium.osm.mutable import Node, Way
from test_journeys import HOME, PORT, SIX_TO_TWO, _feed, _model, _one_way, _trip, _with_way_home

from matcher.travel.streets import read_osm

STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ACROSS = (HOME[0], HOME[1] + 0.0036)  # 250 m east, over a river with its bridge 1.6 km north
SOUTH = (HOME[0] - 0.0063, HOME[1])  # 700 m south, on home's bank


def write_streets(path: Path) -> Path:
    """Two streets along a river's banks, joined by one bridge; a street at the port."""
    writer = osmium.SimpleWriter(str(path))
    streets = {
        "west bank": [(HOME[0] + k * 0.002, HOME[1]) for k in range(-5, 8)],
        "east bank": [(HOME[0] + k * 0.002, ACROSS[1]) for k in range(-5, 8)],
        "bridge": [(HOME[0] + 0.014, HOME[1]), (HOME[0] + 0.014, ACROSS[1])],
        "port": [(PORT[0] - 0.002, PORT[1]), (PORT[0] + 0.002, PORT[1])],
    }
    ids: dict[tuple[float, float], int] = {}
    for points in streets.values():
        for point in points:
            if point not in ids:
                ids[point] = len(ids) + 1
                writer.add_node(
                    Node(id=ids[point], location=(point[1], point[0]), version=1, timestamp=STAMP)
                )
    for k, (name, points) in enumerate(streets.items(), start=1):
        refs = [ids[p] for p in points]
        writer.add_way(
            Way(
                id=k,
                nodes=refs,
                tags={"highway": "footway", "name": name},
                version=1,
                timestamp=STAMP,
            )
        )
    writer.close()
    return path


def _two_stops(tmp_path, streets):
    feed = _feed().stop("across", "Overkant", *ACROSS).stop("south", "Zuidkaai", *SOUTH)
    _one_way(feed, [5 * 60 + 15], stops=["across", "port"])
    _one_way(feed, [5 * 60 + 45, 6 * 60 + 15], stops=["south", "port"], line=("b", "12", "tram"))
    model = _model(tmp_path, _with_way_home(feed))
    model.streets = streets
    return model


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
