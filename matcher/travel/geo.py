"""Belgian postcodes to points, and great-circle distances between points."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import numpy as np
import numpy.typing as npt

__all__ = [
    "ANTWERP_CENTRE",
    "EARTH_RADIUS_KM",
    "Place",
    "haversine_km",
    "is_known_postcode",
    "postcode_place",
]

EARTH_RADIUS_KM = 6371.0088
"""The mean radius of the earth (IUGG)"""

ANTWERP_CENTRE: tuple[float, float] = (51.22047, 4.40026)
"""(lat, lon) of Antwerp's centre: GeoNames' point for Antwerpen, the one postcode 2000 has"""

_DATA_FILE = "be_postcodes.csv"
_COLUMNS = ["postcode", "name", "municipality", "lat", "lon", "source"]


@dataclass(frozen=True)
class Place:
    """A postcode's point: its main locality's, or a stand-in (see data/be_postcodes.SOURCES.md)"""

    postcode: str
    name: str
    municipality: str
    lat: float
    lon: float


@cache
def _places() -> dict[str, Place]:
    """Every postcode in matcher/data/be_postcodes.csv, read once"""
    text = (files("matcher") / "data" / _DATA_FILE).read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    if header != _COLUMNS:
        raise ValueError(f"{_DATA_FILE}: expected columns {_COLUMNS}, got {header}")
    return {
        postcode: Place(postcode, name, municipality, float(lat), float(lon))
        for postcode, name, municipality, lat, lon, _source in reader
    }


def postcode_place(postcode: str) -> Place | None:
    """The point of a Belgian postcode ("2100", " 2100 "); None for an unknown one"""
    return _places().get(postcode.strip())


def known_postcodes() -> list[str]:
    """Every postcode in the table, in order."""
    return sorted(_places())


def is_known_postcode(postcode: str) -> bool:
    """Whether a postcode is one of Belgium's (surrounding whitespace ignored)"""
    return postcode.strip() in _places()


def haversine_km(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Great-circle distance in km between points in degrees; arrays and floats broadcast
    against each other as in numpy (a 0-d array for four floats)"""
    phi1 = np.radians(np.asarray(lat1, dtype=np.float64))
    phi2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dphi = phi2 - phi1
    dlambda = np.radians(np.asarray(lon2, dtype=np.float64)) - np.radians(
        np.asarray(lon1, dtype=np.float64)
    )
    a = np.sin(dphi / 2.0) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlambda / 2.0) ** 2
    distance = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return np.asarray(distance, dtype=np.float64)
