"""Shortlist lines as comparable tuples, from the engine and from a batch, for the batch tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from matcher import FEATURES, Candidate, Engine, Vacancy

Line = tuple[Any, ...]


def expected_lines(
    engine: Engine, people: Iterable[Candidate], *, top: int, include_blocked: bool
) -> dict[str, list[Line]]:
    """Each person's shortlist as `Engine.shortlist` ranks it, over every open vacancy."""
    expected: dict[str, list[Line]] = {}
    for person in people:
        shortlist = engine.shortlist(person, top=top, include_blocked=include_blocked)
        lines = []
        for name, matches in (
            ("results", shortlist.results),
            ("near_misses", shortlist.near_misses),
        ):
            for rank, m in enumerate(matches or [], start=1):
                lines.append(
                    (
                        name,
                        rank,
                        m.vacancy_id,
                        round(m.score, 4),
                        m.blocked,
                        ",".join(m.blocked_by),
                        *(round(m.features[f].score, 4) for f in FEATURES),
                        m.features["commute"].extra["minutes"],
                    )
                )
        expected[str(person.id)] = lines
    return expected


def batch_lines(rows: Iterable[dict[str, Any]]) -> dict[str, list[Line]]:
    """Lines (from `Lines.rows()` or a table) per person, in the same shape."""
    got: dict[str, list[Line]] = {}
    for row in rows:
        got.setdefault(row["candidate_id"], []).append(
            (
                row["list"],
                row["rank"],
                row["vacancy_id"],
                row["score"],
                row["blocked"],
                row["blocked_by"],
                *(row[f] for f in FEATURES),
                row["commute_minutes"],
            )
        )
    return got


def without_empty(lines: dict[str, list[Line]]) -> dict[str, list[Line]]:
    return {who: found for who, found in lines.items() if found}


def spread(vacancies: Sequence[Vacancy], points: Sequence[tuple[float, float]]) -> list[Vacancy]:
    """The vacancies moved to these points, one each, in turn."""
    return [
        v.model_copy(update={"location": v.location.model_copy(update={"lat": lat, "lon": lon})})
        for v, (lat, lon) in zip(vacancies, points, strict=False)
    ]
