"""Employers as records: coordinators (and admins, who make their keys) create them; jobhunters
and coordinators read them all, an employer key only its own."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from service import store
from service.deps import RoleCheck, SessionDep, sees
from service.routers import errors
from service.schemas import Employer, EmployerIn
from service.store import Principal

router = APIRouter(prefix="/employers", tags=["employers"])

EmployerMaker = Annotated[Principal, Depends(RoleCheck("coordinator", "admin"))]
EmployerReader = Annotated[Principal, Depends(RoleCheck("employer", "jobhunter", "coordinator"))]


def _employer(record: store.EmployerRecord) -> Employer:
    return Employer(**vars(record))


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(400, 401, 403, 409, 413))
def create_employer(session: SessionDep, _: EmployerMaker, body: EmployerIn) -> Employer:
    """A new employer (409 if the name is taken); employer keys are then made for it."""
    record = store.create_employer(session, name=body.name, contact=body.contact)
    return _employer(record)


@router.get("", responses=errors(401, 403))
def list_employers(session: SessionDep, principal: EmployerReader) -> list[Employer]:
    """Every employer by name; an employer key sees only its own."""
    return [_employer(r) for r in store.list_employers(session) if sees(principal, r.name)]
