"""Liveness and counts, for anyone."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from service import store
from service.deps import SessionDep, refuse_unknown_query
from service.schemas import Health

router = APIRouter(prefix="/health", tags=["health"], dependencies=[Depends(refuse_unknown_query)])


@router.get("")
def health(session: SessionDep) -> Health:
    """The service is up and its database answers; how much it holds."""
    catalog_version, weights_version = store.versions(session)
    return Health(
        status="ok",
        catalog_version=catalog_version,
        weights_version=weights_version,
        **store.counts(session),
    )
