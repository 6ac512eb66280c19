"""Versioned weights: coordinators set them, jobhunters read them; every version is kept."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service import store
from service.deps import Coordinator, PeopleReader, SessionDep
from service.routers import errors
from service.schemas import WeightsIn, WeightsOut
from service.store import WeightsRecord

router = APIRouter(prefix="/weights", tags=["weights"])


def _out(record: WeightsRecord) -> WeightsOut:
    return WeightsOut(
        version=record.weights.version,
        weights=record.weights.weights,
        note=record.weights.note,
        changed_by=record.changed_by,
        changed_at=record.changed_at,
    )


@router.get("", responses=errors(401, 403))
def current_weights(session: SessionDep, _: PeopleReader) -> WeightsOut:
    """The weights shortlists use now."""
    return _out(store.get_weights(session, version=store.versions(session)[1]))


@router.put("", responses=errors(400, 401, 403, 409, 413))
def set_weights(session: SessionDep, principal: Coordinator, body: WeightsIn) -> WeightsOut:
    """Store the next version; the very next shortlist uses it (no restart, no refit)."""
    return _out(
        store.set_weights(
            session,
            weights=body.weights,
            note=body.note,
            changed_by=principal.label,
            expected_version=body.version,
        )
    )


@router.get("/history", responses=errors(401, 403))
def weights_history(
    session: SessionDep,
    _: PeopleReader,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[WeightsOut]:
    """Every version, newest first, with who set it and when."""
    return [_out(r) for r in store.weights_history(session, limit=limit, offset=offset)]
