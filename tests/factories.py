"""Valid candidates and vacancies with sensible defaults, for tests to vary one thing at a time."""

from __future__ import annotations

import math
from typing import Any

from matcher import Candidate, Vacancy

ANTWERP = (51.2194, 4.4025)
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def point_east(km: float, origin: tuple[float, float] = ANTWERP) -> dict[str, float]:
    """A location `km` kilometres due east of origin (crow-fly)."""
    lat, lon = origin
    return {"lat": lat, "lon": lon + km / (111.32 * math.cos(math.radians(lat)))}


def make_candidate(**fields: Any) -> Candidate:
    data: dict[str, Any] = {
        "id": "c-test",
        "home": {"lat": ANTWERP[0], "lon": ANTWERP[1]},
        "languages": {"uk": "native", "en": "B1"},
        "skills": [],
        "occupations": [],
        "transport": ["public_transport"],
        "driving_licence": False,
        "max_commute_minutes": 60,
        "availability": None,
        "hours_per_week": None,
        "stage": "ready",
    }
    data.update(fields)
    return Candidate.model_validate(data)


def make_vacancy(**fields: Any) -> Vacancy:
    data: dict[str, Any] = {
        "id": "v-test",
        "employer": "Testbedrijf NV",
        "title": "Magazijnmedewerker",
        "location": point_east(1.0),
        "skills_required": [],
        "skills_preferred": [],
        "language": {"dutch": None, "contact_languages": ["en"], "contact_level": "A2"},
        "shifts": [{"days": WEEKDAYS, "start": "09:00", "end": "17:00"}],
        "shift_pattern": "all",
        "hours_per_week": 38,
        "positions": 1,
        "transport_provided": False,
        "driving_licence_required": False,
        "status": "open",
    }
    data.update(fields)
    return Vacancy.model_validate(data)


def dutch_required(level: str) -> dict[str, Any]:
    return {"dutch": level, "contact_languages": [], "contact_level": None}
