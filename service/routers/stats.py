"""The programme's figures for coordinators: stages, activity, time to a job, placements, pace."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from matcher.outcomes.applications import Day
from matcher.outcomes.programme import STAGES, ProgrammeFigures, programme_figures
from service import store
from service.catalog import Catalog
from service.deps import CatalogDep, Coordinator, SessionDep
from service.routers import errors

router = APIRouter(tags=["stats"])


@router.get("/stats", responses=errors(401, 403))
def stats(
    session: SessionDep,
    _: Coordinator,
    catalog: CatalogDep,
    target_placed: Annotated[
        int | None,
        Query(ge=1, le=1_000_000, description="Instead of the programme's (GET /programme)"),
    ] = None,
    target_people: Annotated[
        int | None,
        Query(ge=1, le=1_000_000, description="Instead of the programme's (GET /programme)"),
    ] = None,
    on: Annotated[
        Day | None,
        Query(description="As of this day: later steps are left out (default today)"),
    ] = None,
) -> ProgrammeFigures:
    """Candidates per stage; proposals, interviews and hires per month and per jobhunter; days
    from `ready` to the first hire; rejection reasons; people placed against the target, and the
    pace: placements a straight line from the programme's start to its target reaches by now,
    against the actual, and where the pace so far leads. Records the coordinator excluded (PUT
    /programme/excluded/{id}) do not count."""
    return figures(
        session, catalog, on=on, target_placed=target_placed, target_people=target_people
    )


def figures(
    session: Session,
    catalog: Catalog,
    *,
    on: date | None = None,
    target_placed: int | None = None,
    target_people: int | None = None,
) -> ProgrammeFigures:
    """The programme's figures over the people in it, as `GET /stats` gives them."""
    programme = store.get_programme(session).programme
    left_out = store.excluded_ids(session)
    people = [c for c in catalog.candidates_at(session, stages=STAGES) if c.id not in left_out]
    return programme_figures(
        people,
        [a for a in store.applications(session) if a.candidate_id not in left_out],
        [s for s in store.stage_changes(session) if s.candidate_id not in left_out],
        target_placed=target_placed or programme.target_placed,
        target_people=target_people or programme.target_people,
        today=on,
        programme=programme,
    )
