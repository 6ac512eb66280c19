"""Door-to-door travel time estimates by mode, behind an interface a real router can replace.

The estimate is deliberately simple and honest about it: crow-fly distance times a detour factor,
divided by a typical speed, plus fixed minutes for getting to and from the vehicle and (for public
transport) waiting. Public transport is assumed not to run between 00:30 and 05:30, which is
roughly when De Lijn's trams and buses in the Antwerp region stop. A journey planner that knows
the real timetable (for example one built on De Lijn's GTFS feed) can implement `TravelTimeModel`
and be handed to `CommuteFeature` instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, Field

from matcher.models import MINUTES_PER_DAY
from matcher.travel.geo import EARTH_RADIUS_KM

Mode = Literal["walk", "bike", "public_transport", "car", "employer_transport"]
MODES: tuple[Mode, ...] = ("walk", "bike", "public_transport", "car", "employer_transport")
MODE_NAMES: dict[str, str] = {
    "walk": "on foot",
    "bike": "by bike",
    "public_transport": "by public transport",
    "car": "by car",
    "employer_transport": "with the employer's transport",
}


KM_PER_DEGREE = EARTH_RADIUS_KM * np.pi / 180


def regional_km(
    origins: NDArray[np.float64], destinations: NDArray[np.float64]
) -> NDArray[np.float64]:
    """(C, V) crow-fly km on a flat map around each origin.

    Within a region (under ~200 km) this differs from the great-circle distance by well under
    1%, far less than the detour factors' own uncertainty, at a third of haversine's cost.
    """
    scale_lon = KM_PER_DEGREE * np.cos(np.radians(origins[:, 0]))[:, None]
    north = (destinations[None, :, 0] - origins[:, None, 0]) * KM_PER_DEGREE
    east = (destinations[None, :, 1] - origins[:, None, 1]) * scale_lon
    km: NDArray[np.float64] = np.hypot(north, east)
    return km


class TravelTimeModel(Protocol):
    """What the commute feature needs from a travel planner."""

    def minutes(
        self,
        modes: Sequence[Mode],
        origins: NDArray[np.float64],
        destinations: NDArray[np.float64],
    ) -> dict[Mode, NDArray[np.float64]]:
        """Per mode, (C, V) door-to-door minutes from origins (C, 2: lat, lon) to destinations."""
        ...

    def running(self, mode: Mode, minute_of_day: NDArray[np.int64]) -> NDArray[np.bool_]:
        """Whether one can set off or arrive with this mode at these minutes of the day."""
        ...


class ModeEstimate(BaseModel):
    detour: float = Field(gt=0)
    """Road or track distance over crow-fly distance."""
    km_per_hour: float = Field(gt=0)
    """Typical speed while moving, stops included."""
    fixed_minutes: float = Field(ge=0)
    """Walking to the stop or parking, and waiting, added to every trip."""


class EstimatedTravelTimes(BaseModel):
    """Distance-based estimates; figures are typical for Antwerp and stated here to be tuned."""

    walk: ModeEstimate = ModeEstimate(detour=1.3, km_per_hour=4.8, fixed_minutes=0)
    bike: ModeEstimate = ModeEstimate(detour=1.25, km_per_hour=15, fixed_minutes=2)
    # Access and egress walks (about 5 min each) plus half a typical 12-minute headway.
    public_transport: ModeEstimate = ModeEstimate(detour=1.4, km_per_hour=22, fixed_minutes=16)
    car: ModeEstimate = ModeEstimate(detour=1.35, km_per_hour=40, fixed_minutes=7)
    # A shuttle from a pick-up point: car speed plus getting to the pick-up point.
    employer_transport: ModeEstimate = ModeEstimate(detour=1.35, km_per_hour=40, fixed_minutes=15)
    public_transport_stops: tuple[int, int] = (30, 5 * 60 + 30)
    """Minutes after midnight between which no tram or bus runs (00:30 to 05:30)."""

    def minutes(
        self,
        modes: Sequence[Mode],
        origins: NDArray[np.float64],
        destinations: NDArray[np.float64],
    ) -> dict[Mode, NDArray[np.float64]]:
        km = regional_km(origins, destinations)
        result: dict[Mode, NDArray[np.float64]] = {}
        for mode in modes:
            est: ModeEstimate = getattr(self, mode)
            result[mode] = est.fixed_minutes + km * (est.detour * 60 / est.km_per_hour)
        return result

    def reach_km(self, mode: Mode, minutes: float) -> float:
        """The farthest crow-fly km (as `regional_km` measures) a trip by `mode` of at most
        `minutes` can span; negative when even a trip of no distance takes longer. Every
        estimate grows with distance, so no destination farther than this is within `minutes`,
        at any hour: what batch shortlists use to skip out-of-reach pairs before scoring."""
        est: ModeEstimate = getattr(self, mode)
        return (minutes - est.fixed_minutes) / (est.detour * 60 / est.km_per_hour)

    def running(self, mode: Mode, minute_of_day: NDArray[np.int64]) -> NDArray[np.bool_]:
        if mode != "public_transport":
            return np.ones(np.shape(minute_of_day), dtype=np.bool_)
        stop, resume = self.public_transport_stops
        t = np.mod(minute_of_day, MINUTES_PER_DAY)
        result: NDArray[np.bool_] = (t <= stop) | (t >= resume)
        return result
