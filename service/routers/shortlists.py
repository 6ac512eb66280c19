"""Shortlists both ways: vacancies for a candidate, candidates for a vacancy."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query, Response

from matcher import Candidate
from matcher.models import Stage
from service import store
from service.deps import CatalogDep, PeopleReader, SessionDep, ShortlistCacheDep
from service.routers import CandidateId, VacancyId, errors
from service.schemas import CandidateShortlist, VacancyShortlist

router = APIRouter(tags=["shortlists"])

IncludeBlocked = Annotated[
    bool, Query(description="Also list blocked matches, with what blocks them (near misses)")
]


def _json(body: object) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@router.get(
    "/candidates/{candidate_id}/shortlist",
    response_model=CandidateShortlist,
    responses=errors(401, 403, 404),
)
def candidate_shortlist(
    session: SessionDep,
    _: PeopleReader,
    catalog: CatalogDep,
    cache: ShortlistCacheDep,
    candidate_id: CandidateId,
    top: Annotated[int, Query(ge=1, le=100)] = 10,
    include_blocked: IncludeBlocked = False,
) -> Response:
    """The open vacancies that suit this person best, and why (closed ones never appear)."""
    data = store.get_candidate_data(session, candidate_id=candidate_id)
    if data is None:
        raise store.NotFound(f"no candidate with id '{candidate_id}'")
    fitted = catalog.current(session)
    key = cache.key(data, fitted, "candidate", top, include_blocked)
    body = cache.get(key)
    if body is None:
        candidate = Candidate.model_validate(data)
        with catalog.scoring:
            shortlist = fitted.engine.shortlist(candidate, top=top, include_blocked=include_blocked)
            body = _json(shortlist.as_dict())
        cache.put(key, candidate_id, body)
    return Response(body, media_type="application/json")


@router.get(
    "/vacancies/{vacancy_id}/shortlist",
    response_model=VacancyShortlist,
    responses=errors(401, 403, 404),
)
def vacancy_shortlist(
    session: SessionDep,
    _: PeopleReader,
    catalog: CatalogDep,
    vacancy_id: VacancyId,
    top: Annotated[int, Query(ge=1, le=100)] = 20,
    include_blocked: IncludeBlocked = False,
    stage: Annotated[
        list[Stage] | None, Query(description="Candidates at these stages (default: ready)")
    ] = None,
) -> Response:
    """The people who suit this vacancy best; works for closed vacancies too (looking back)."""
    vacancy = store.get_vacancy(session, vacancy_id=vacancy_id)
    if vacancy is None:
        raise store.NotFound(f"no vacancy with id '{vacancy_id}'")
    people = store.candidates_at(session, stages=stage or ["ready"])
    engine = catalog.current(session).engine
    with catalog.scoring:
        shortlist = engine.rank_candidates(
            vacancy, people, top=top, include_blocked=include_blocked
        )
        body = _json(shortlist.as_dict())
    return Response(body, media_type="application/json")
