"""Walking on the street network: an OpenStreetMap extract's footways and streets as a graph.

`matcher transit build --osm X.osm.pbf` reads the ways a person may walk on (pyosmium) into
`streets.npz` next to the timetable; the journeys then walk to and from stops along them (a
river with no bridge near, a dock or a ring road shows), instead of 1.3 times the crow-fly
distance. Walks between stops to change vehicles stay estimated (they are at most 400 m).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_array, csr_array
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

__all__ = ["Streets", "read_osm"]

WALK_KM_PER_HOUR = 4.8
_NOT_WALKED = frozenset({"motorway", "motorway_link", "trunk", "trunk_link", "construction"})
_METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Streets:
    """Walkable street nodes (lat, lon) and the edges between them, in metres."""

    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    edge_from: NDArray[np.int64]
    edge_to: NDArray[np.int64]
    edge_metres: NDArray[np.float64]

    def save(self, path: Path) -> None:
        np.savez_compressed(path, **{k: getattr(self, k) for k in self.__dataclass_fields__})

    @classmethod
    def load(cls, path: Path) -> Streets:
        with np.load(path) as data:
            return cls(**{name: data[name] for name in data.files})

    @cached_property
    def _flat(self) -> tuple[float, Callable[[NDArray[np.float64]], NDArray[np.float64]]]:
        scale = float(np.cos(np.radians(self.lat.mean()))) if len(self.lat) else 1.0

        def flat(points: NDArray[np.float64]) -> NDArray[np.float64]:
            metres: NDArray[np.float64] = np.stack(
                [points[:, 0] * _METRES_PER_DEGREE, points[:, 1] * _METRES_PER_DEGREE * scale],
                axis=1,
            )
            return metres

        return scale, flat

    @cached_property
    def _index(self) -> cKDTree:
        _, flat = self._flat
        return cKDTree(flat(np.stack([self.lat, self.lon], axis=1)))

    @cached_property
    def _graph(self) -> csr_array:
        n = len(self.lat)
        edges = coo_array((self.edge_metres, (self.edge_from, self.edge_to)), shape=(n, n))
        return edges.tocsr()

    def walk_minutes(
        self, origin: tuple[float, float], targets: NDArray[np.float64], *, most_km: float
    ) -> NDArray[np.float64]:
        """(T,) minutes walking from origin to each target along the streets (the straight
        bits to and from the nearest street node included); inf beyond `most_km`."""
        _, flat = self._flat
        index = self._index
        points = np.concatenate([np.array([origin], dtype=np.float64), targets])
        found = index.query(flat(points))
        off_street = np.asarray(found[0], dtype=np.float64)
        node = np.asarray(found[1], dtype=np.int64)
        limit = most_km * 1000
        start = np.array([node[0]], dtype=np.int64)
        reached = dijkstra(self._graph, directed=False, indices=start, limit=limit)[0]
        metres = off_street[0] + reached[node[1:]] + off_street[1:]
        minutes: NDArray[np.float64] = np.where(
            metres <= limit, metres / 1000 / WALK_KM_PER_HOUR * 60, np.inf
        )
        return minutes


def read_osm(path: Path) -> Streets:
    """The walkable ways of an .osm.pbf (or .osm) extract; ValueError if it has none."""
    import osmium

    nodes: dict[int, int] = {}
    lat: list[float] = []
    lon: list[float] = []
    edges: list[tuple[int, int]] = []

    class Ways(osmium.SimpleHandler):
        def way(self, way: osmium.osm.Way) -> None:
            highway = way.tags.get("highway")
            if highway is None or highway in _NOT_WALKED:
                return
            if way.tags.get("foot") == "no" or way.tags.get("access") in ("no", "private"):
                return
            previous = -1
            for ref in way.nodes:
                if not ref.location.valid():
                    previous = -1
                    continue
                k = nodes.get(ref.ref)
                if k is None:
                    k = nodes[ref.ref] = len(lat)
                    lat.append(ref.location.lat)
                    lon.append(ref.location.lon)
                if previous >= 0:
                    edges.append((previous, k))
                previous = k

    Ways().apply_file(str(path), locations=True)
    if not edges:
        raise ValueError(f"{path.name}: no walkable streets (ways with a highway tag)")
    pairs = np.array(edges, dtype=np.int64)
    la, lo = np.array(lat), np.array(lon)
    scale = np.cos(np.radians(la.mean()))
    north = (la[pairs[:, 0]] - la[pairs[:, 1]]) * _METRES_PER_DEGREE
    east = (lo[pairs[:, 0]] - lo[pairs[:, 1]]) * _METRES_PER_DEGREE * scale
    return Streets(la, lo, pairs[:, 0].copy(), pairs[:, 1].copy(), np.hypot(north, east))
