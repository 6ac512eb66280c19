"""People looking for work: jobhunters and coordinators read and write them; DELETE erases."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Response, status

from matcher import Candidate
from matcher.models import Stage
from service import store
from service.db import checkpoint_sqlite
from service.deps import DbEngineDep, PeopleReader, SessionDep, ShortlistCacheDep
from service.erasure import ErasuresDep
from service.examples import candidate_examples
from service.routers import CandidateId, errors, location, require_path_id
from service.schemas import CandidatePage

router = APIRouter(prefix="/candidates", tags=["candidates"])

CandidateBody = Annotated[Candidate, Body(openapi_examples=candidate_examples())]


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(400, 401, 403, 409, 413))
def create_candidate(
    session: SessionDep, _: PeopleReader, candidate: CandidateBody, response: Response
) -> Candidate:
    """Add a person; without an `id` the server assigns one."""
    created = store.create_candidate(session, candidate=candidate)
    response.headers["Location"] = location("candidates", str(created.id))
    return created


@router.get("", responses=errors(401, 403))
def list_candidates(
    session: SessionDep,
    _: PeopleReader,
    stage: Annotated[list[Stage] | None, Query(description="Only these stages")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> CandidatePage:
    """People in id order, a page at a time."""
    people, count = store.list_candidates(session, stages=stage, limit=limit, offset=offset)
    return CandidatePage(data=people, count=count, limit=limit, offset=offset)


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


@router.delete(
    "/{candidate_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401, 403, 404)
)
def erase_candidate(
    session: SessionDep,
    db: DbEngineDep,
    _: PeopleReader,
    candidate_id: CandidateId,
    erasures: ErasuresDep,
) -> None:
    """Erase the person, their applications (with notes) and stage history: the rows are deleted
    (not flagged) and leave every process's memory at once; on SQLite they are overwritten in
    the file before the answer, on PostgreSQL the tables are rewritten within seconds after."""
    store.delete_candidate(session, candidate_id=candidate_id)
    session.commit()  # committed before the file is compacted, not after the response
    erasures.erased(candidate_id)
    checkpoint_sqlite(db)
