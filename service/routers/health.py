"""Liveness and counts, for anyone."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from matcher.travel.journeys import timetable_status
from service import store
from service.deps import SessionDep, refuse_unknown_query
from service.schemas import Health

router = APIRouter(prefix="/health", tags=["health"], dependencies=[Depends(refuse_unknown_query)])


@router.get("")
def health(session: SessionDep, request: Request) -> Health:
    """The service is up and its database answers; how much it holds; which timetable."""
    catalog_version, weights_version = store.versions(session)
    return Health(
        status="ok",
        catalog_version=catalog_version,
        weights_version=weights_version,
        timetable=timetable_status(getattr(request.app.state.catalog, "travel", None)),
        **store.counts(session),
    )
