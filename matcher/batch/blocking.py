"""Blocking: the vacancies within a person's reach, found with a spatial index before scoring."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from matcher.engine import Engine
from matcher.features.commute import candidate_modes
from matcher.models import Candidate
from matcher.travel.estimate import KM_PER_DEGREE, EstimatedTravelTimes

Columns = NDArray[np.int64]

_SLACK_KM = 1e-6
"""Added to every radius, so that a vacancy exactly at the edge is never lost to rounding."""


@dataclass(frozen=True)
class Radius:
    """How far one person can get within their maximum commute, in crow-fly km."""

    own_km: float
    """With the modes they have (walking, and what they named; a car only with a licence)."""
    with_employer_km: float
    """Also with an employer's transport: only at vacancies that provide it."""


class Reach:
    """Which of an engine's vacancies a person could reach within their maximum commute at the
    fastest mode they have; every other one the engine would block on commute, whatever the
    shift hours, so a batch never scores it.

    The bound comes from the distance estimates (`EstimatedTravelTimes.reach_km`): with another
    travel model, or with commute weighted zero (it then blocks nothing), everything is in
    reach and nothing is skipped.
    """

    def fit(self, engine: Engine) -> Reach:
        """Index the engine's vacancies by where they are."""
        commute = engine.commute_
        self.columns_ = len(engine.vacancies_)
        travel = commute.travel
        # The estimate itself only, as the bounds check it: a subclass may be quicker than
        # the estimate's reach says, and a pair it reaches would be dropped.
        self.travel_ = travel if type(travel) is EstimatedTravelTimes else None
        self.blocks_ = self.travel_ is not None and engine.weights.weights["commute"] > 0
        points = commute.destinations_
        # Tree coordinates in km: north, and east at the narrowest degree of longitude among
        # the vacancies, so a tree distance is never longer than the engine's own (`regional_km`
        # measures east at the person's latitude; see `_query_km` for people further north).
        self.top_latitude_ = float(points[:, 0].max()) if len(points) else 0.0
        self.east_scale_ = KM_PER_DEGREE * math.cos(math.radians(self.top_latitude_))
        self.all_ = cKDTree(self._flat(points)) if len(points) else None
        self.transport_columns_ = np.flatnonzero(commute.transport_provided_).astype(np.int64)
        provided = points[self.transport_columns_]
        self.transport_ = cKDTree(self._flat(provided)) if len(provided) else None
        return self

    def _flat(self, points: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.stack([points[:, 0] * KM_PER_DEGREE, points[:, 1] * self.east_scale_], axis=1)

    def radius(self, candidate: Candidate) -> Radius:
        """How far this person gets within their maximum commute (infinite when not bounded)."""
        if self.travel_ is None or not self.blocks_:
            return Radius(math.inf, math.inf)
        limit = float(candidate.max_commute_minutes)
        own = max(self.travel_.reach_km(m, limit) for m in candidate_modes(candidate))
        employer = self.travel_.reach_km("employer_transport", limit)
        return Radius(own, max(own, employer))

    def _query_km(self, latitude: float, km: float) -> float:
        """The tree radius that holds every vacancy within `km` of a person at `latitude`: at
        or south of the northernmost vacancy a tree km is never longer than the engine's; north
        of it, east-west tree km are longer by up to the ratio of the cosines."""
        stretch = max(1.0, self.east_scale_ / (KM_PER_DEGREE * math.cos(math.radians(latitude))))
        return km * stretch * (1 + 1e-9) + _SLACK_KM

    def columns(self, point: tuple[float, float], radius: Radius) -> Columns:
        """The engine's columns (ascending) within `radius` of `point` (lat, lon): a superset
        of those the engine does not block on commute for anyone that far from there."""
        if math.isinf(radius.with_employer_km):
            return np.arange(self.columns_, dtype=np.int64)
        found: list[Columns] = []
        here = self._flat(np.array([point], dtype=np.float64))[0]
        if self.all_ is not None and radius.own_km >= 0:
            km = self._query_km(point[0], radius.own_km)
            found.append(np.asarray(self.all_.query_ball_point(here, km), dtype=np.int64))
        if self.transport_ is not None and radius.with_employer_km > max(radius.own_km, 0):
            km = self._query_km(point[0], radius.with_employer_km)
            near = np.asarray(self.transport_.query_ball_point(here, km), dtype=np.int64)
            found.append(self.transport_columns_[near])
        if not found:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(found)).astype(np.int64)

    def reachable(self, candidate: Candidate) -> Columns:
        """The columns within this person's reach."""
        return self.columns(candidate.home.coordinates, self.radius(candidate))
