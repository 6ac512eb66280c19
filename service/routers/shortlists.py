"""Shortlists both ways: vacancies for a candidate, candidates for a vacancy."""

from __future__ import annotations

import json
from typing import Annotated

import anyio.to_thread
import numpy as np
from fastapi import APIRouter, Query, Response
from sqlalchemy.orm import Session, sessionmaker

from matcher import Candidate, Shortlist
from matcher.engine import rank_keys
from matcher.models import Stage
from service import store
from service.catalog import CachedShortlist, Catalog, Fitted, ShortlistCache
from service.deps import (
    PEOPLE_READERS,
    ApiKey,
    CatalogDep,
    PeopleReader,
    SessionDep,
    SessionsDep,
    ShortlistCacheDep,
    authorize,
)
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
async def candidate_shortlist(
    api_key: ApiKey,
    sessions: SessionsDep,
    catalog: CatalogDep,
    cache: ShortlistCacheDep,
    candidate_id: CandidateId,
    top: Annotated[int, Query(ge=1, le=100)] = 10,
    include_blocked: IncludeBlocked = False,
) -> Response:
    """The open vacancies that suit this person best, and why (closed ones never appear)."""
    # The request jobhunters make most, and the one exception to plain `def` routes with a
    # session per request: checking the key, reading the person and the catalog version, and
    # scoring happen in one trip to the thread pool, in a session of their own. Each trip costs
    # about as much as a cached shortlist, and the usual dependencies take three (measured:
    # twice the requests per second at 32 clients).
    body = await anyio.to_thread.run_sync(
        _candidate_shortlist,
        sessions,
        api_key,
        catalog,
        cache,
        candidate_id,
        top,
        include_blocked,
        limiter=catalog.shortlist_threads,
    )
    return Response(body, media_type="application/json")


def _candidate_shortlist(
    sessions: sessionmaker[Session],
    api_key: str,
    catalog: Catalog,
    cache: ShortlistCache,
    candidate_id: str,
    top: int,
    include_blocked: bool,
) -> bytes:
    with sessions.begin() as session:
        authorize(session, api_key, PEOPLE_READERS)
        stored = store.get_candidate_text(session, candidate_id=candidate_id)
        if stored is None:
            raise store.NotFound(f"no candidate with id '{candidate_id}'")
        fitted = catalog.current(session)
    key = cache.key(stored, fitted, "candidate", top, include_blocked)
    cached = cache.get(key)
    if cached is not None and cached.catalog_version >= fitted.catalog_version:
        return cached.body
    with catalog.scoring:
        entry = None
        if cached is not None:
            entry = cache.revalidated(cached, fitted, include_blocked=include_blocked)
        if entry is None:
            candidate = Candidate.model_validate_json(stored)
            shortlist = fitted.engine.shortlist(candidate, top=top, include_blocked=include_blocked)
            entry = _entry(fitted, shortlist, top, candidate)
    cache.put(key, candidate_id, entry)
    return entry.body


def _entry(fitted: Fitted, shortlist: Shortlist, top: int, candidate: Candidate) -> CachedShortlist:
    results = shortlist.results
    last = None
    if len(results) == top:
        end = results[-1]
        key = rank_keys(np.array([end.score]), np.array([end.blocked]))
        last = (float(key[0]), end.vacancy_id or "")
    return CachedShortlist(
        catalog_version=fitted.catalog_version,
        body=_json(shortlist.as_dict()),
        vacancy_ids=frozenset(m.vacancy_id for m in results if m.vacancy_id),
        last=last,
        candidate=candidate,
        lines=tuple(results),
    )


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
    people = catalog.candidates_at(session, stages=stage or ["ready"])
    engine = catalog.current(session).engine
    with catalog.scoring:
        shortlist = engine.rank_candidates(
            vacancy, people, top=top, include_blocked=include_blocked
        )
        body = _json(shortlist.as_dict())
    return Response(body, media_type="application/json")
