"""The programme as a record: its span and targets, and the records left out of its figures."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from pydantic import Field
from sqlalchemy.orm import Session

from matcher.outcomes.applications import Day
from matcher.outcomes.programme import Programme
from service import store
from service.deps import CatalogDep, Coordinator, ReaderLanguage, SessionDep
from service.documents.programme import programme_workbook
from service.formats import document_response, document_responses
from service.routers import CandidateId, errors
from service.routers.stats import figures

router = APIRouter(prefix="/programme", tags=["programme"])


class ProgrammeOut(Programme):
    changed_by: str = Field(description="Who set the span and targets last")
    changed_at: datetime
    excluded: list[str] = Field(
        description="Candidates left out of the figures (test or intake records), in id order"
    )


def _out(session: Session) -> ProgrammeOut:
    record = store.get_programme(session)
    return ProgrammeOut(
        **record.programme.model_dump(),
        changed_by=record.changed_by,
        changed_at=record.changed_at,
        excluded=sorted(store.excluded_ids(session)),
    )


@router.get("", responses=errors(401, 403))
def get_programme(session: SessionDep, _: Coordinator) -> ProgrammeOut:
    """When the programme runs, what it means to reach, and who is left out of its figures."""
    return _out(session)


@router.put("", responses=errors(400, 401, 403, 413))
def set_programme(session: SessionDep, principal: Coordinator, body: Programme) -> ProgrammeOut:
    """Set the span and targets; `GET /stats` measures the pace against them from now on."""
    store.set_programme(session, programme=body, changed_by=principal.label)
    return _out(session)


@router.put(
    "/excluded/{candidate_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(401, 403, 404),
)
def exclude(session: SessionDep, _: Coordinator, candidate_id: CandidateId) -> None:
    """Leave a test or intake record out of the programme's figures (its data stays)."""
    store.set_excluded(session, candidate_id=candidate_id, excluded=True)


@router.delete(
    "/excluded/{candidate_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(401, 403, 404),
)
def include(session: SessionDep, _: Coordinator, candidate_id: CandidateId) -> None:
    """Count a person in the figures again."""
    store.set_excluded(session, candidate_id=candidate_id, excluded=False)


@router.get(
    "/workbook",
    response_class=Response,  # a workbook only: no JSON to document
    responses={**document_responses("xlsx"), **errors(401, 403)},
)
def workbook(
    session: SessionDep,
    _: Coordinator,
    catalog: CatalogDep,
    language: ReaderLanguage,
    on: Annotated[
        Day | None,
        Query(description="As of this day: later steps are left out (default today)"),
    ] = None,
) -> Response:
    """The figures of GET /stats as a workbook for funders (.xlsx): people per stage,
    proposals, interviews and hires per month (with the hires so far against a straight line
    to the target), and the placements against the target, one sheet each."""
    found = figures(session, catalog, on=on)
    return document_response(
        programme_workbook(found, language), "xlsx", f"programme-{found.as_of}", language
    )
