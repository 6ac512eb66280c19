"""The programme's figures for coordinators: stages, activity, time to a job, placements."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from matcher.outcomes import Day
from matcher.programme import STAGES, ProgrammeFigures, programme_figures
from service import store
from service.deps import CatalogDep, Coordinator, SessionDep
from service.routers import errors
from service.settings import Settings

router = APIRouter(tags=["stats"])


@router.get("/stats", responses=errors(401, 403))
def stats(
    request: Request,
    session: SessionDep,
    _: Coordinator,
    catalog: CatalogDep,
    target_placed: Annotated[
        int | None, Query(ge=1, le=1_000_000, description="Default MATCHER_TARGET_PLACED (160)")
    ] = None,
    target_people: Annotated[
        int | None, Query(ge=1, le=1_000_000, description="Default MATCHER_TARGET_PEOPLE (400)")
    ] = None,
    on: Annotated[
        Day | None,
        Query(description="As of this day: later steps are left out (default today)"),
    ] = None,
) -> ProgrammeFigures:
    """Candidates per stage; proposals, interviews and hires per month and per jobhunter; days
    from `ready` to the first hire; rejection reasons; people placed against the target."""
    settings: Settings = request.app.state.settings
    return programme_figures(
        catalog.candidates_at(session, stages=STAGES),
        store.applications(session),
        store.stage_changes(session),
        target_placed=target_placed or settings.target_placed,
        target_people=target_people or settings.target_people,
        today=on,
    )
