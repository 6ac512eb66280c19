"""Walking, cycling and driving on the street network: an OpenStreetMap extract as graphs.

`matcher transit build --osm X.osm.pbf` reads the extract's ways (pyosmium) into `streets.npz`,
each segment with the modes that may use it (and in which direction) and a car's speed on it.
Commutes on foot, by bike and by car then follow the streets (a river with its few crossings,
the docks, a ring road only cars may use, one-way streets) instead of the estimate's crow-fly
distance times a detour; walks to and from stops follow them too. Places off the extract (no
street of the mode within a kilometre) keep the estimate.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from matcher.models import MAX_COMMUTE_MINUTES
from matcher.travel.estimate import EstimatedTravelTimes, Mode
from matcher.travel.kept import Kept

__all__ = ["STREET_MODES", "StreetTravelTimes", "Streets", "read_osm", "way_modes"]

StreetMode = Literal["walk", "bike", "car"]
STREET_MODES: tuple[StreetMode, ...] = ("walk", "bike", "car")

_METRES_PER_DEGREE = 111_320.0

# Which modes may use a segment, from its first node to its second (ahead) or back.
WALK = 1
BIKE_AHEAD, BIKE_BACK = 2, 4
CAR_AHEAD, CAR_BACK = 8, 16
_BITS: dict[str, tuple[int, int]] = {
    "walk": (WALK, WALK),
    "bike": (BIKE_AHEAD, BIKE_BACK),
    "car": (CAR_AHEAD, CAR_BACK),
}

_FAST_ROADS = frozenset({"motorway", "motorway_link", "trunk", "trunk_link"})
_NOT_ROADS = frozenset(
    {"construction", "proposed", "abandoned", "platform", "raceway", "bus_guideway", "busway"}
)
_FOOT_ONLY = frozenset({"footway", "pedestrian", "steps", "corridor"})
CAR_KM_PER_HOUR: dict[str, float] = {
    "motorway": 120,
    "motorway_link": 60,
    "trunk": 90,
    "trunk_link": 50,
    "primary": 70,
    "primary_link": 50,
    "secondary": 70,
    "secondary_link": 50,
    "tertiary": 50,
    "tertiary_link": 40,
    "unclassified": 50,
    "residential": 30,
    "living_street": 20,
    "service": 20,
    "road": 30,
}
"""A car's limit by road class where a way has no maxspeed: Belgium's (Flanders: 70 outside
towns, 50 in them, zone 30 in most residential streets)."""
_BELGIAN_LIMITS = {"urban": 50, "rural": 70, "motorway": 120, "zone30": 30, "living_street": 20}
CAR_SPEED_SHARE = 0.8
"""What share of the limit a car averages along a road: junctions, lights and traffic."""
OFF_STREET_KM = 1.0
"""A home or workplace farther than this from the nearest street a mode may use is off the
extract for that mode: its trips keep the estimate."""
MOST_MINUTES = float(MAX_COMMUTE_MINUTES)
"""How far a search along the streets goes: the longest commute anyone may set (a trip not
reached within it is longer than every person's maximum)."""
_SEARCHES_BYTES = 64_000_000
"""Memory for the searches kept (about 500 on the fixtures' map, 50 on a province's)."""
_KEPT_FROM = 64
"""Sets of at least this many places have their nearest nodes kept (a catalog, a caseload)."""
_EPSILON_MINUTES = 1e-6
"""A segment of no length still costs this: a sparse graph's explicit zero is no edge."""


@dataclass(frozen=True)
class Streets:
    """Street nodes (lat, lon) and the segments between them, in metres, with who may use them.

    Files written before cycling and driving were read have no `edge_modes` (nor speeds): every
    segment there is walkable both ways and nothing else."""

    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    edge_from: NDArray[np.int64]
    edge_to: NDArray[np.int64]
    edge_metres: NDArray[np.float64]
    edge_modes: NDArray[np.uint8] | None = None
    """Per segment, WALK | BIKE_AHEAD | BIKE_BACK | CAR_AHEAD | CAR_BACK bits."""
    edge_car_kmh: NDArray[np.float32] | None = None
    """Per segment, a car's limit (km/h; 0 where no car may go)."""
    _networks: dict[tuple[StreetMode, float], StreetNetwork] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def save(self, path: Path) -> None:
        arrays = {f.name: getattr(self, f.name) for f in fields(self) if f.init}
        # Whole or not at all (a temporary file renamed): a running service may read it.
        written = path.with_name(f"{path.name}.new")
        with written.open("wb") as out:
            np.savez_compressed(out, **{k: v for k, v in arrays.items() if v is not None})
        written.replace(path)

    @classmethod
    def load(cls, path: Path) -> Streets:
        with np.load(path) as data:
            return cls(**{name: data[name] for name in data.files})

    @property
    def modes(self) -> NDArray[np.uint8]:
        if self.edge_modes is None:
            return np.full(len(self.edge_from), WALK, dtype=np.uint8)
        return self.edge_modes

    def segments(self, mode: Mode) -> int:
        """How many segments the mode may use (an older walk-only file has no bikes)."""
        ahead, back = _BITS.get(mode, (0, 0))
        return int(np.count_nonzero(self.modes & (ahead | back)))

    def network(self, mode: StreetMode, km_per_hour: float) -> StreetNetwork:
        """The mode's graph in minutes (built once per mode and speed)."""
        key = (mode, km_per_hour)
        found = self._networks.get(key)
        if found is None:
            found = self._networks[key] = StreetNetwork(self, mode, km_per_hour)
        return found

    @cached_property
    def flat(self) -> Callable[[NDArray[np.float64]], NDArray[np.float64]]:
        """(P, 2) lat, lon to metres on a flat map around the extract."""
        scale = float(np.cos(np.radians(self.lat.mean()))) if len(self.lat) else 1.0

        def flat(points: NDArray[np.float64]) -> NDArray[np.float64]:
            metres: NDArray[np.float64] = np.stack(
                [points[:, 0] * _METRES_PER_DEGREE, points[:, 1] * _METRES_PER_DEGREE * scale],
                axis=1,
            )
            return metres

        return flat


class StreetNetwork:
    """One mode's directed graph over the streets it may use, weighted in minutes."""

    def __init__(self, streets: Streets, mode: StreetMode, km_per_hour: float) -> None:
        ahead_bit, back_bit = _BITS[mode]
        modes = streets.modes
        ahead, back = (modes & ahead_bit) != 0, (modes & back_bit) != 0
        if mode == "car":
            assert streets.edge_car_kmh is not None  # car bits come with their speeds
            kmh = streets.edge_car_kmh.astype(np.float64) * CAR_SPEED_SHARE
            self.off_street_kmh = CAR_KM_PER_HOUR["service"] * CAR_SPEED_SHARE
        else:
            kmh = np.full(len(modes), km_per_hour)
            self.off_street_kmh = km_per_hour
        minutes = streets.edge_metres / 1000 / np.maximum(kmh, 1e-9) * 60
        tail = np.concatenate([streets.edge_from[ahead], streets.edge_to[back]])
        head = np.concatenate([streets.edge_to[ahead], streets.edge_from[back]])
        weight = np.maximum(np.concatenate([minutes[ahead], minutes[back]]), _EPSILON_MINUTES)
        # Two ways over the same two nodes: the quicker (a sparse matrix would add them up).
        order = np.lexsort((weight, head, tail))
        tail, head, weight = tail[order], head[order], weight[order]
        first = np.ones(len(tail), dtype=np.bool_)
        first[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
        n = len(streets.lat)
        self.graph = csr_array((weight[first], (tail[first], head[first])), shape=(n, n))
        used = np.bincount(np.concatenate([tail, head]), minlength=n) > 0
        # Only the largest strongly connected piece: a corner on a stray fragment (a cut-off
        # service road, a one-way dead end) reaches nothing, and a trip snapped to it would
        # read "longer than any search" instead of keeping the estimate. Within this piece
        # every node reaches every other, so a search's inf means only "past its limit".
        _, piece = connected_components(self.graph, directed=True, connection="strong")
        sizes = np.bincount(piece[used], minlength=n) if used.any() else np.zeros(1, np.int64)
        self.nodes = np.flatnonzero(used & (piece == int(np.argmax(sizes))))
        """The nodes the mode may start from or arrive at (and get back from)."""
        self._flat = streets.flat
        points = np.stack([streets.lat[self.nodes], streets.lon[self.nodes]], axis=1)
        self._index = cKDTree(self._flat(points)) if len(self.nodes) else None

    def nearest(self, points: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
        """(P,) metres in a straight line to each point's nearest node of the mode, and it."""
        if self._index is None:
            return np.full(len(points), np.inf), np.zeros(len(points), dtype=np.int64)
        metres, at = self._index.query(self._flat(points))
        return np.asarray(metres, dtype=np.float64), self.nodes[np.asarray(at, dtype=np.int64)]

    def off_street_minutes(self, metres: NDArray[np.float64]) -> NDArray[np.float64]:
        minutes: NDArray[np.float64] = metres / 1000 / self.off_street_kmh * 60
        return minutes

    @cached_property
    def reversed_graph(self) -> csr_array:
        """Every segment the other way: searching it from a node finds the minutes to it."""
        return self.graph.T.tocsr()

    def reached(
        self, node: int, most_minutes: float, *, backward: bool = False
    ) -> NDArray[np.float64]:
        """(nodes,) minutes from `node` to every node (backward: from every node to it); inf
        past `most_minutes`."""
        start = np.array([node], dtype=np.int64)
        graph = self.reversed_graph if backward else self.graph
        found: NDArray[np.float64] = dijkstra(
            graph, directed=True, indices=start, limit=most_minutes
        )[0]
        return found


class StreetTravelTimes:
    """Walking, cycling and driving along the streets, home to every workplace at once; other
    modes, and places off the extract, from the estimate. A `TravelTimeModel`."""

    def __init__(
        self,
        streets: Streets,
        *,
        estimate: EstimatedTravelTimes | None = None,
        most_minutes: float = MOST_MINUTES,
        off_street_km: float = OFF_STREET_KM,
    ) -> None:
        self.streets = streets
        self.estimate = estimate or EstimatedTravelTimes()
        self.most_minutes = most_minutes
        self.off_street_km = off_street_km
        self.modes: tuple[StreetMode, ...] = tuple(m for m in STREET_MODES if streets.segments(m))
        # Searches from (or back to) a street node, 4 bytes a node each, within a budget.
        most = max(16, _SEARCHES_BYTES // (4 * max(len(streets.lat), 1)))
        self._searches: Kept[tuple[StreetMode, int, bool], NDArray[np.float32]] = Kept(most)
        self._kept_ends: Kept[
            tuple[StreetMode, bytes], tuple[NDArray[np.float64], NDArray[np.int64]]
        ] = Kept(16)

    def _network(self, mode: StreetMode) -> StreetNetwork:
        """The mode's graph, walking and cycling at the estimate's speeds (cars: the roads')."""
        return self.streets.network(mode, float(getattr(self.estimate, mode).km_per_hour))

    def minutes(
        self, modes: Sequence[Mode], origins: NDArray[np.float64], destinations: NDArray[np.float64]
    ) -> dict[Mode, NDArray[np.float64]]:
        sourced = self.sourced(modes, origins, destinations)
        return {mode: found for mode, (found, _) in sourced.items()}

    def sourced(
        self, modes: Sequence[Mode], origins: NDArray[np.float64], destinations: NDArray[np.float64]
    ) -> dict[Mode, tuple[NDArray[np.float64], NDArray[np.bool_]]]:
        """Per mode, (C, V) minutes and where the streets gave them (elsewhere: the estimate,
        an end being off the extract or the mode not on it): the one place this is decided."""
        estimated = self.estimate.minutes(modes, origins, destinations)
        streets = self.along_streets(modes, origins, destinations)
        result: dict[Mode, tuple[NDArray[np.float64], NDArray[np.bool_]]] = {}
        for mode, guess in estimated.items():
            known = streets.get(mode)
            if known is None:
                result[mode] = (guess, np.zeros(guess.shape, dtype=np.bool_))
                continue
            on_streets = ~np.isnan(known)
            # Both ends snap into one strongly connected piece, so a trip not found is one
            # past the search's reach: longer than it, whatever the estimate says.
            beyond = np.maximum(guess, self.most_minutes + 1)
            found = np.where(on_streets, np.where(np.isinf(known), beyond, known), guess)
            result[mode] = (found, on_streets)
        return result

    def walk_minutes(
        self, origin: tuple[float, float], targets: NDArray[np.float64], *, most_km: float
    ) -> NDArray[np.float64]:
        """(T,) minutes walking from origin to each target along the streets (the straight
        bits to and from the nearest street node included), the estimate's where either end is
        off the extract (or nothing is walkable on it); inf beyond walking `most_km`."""
        walk = self.estimate.walk
        most = most_km / walk.km_per_hour * 60
        origins = np.array([origin], dtype=np.float64)
        minutes = self.estimate.minutes(["walk"], origins, targets)["walk"][0]
        if "walk" in self.modes:
            network = self._network("walk")
            off, node = self._ends("walk", network, np.concatenate([origins, targets]))
            if not np.isnan(off[0]):
                along = off[0] + off[1:] + network.reached(int(node[0]), most)[node[1:]]
                minutes = np.where(np.isnan(along), minutes, along)
        result: NDArray[np.float64] = np.where(minutes <= most, minutes, np.inf)
        return result

    def along_streets(
        self, modes: Sequence[Mode], origins: NDArray[np.float64], destinations: NDArray[np.float64]
    ) -> Mapping[Mode, NDArray[np.float64]]:
        """Per mode the streets carry, (C, V) minutes along them: NaN where an end is off the
        extract, inf where the trip is longer than `most_minutes`."""
        found: dict[Mode, NDArray[np.float64]] = {}
        for mode in self.modes:
            if mode in modes:
                found[mode] = self._street_minutes(mode, origins, destinations)
        return found

    def _street_minutes(
        self, mode: StreetMode, origins: NDArray[np.float64], destinations: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        network = self._network(mode)
        start_minutes, start_node = self._ends(mode, network, origins)
        end_minutes, end_node = self._ends(mode, network, destinations)
        fixed = float(getattr(self.estimate, mode).fixed_minutes)
        result = start_minutes[:, None] + (end_minutes + fixed)[None, :]  # NaN: off the extract
        starts = np.unique(start_node[~np.isnan(start_minutes)]).tolist()
        ends = np.unique(end_node[~np.isnan(end_minutes)]).tolist()
        # Searched from the fewer ends, one search per street node: from each home (a person's
        # shortlist: one home, every vacancy), or back from each workplace (a vacancy's
        # candidates: one workplace, every person); as many: the way already searched (a
        # reason about one trip, after either).
        if len(destinations) != len(origins):
            backward = len(destinations) < len(origins)
        else:
            backward = not self._kept_all(mode, starts, backward=False) and self._kept_all(
                mode, ends, backward=True
            )
        if not backward:
            for node in starts:
                rows = np.flatnonzero((start_node == node) & ~np.isnan(start_minutes))
                result[rows] += self._search(mode, network, node, backward=False)[end_node]
        else:
            for node in ends:
                cols = np.flatnonzero((end_node == node) & ~np.isnan(end_minutes))
                reached = self._search(mode, network, node, backward=True)[start_node]
                result[:, cols] += reached[:, None]
        return result

    def _kept_all(self, mode: StreetMode, nodes: list[int], *, backward: bool) -> bool:
        return all(self._searches.get((mode, node, backward)) is not None for node in nodes)

    def _ends(
        self, mode: StreetMode, network: StreetNetwork, points: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
        """(P,) minutes off the street to each point's nearest node of the mode (NaN: farther
        than off_street_km, off the extract), and the node. Kept for sets of points: the same
        vacancies (or people) are asked about again; a few shown ones are quicker found."""
        kept = len(points) >= _KEPT_FROM
        key = (mode, points.tobytes())
        found = self._kept_ends.get(key) if kept else None
        if found is None:
            metres, node = network.nearest(points)
            minutes = network.off_street_minutes(metres)
            minutes[metres > self.off_street_km * 1000] = np.nan
            found = (minutes, node)
            if kept:
                self._kept_ends.put(key, found)
        return found

    def prepare(self, destinations: NDArray[np.float64]) -> None:
        """Find the workplaces' nearest street nodes now (at fit), not on the first shortlist."""
        for mode in self.modes:
            self._ends(mode, self._network(mode), destinations)

    def _search(
        self, mode: StreetMode, network: StreetNetwork, node: int, *, backward: bool
    ) -> NDArray[np.float32]:
        key = (mode, node, backward)
        found = self._searches.get(key)
        if found is None:
            reached = network.reached(node, self.most_minutes, backward=backward)
            found = self._searches.put(key, reached.astype(np.float32))
        return found

    def running(self, mode: Mode, minute_of_day: NDArray[np.int64]) -> NDArray[np.bool_]:
        return self.estimate.running(mode, minute_of_day)


def _car_kmh(tags: Mapping[str, str], highway: str) -> float:
    """A way's limit: its maxspeed (km/h, mph, or Belgium's zones), else its class's."""
    given = tags.get("maxspeed", "")
    number = re.match(r"\s*(\d+(?:\.\d+)?)\s*(mph)?", given)
    if number:
        kmh = float(number.group(1)) * (1.609 if number.group(2) else 1.0)
        if kmh > 0:
            return kmh
    zone = given.split(":")[-1].lower()
    return float(_BELGIAN_LIMITS.get(zone, CAR_KM_PER_HOUR.get(highway, 0.0)))


def _yes(value: str | None) -> bool:
    return value in ("yes", "designated", "permissive", "destination")


def way_modes(tags: Mapping[str, str]) -> tuple[int, float]:
    """The WALK, BIKE_* and CAR_* bits of a way with these OpenStreetMap tags, and a car's
    limit on it (0 where no car may go)."""
    highway = tags.get("highway")
    if highway is None or highway in _NOT_ROADS:
        return 0, 0.0
    closed = tags.get("access") in ("no", "private")
    walk = (
        highway not in _FAST_ROADS
        and tags.get("foot") != "no"
        and (not closed or _yes(tags.get("foot")))
    )
    bicycle = tags.get("bicycle")
    bike = (
        highway not in _FAST_ROADS
        and bicycle != "no"
        and (highway not in _FOOT_ONLY or _yes(bicycle))
        and (not closed or _yes(bicycle))
    )
    motor = tags.get("motorcar", tags.get("motor_vehicle"))
    car = (
        highway in CAR_KM_PER_HOUR
        and motor != "no"
        and (not closed or _yes(motor))
        and tags.get("area") != "yes"
    )
    oneway = tags.get("oneway", "")
    if oneway in ("yes", "true", "1"):
        car_way = CAR_AHEAD
    elif oneway in ("-1", "reverse"):
        car_way = CAR_BACK
    elif oneway != "no" and (
        highway in ("motorway", "motorway_link") or tags.get("junction") == "roundabout"
    ):
        car_way = CAR_AHEAD  # implied: motorways' carriageways and roundabouts are one-way
    else:
        car_way = CAR_AHEAD | CAR_BACK
    # Cyclists keep to one-way streets too, except where signs let them ride against it.
    against = tags.get("oneway:bicycle") == "no" or tags.get("cycleway", "").startswith("opposite")
    bike_way = BIKE_AHEAD | BIKE_BACK
    if car_way == CAR_AHEAD and not against:
        bike_way = BIKE_AHEAD
    elif car_way == CAR_BACK and not against:
        bike_way = BIKE_BACK
    bits = (WALK if walk else 0) | (bike_way if bike else 0) | (car_way if car else 0)
    return bits, (_car_kmh(tags, highway) if car else 0.0)


def read_osm(path: Path) -> Streets:
    """The ways of an .osm.pbf (or .osm) extract someone may walk, cycle or drive on;
    ValueError if it has none."""
    import osmium

    nodes: dict[int, int] = {}
    lat: list[float] = []
    lon: list[float] = []
    edges: list[tuple[int, int]] = []
    edge_modes: list[int] = []
    edge_kmh: list[float] = []

    class Ways(osmium.SimpleHandler):
        def way(self, way: osmium.osm.Way) -> None:
            bits, kmh = way_modes(dict(way.tags))
            if not bits:
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
                    edge_modes.append(bits)
                    edge_kmh.append(kmh)
                previous = k

    Ways().apply_file(str(path), locations=True)
    if not edges:
        raise ValueError(f"{path.name}: no walkable streets (ways with a highway tag)")
    pairs = np.array(edges, dtype=np.int64)
    la, lo = np.array(lat), np.array(lon)
    scale = np.cos(np.radians(la.mean()))
    north = (la[pairs[:, 0]] - la[pairs[:, 1]]) * _METRES_PER_DEGREE
    east = (lo[pairs[:, 0]] - lo[pairs[:, 1]]) * _METRES_PER_DEGREE * scale
    return Streets(
        la,
        lo,
        pairs[:, 0].copy(),
        pairs[:, 1].copy(),
        np.hypot(north, east),
        np.array(edge_modes, dtype=np.uint8),
        np.array(edge_kmh, dtype=np.float32),
    )
