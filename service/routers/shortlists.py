"""Shortlists both ways: vacancies for a candidate, candidates for a vacancy."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import anyio.to_thread
import numpy as np
from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session, sessionmaker

from matcher import Candidate, Shortlist
from matcher.engine import rank_keys
from matcher.models import Stage
from matcher.reasons import DEFAULT_LANGUAGE, Language
from service import documents, record, store
from service.catalog import CachedShortlist, Catalog, Fitted, ShortlistCache, body_bytes
from service.deps import (
    PEOPLE_READERS,
    ApiKey,
    CatalogDep,
    PeopleReader,
    ReaderLanguage,
    SessionDep,
    SessionsDep,
    ShortlistCacheDep,
    authorize,
    in_language,
)
from service.documents import tables
from service.formats import VARY, DocumentKind, document_responses
from service.routers import CandidateId, VacancyId, errors
from service.schemas import CandidateShortlist, VacancyShortlist
from service.settings import Settings

router = APIRouter(tags=["shortlists"])

_DOCUMENTS = document_responses("csv", "xlsx", "pdf")


def _json_headers(language: Language) -> dict[str, str]:
    return {**in_language(language), "Vary": VARY}


IncludeBlocked = Annotated[
    bool, Query(description="Also list blocked matches, with what blocks them (near misses)")
]
IncludeHistory = Annotated[
    bool,
    Query(
        description="Also list the pairs that already have an application (in progress or"
        " ended), marked with what happened; by default they are left out"
    ),
]


@router.get(
    "/candidates/{candidate_id}/shortlist",
    response_model=CandidateShortlist,
    responses={**_DOCUMENTS, **errors(401, 403, 404)},
)
async def candidate_shortlist(
    request: Request,
    api_key: ApiKey,
    kind: DocumentKind,
    sessions: SessionsDep,
    catalog: CatalogDep,
    cache: ShortlistCacheDep,
    candidate_id: CandidateId,
    language: ReaderLanguage,
    top: Annotated[int, Query(ge=1, le=100)] = 10,
    include_blocked: IncludeBlocked = False,
    include_history: IncludeHistory = False,
    any_stage: Annotated[
        bool,
        Query(
            description="Shortlist a person who is not looking (placed, follow_up, closed) too;"
            " without it their shortlist is empty and says why"
        ),
    ] = False,
) -> Response:
    """The open vacancies that suit this person best, and why (closed and filled ones never
    appear). Vacancies already proposed to them, or that ended (rejected, withdrawn, hired), are
    left out unless `include_history=true`, which lists them marked; a rejection comes back,
    marked, once older than MATCHER_REJECTION_EXPIRES_MONTHS (if set).

    With `?format=csv|xlsx|pdf` (or Accept: text/csv, ...) the same lines as a sheet, or as one
    printed page for an employer visit (the reasons in the reader's language)."""
    # The request jobhunters make most, and the one exception to plain `def` routes with a
    # session per request: checking the key, reading the person and the catalog version, and
    # scoring happen in one trip to the thread pool, in a session of their own. Each trip costs
    # about as much as a cached shortlist, and the usual dependencies take three (measured:
    # twice the requests per second at 32 clients).
    body = await anyio.to_thread.run_sync(
        candidate_shortlist_body,
        sessions,
        api_key,
        catalog,
        cache,
        request.app.state.settings,
        candidate_id,
        Asked(top, include_blocked, include_history, any_stage, language),
        limiter=catalog.shortlist_threads,
    )
    if kind is not None:
        return await anyio.to_thread.run_sync(candidate_document, body, language, kind)
    return Response(body, media_type="application/json", headers=_json_headers(language))


def candidate_document(body: bytes, language: Language, kind: str) -> Response:
    """The person's shortlist (its JSON body) as a sheet or a printed page: the API's and the
    pages' downloads are the one document."""
    return documents.respond(tables.candidate_shortlist(json.loads(body), language), kind)


@dataclass(frozen=True)
class Asked:
    top: int
    include_blocked: bool
    include_history: bool
    any_stage: bool
    language: Language


def candidate_shortlist_body(
    sessions: sessionmaker[Session],
    api_key: str | None,
    catalog: Catalog,
    cache: ShortlistCache,
    settings: Settings,
    candidate_id: str,
    asked: Asked,
) -> bytes:
    """The person's shortlist as the API answers it (JSON), from the cache when it still holds;
    the key is checked here, or (None) by a caller that checked a session already (the pages)."""
    with sessions.begin() as session:
        if api_key is not None:
            authorize(session, api_key, PEOPLE_READERS)
        found = store.candidate_with_record(session, candidate_id=candidate_id)
        if found is None:
            raise store.NotFound(f"no candidate with id '{candidate_id}'")
        # The person's record travels with their data: a proposal or a step changes the key,
        # so a cached shortlist never offers a vacancy that was proposed since.
        stored, recorded = found
        fitted = catalog.current(session)
        key = cache.key(stored, fitted, "candidate", asked, recorded, record.expiry_day(settings))
        kept = cache.body_for(key, fitted.catalog_version)
        if kept is not None:
            return kept
        cached = cache.get(key)
        view = (
            None if cached is not None else _view(session, settings, candidate_id, recorded, asked)
        )
    entry = None
    if cached is not None:
        # Outside `catalog.scoring`: one pass at a time per process (its own lock), and the
        # requests waiting for it should not hold the scoring slots meanwhile.
        cache.bring_up(fitted, key)
        kept = cache.body_for(key, fitted.catalog_version)
        if kept is not None:
            return kept
        cached = cache.get(key) or cached
    with catalog.scoring:
        if cached is not None:
            entry = cache.revalidated(cached, fitted, include_blocked=asked.include_blocked)
    if entry is None:
        if view is None:  # the record is read only when the person is ranked afresh
            with sessions.begin() as session:
                view = _view(session, settings, candidate_id, recorded, asked)
        with catalog.scoring:
            candidate = Candidate.model_validate_json(stored)
            shortlist, body = record.rank_for(
                fitted.engine,
                candidate,
                view,
                top=asked.top,
                include_blocked=asked.include_blocked,
                any_stage=asked.any_stage,
                language=asked.language,
            )
            entry = _entry(fitted, shortlist, body, asked, candidate, view.withhold)
    cache.put(key, candidate_id, entry)
    return entry.body


def _view(
    session: Session, settings: Settings, candidate_id: str, recorded: str, asked: Asked
) -> record.RecordView:
    if not recorded:
        return record.RecordView()
    return record.candidate_view(
        session, settings, candidate_id=candidate_id, include_history=asked.include_history
    )


def _entry(
    fitted: Fitted,
    shortlist: Shortlist,
    body: dict[str, Any],
    asked: Asked,
    candidate: Candidate,
    withhold: frozenset[str],
) -> CachedShortlist:
    results = shortlist.results
    lines = {m.vacancy_id: m for m in [*results, *(shortlist.near_misses or [])]}
    ranked = rank_keys(np.array([m.score for m in results]), np.array([m.blocked for m in results]))
    keys = tuple((float(k), m.vacancy_id or "") for k, m in zip(ranked, results, strict=True))
    last = None
    if body["withheld"] is not None:
        last = (-np.inf, "")  # nothing a write could bring in: the person is not looking
    elif shortlist.near_misses is not None:
        pass  # any vacancy written since may be a better near miss: None lets none in
    elif len(results) == asked.top:
        last = keys[-1]
    return CachedShortlist(
        catalog_version=fitted.catalog_version,
        body=body_bytes(body),
        vacancy_ids=frozenset(ident for ident in lines if ident),
        last=last,
        candidate=candidate,
        language=asked.language,
        left_out=body["left_out"],
        withhold=withhold,
        keys=keys,
        include_blocked=asked.include_blocked,
    )


@router.get(
    "/vacancies/{vacancy_id}/shortlist",
    response_model=VacancyShortlist,
    responses={**_DOCUMENTS, **errors(401, 403, 404)},
)
def vacancy_shortlist(
    request: Request,
    session: SessionDep,
    _: PeopleReader,
    kind: DocumentKind,
    catalog: CatalogDep,
    vacancy_id: VacancyId,
    language: ReaderLanguage,
    top: Annotated[int, Query(ge=1, le=100)] = 20,
    include_blocked: IncludeBlocked = False,
    include_history: IncludeHistory = False,
    stage: Annotated[
        list[Stage] | None, Query(description="Candidates at these stages (default: ready)")
    ] = None,
) -> Response:
    """The people who suit this vacancy best; works for closed vacancies too (looking back).
    People it was already proposed to (in progress or ended) are left out unless
    `include_history=true`, which lists them marked.

    With `?format=csv|xlsx|pdf` (or Accept: text/csv, ...) the same lines as a sheet, or as one
    printed page to take to the employer: people by their id only, as here."""
    body = vacancy_shortlist_body(
        session,
        catalog,
        request.app.state.settings,
        vacancy_id=vacancy_id,
        top=top,
        include_blocked=include_blocked,
        include_history=include_history,
        stages=stage or ["ready"],
        language=language,
    )
    if kind is not None:
        return vacancy_document(session, vacancy_id, body, language, kind)
    return Response(
        body_bytes(body), media_type="application/json", headers=_json_headers(language)
    )


def vacancy_document(
    session: Session, vacancy_id: str, body: dict[str, Any], language: Language, kind: str
) -> Response:
    """A vacancy's candidates (their JSON body) as a sheet or a printed page, people by id."""
    vacancy = store.get_vacancy(session, vacancy_id=vacancy_id)
    assert vacancy is not None  # the body was made of it, in this session
    document = tables.vacancy_shortlist(
        body, title=vacancy.title, employer=vacancy.employer, language=language
    )
    return documents.respond(document, kind)


def vacancy_shortlist_body(
    session: Session,
    catalog: Catalog,
    settings: Settings,
    *,
    vacancy_id: str,
    top: int,
    include_blocked: bool,
    include_history: bool,
    stages: Sequence[str],
    language: Language = DEFAULT_LANGUAGE,
) -> dict[str, Any]:
    """The vacancy-side shortlist as the API answers it (the CLI's `candidates` prints it)."""
    vacancy = store.get_vacancy(session, vacancy_id=vacancy_id)
    if vacancy is None:
        raise store.NotFound(f"no vacancy with id '{vacancy_id}'")
    people = catalog.candidates_at(session, stages=stages)
    view = record.vacancy_view(
        session, settings, vacancy_id=vacancy_id, include_history=include_history
    )
    engine = catalog.current(session).engine
    with catalog.scoring:
        shortlist = engine.rank_candidates(
            vacancy, people, top=top, include_blocked=include_blocked, withhold=view.withhold
        )
    return view.mark(shortlist.as_dict(language), id_field="candidate_id")
