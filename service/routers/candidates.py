"""People looking for work: jobhunters and coordinators read and write them; DELETE erases."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response, status
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from matcher import Candidate
from matcher.models import Stage
from matcher.outcomes.programme import STAGES
from service import store
from service.catalog import Catalog
from service.db import checkpoint_sqlite
from service.deps import (
    CatalogDep,
    DbEngineDep,
    PeopleReader,
    ReaderLanguage,
    SessionDep,
    ShortlistCacheDep,
)
from service.documents import respond, tables
from service.erasure import Erasures, ErasuresDep
from service.examples import CANDIDATE_PATCHES
from service.formats import DocumentKind, document_response, document_responses
from service.patch import MERGE_PATCH, patched
from service.queries import PostcodeQuery
from service.routers import CandidateId, errors, location, require_path_id
from service.schemas import CandidatePage
from service.sheets.template import CANDIDATE_COLUMNS
from service.sheets.workbooks import records_sheet
from service.store import Principal

router = APIRouter(prefix="/candidates", tags=["candidates"])

# Its examples, from the fixtures, are added to the built document (service.examples).
CandidateBody = Annotated[Candidate, Body()]


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(400, 401, 403, 409, 413))
def create_candidate(
    session: SessionDep, _: PeopleReader, candidate: CandidateBody, response: Response
) -> Candidate:
    """Add a person; without an `id` the server assigns one."""
    created = store.create_candidate(session, candidate=candidate)
    response.headers["Location"] = location("candidates", str(created.id))
    return created


@router.get(
    "",
    response_model=CandidatePage,
    responses={**document_responses("csv", "xlsx", "pdf"), **errors(401, 403)},
)
def list_candidates(
    session: SessionDep,
    catalog: CatalogDep,
    _: PeopleReader,
    stage: Annotated[list[Stage] | None, Query(description="Only these stages")] = None,
    postcode: Annotated[
        PostcodeQuery | None, Query(description="Only people living at this postcode")
    ] = None,
    skill: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="Only people with this skill or occupation, read as a concept in any"
            ' language ("водіння навантажувача" finds "heftruck rijden"); a phrase the'
            " vocabulary does not know finds the same text",
        ),
    ] = None,
    coach: Annotated[
        str | None,
        Query(min_length=1, max_length=200, description="Only people this coach follows"),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="Text inside the id or display name (letter case and accents aside)",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    kind: DocumentKind = None,
    language: ReaderLanguage = "en",
) -> CandidatePage | Response:
    """People in id order, a page at a time; `count` is how many match every filter given.

    With `?format=csv|xlsx` (or Accept: text/csv, ...) every matching person (no pages) as a
    sheet in the import template's columns, which POST /imports/candidates reads back; with
    `pdf` the caseload as a printed list (id, name, stage, postcode, languages, coach)."""
    where = store.CandidateFilter(postcode=postcode, skill=skill, coach=coach, q=q)
    matching = matching_candidates(session, catalog, stages=stage or STAGES, where=where)
    if kind == "pdf":
        return respond(tables.people(matching, language), kind)
    if kind is not None:
        records = [c.model_dump(mode="json") for c in matching]
        return document_response(
            records_sheet(CANDIDATE_COLUMNS, records, kind="csv" if kind == "csv" else "xlsx"),
            kind,
            "kandidaten",
            "nl",  # the template's headers are Dutch, whatever the reader's language
        )
    return CandidatePage(
        data=matching[offset : offset + limit], count=len(matching), limit=limit, offset=offset
    )


def matching_candidates(
    session: Session, catalog: Catalog, *, stages: Sequence[str], where: store.CandidateFilter
) -> list[Candidate]:
    """The people at these stages that every filter holds for, in id order (the list and the
    coaches' caseload page show the same)."""
    # A programme has hundreds of people: filtering the profiles this process keeps validated
    # costs less than a query per filter would.
    return where.matching(catalog.candidates_at(session, stages=stages))


@router.get("/{candidate_id}", responses=errors(401, 403, 404))
def get_candidate(session: SessionDep, _: PeopleReader, candidate_id: CandidateId) -> Candidate:
    candidate = store.get_candidate(session, candidate_id=candidate_id)
    if candidate is None:
        raise store.NotFound(f"no candidate with id '{candidate_id}'")
    return candidate


@router.put("/{candidate_id}", responses=errors(400, 401, 403, 404, 413))
def replace_candidate(
    session: SessionDep,
    _: PeopleReader,
    candidate_id: CandidateId,
    candidate: CandidateBody,
    cache: ShortlistCacheDep,
) -> Candidate:
    """Replace a person's profile; the body's `id`, if given, must be the path's."""
    require_path_id(candidate.id, candidate_id)
    replaced = store.replace_candidate(
        session, candidate=candidate.model_copy(update={"id": candidate_id})
    )
    cache.forget(candidate_id)
    return replaced


@router.patch("/{candidate_id}", responses=errors(400, 401, 403, 404, 413))
def patch_candidate(
    session: SessionDep,
    _: PeopleReader,
    candidate_id: CandidateId,
    patch: Annotated[
        dict[str, Any], Body(media_type=MERGE_PATCH, openapi_examples=CANDIDATE_PATCHES)
    ],
    cache: ShortlistCacheDep,
) -> Candidate:
    """Change some fields: a JSON merge patch (RFC 7396; `application/merge-patch+json` or
    `application/json`). Members given replace the stored ones (objects are merged), `null`
    removes one (back to its default); the result is checked whole, as a PUT of it would be
    (422 naming the field, nothing stored). An `id`, if given, must be the path's."""
    patched_candidate = store.patch_candidate(
        session,
        candidate_id=candidate_id,
        change=lambda stored: patched(Candidate, stored, patch, candidate_id),
    )
    cache.forget(candidate_id)
    return patched_candidate


@router.delete(
    "/{candidate_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401, 403, 404)
)
def erase_candidate(
    session: SessionDep,
    db: DbEngineDep,
    who: PeopleReader,
    candidate_id: CandidateId,
    erasures: ErasuresDep,
) -> None:
    """Erase the person, their applications (with notes) and stage history: the rows are deleted
    (not flagged) and leave every process's memory at once; on SQLite they are overwritten in
    the file before the answer, on PostgreSQL the tables are rewritten within seconds after.
    GET /erasures says who erased someone and when (never whom)."""
    erase(session, db, erasures, candidate_id=candidate_id, by=who)


def erase(
    session: Session, db: Engine, erasures: Erasures, *, candidate_id: str, by: Principal
) -> None:
    """DELETE /candidates/{id} and the person page's erase button: the rows, the memory of
    every process, and (SQLite) the file, before either answers."""
    store.delete_candidate(session, candidate_id=candidate_id, by=by)
    session.commit()  # committed before the file is compacted, not after the response
    erasures.erased(candidate_id)
    checkpoint_sqlite(db)
