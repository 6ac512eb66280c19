"""Barriers: which single change unblocks most vacancies, for one person and for the programme."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Response, status
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from matcher import BarrierStats, Candidate, barrier_stats
from matcher.planning.barriers import analyse_barriers, scored_rows
from matcher.reasons import Language
from matcher.runtime import release_memory
from service import store
from service.catalog import Catalog
from service.deps import (
    CatalogDep,
    Coordinator,
    PeopleReader,
    ReaderLanguage,
    SessionDep,
    in_language,
)
from service.routers import CandidateId, errors

router = APIRouter(tags=["barriers"])

STATS_GROUP = 4
"""People scored per turn at the scoring gate, so that shortlists are not held up for seconds
(four people with their changes at 100,000 vacancies take some 0.7 s)."""
STATS_PAIRS = 24_000_000
"""Most (row, open vacancy) pairs `/stats/barriers` scores, a row being a person or one of their
changes: under 5 s on one idle core (measured: 5.5 s for 30 people, 288 rows x 101,500
vacancies). The fixtures' 1,500 vacancies x 290 ready people are 4.2 million; at 100,000
vacancies 24 million is some 236 rows, about 24 people (`?sample=`)."""


def stats_pair_limit() -> int:
    """A dependency, so that tests can lower the bound (`app.dependency_overrides`)."""
    return STATS_PAIRS


StatsPairLimit = Annotated[int, Depends(stats_pair_limit)]


class TopEntry(BaseModel):
    vacancy_id: str
    title: str
    employer: str
    score: float = Field(ge=0, le=1, description="The score with the change")
    score_before: float = Field(ge=0, le=1)
    blocked_before: bool


class ChangeEffect(BaseModel):
    code: str = Field(description="Stable: dutch_up_1, bike, care_early, commute_plus_15, ...")
    label: str
    params: dict[str, Any]
    unblocked: int = Field(description="Open vacancies blocked now and not with the change")
    new_in_top: list[TopEntry] = Field(
        description="Vacancies that enter the top list with the change, best first"
    )


class BarrierReport(BaseModel):
    """A person's changes, most vacancies unblocked first, then most new in the top list."""

    candidate_id: str
    weights_version: int
    open_vacancies: int
    blocked: int
    top: int
    changes: list[ChangeEffect]


class ChangeStats(BaseModel):
    code: str
    label: str
    applicable: int = Field(description="People to whom the change applies")
    people: int = Field(description="People for whom it unblocks at least one vacancy")
    unblocked: int = Field(description="Vacancies unblocked, summed over people")
    best_for: int = Field(description="People for whom it unblocks the most")


class BarrierStatsOut(BaseModel):
    """Over all `ready` candidates: the changes helping most people first."""

    weights_version: int
    ready_candidates: int = Field(description="People `ready` now, scored or not (`sample`)")
    candidates: int = Field(description="People scored")
    open_vacancies: int
    blocked: int = Field(description="(person, vacancy) pairs blocked now, summed over people")
    changes: list[ChangeStats]


@router.get(
    "/candidates/{candidate_id}/barriers",
    response_model=BarrierReport,
    responses=errors(401, 403, 404),
)
def candidate_barriers(
    session: SessionDep,
    _: PeopleReader,
    catalog: CatalogDep,
    candidate_id: CandidateId,
    language: ReaderLanguage,
    response: Response,
    top: Annotated[int, Query(ge=1, le=100, description="Size of the top list")] = 10,
) -> dict[str, Any]:
    """What would unlock the most vacancies for this person: a Dutch course, a bike, a driving
    licence, childcare at other hours, a longer commute; each scored against every open
    vacancy, with the best vacancies it would bring into their top list."""
    candidate = store.get_candidate(session, candidate_id=candidate_id)
    if candidate is None:
        raise store.NotFound(f"no candidate with id '{candidate_id}'")
    engine = catalog.current(session).engine
    with catalog.scoring:
        report = analyse_barriers(engine, candidate, top=top)
    response.headers.update(in_language(language))
    return report.as_dict(language)


@router.get(
    "/stats/barriers",
    response_model=BarrierStatsOut,
    responses={
        **errors(401, 403),
        422: {"description": "Too much to score at once: the message says how far to sample"},
    },
)
def programme_barriers(
    session: SessionDep,
    _: Coordinator,
    catalog: CatalogDep,
    limit: StatsPairLimit,
    language: ReaderLanguage,
    response: Response,
    sample: Annotated[
        int | None,
        Query(
            ge=1,
            le=100_000,
            description="Score only this many `ready` people, spread evenly over them in id "
            "order (for when there are too many to score at once)",
        ),
    ] = None,
) -> dict[str, Any]:
    """For coordinators: over all `ready` candidates, which change unblocks vacancies for the
    most people, so the programme knows where a course or a childcare deal pays off most.
    Every person is scored under each change against every open vacancy; when that is more
    than the service scores at once, the answer is 422 and names the `sample` that fits."""
    overview = barrier_overview(session, catalog, limit=limit, language=language, sample=sample)
    response.headers.update(in_language(language))
    return overview


def barrier_overview(
    session: Session,
    catalog: Catalog,
    *,
    limit: int,
    language: Language,
    sample: int | None = None,
) -> dict[str, Any]:
    """The barriers over `ready` people as `GET /stats/barriers` gives them (422 when too many
    pairs to score at once: the message names the sample that fits)."""
    everyone: list[Candidate] = catalog.candidates_at(session, stages=["ready"])
    people = _spread(everyone, sample)
    engine = catalog.current(session).engine
    n_open = len(engine.vacancies_)
    rows = scored_rows(people)
    if rows * n_open > limit:
        per_person = rows / max(len(people), 1)
        fits = int(limit // max(n_open * per_person, 1))
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            [
                {
                    "loc": ["query", "sample"],
                    "msg": f"{len(people)} ready people under their changes ({rows} rows) "
                    f"against {n_open} open vacancies are {rows * n_open} pairs to score, more "
                    f"than this service scores at once ({limit}); ask for ?sample={max(fits, 1)} "
                    "or fewer",
                    "type": "value_error",
                }
            ],
        )
    try:
        stats = BarrierStats(open_vacancies=n_open)
        for first in range(0, len(people), STATS_GROUP):
            with catalog.scoring:
                stats = stats.merge(barrier_stats(engine, people[first : first + STATS_GROUP]))
    finally:
        release_memory()
    return {
        "weights_version": engine.weights.version,
        "ready_candidates": len(everyone),
        **stats.as_dict(language),
    }


def _spread(people: list[Candidate], sample: int | None) -> list[Candidate]:
    """`sample` of the people, evenly spaced in their (id) order; all of them without one."""
    if sample is None or sample >= len(people):
        return people
    return [people[i * len(people) // sample] for i in range(sample)]
