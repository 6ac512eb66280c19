"""Who erased people, and when: for coordinators and admins, who answer for the programme's
data. The log names the account that erased, never the person erased."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from service import store
from service.deps import SessionDep
from service.routers import errors
from service.routers.accounts import AccountManager
from service.store import Role

router = APIRouter(prefix="/erasures", tags=["erasures"])


class ErasureOut(BaseModel):
    erased_at: datetime
    account_id: str
    erased_by: str
    role: Role


@router.get("", responses=errors(401, 403))
def list_erasures(session: SessionDep, _: AccountManager) -> list[ErasureOut]:
    """Every erasure, newest first: which account erased someone, and when."""
    return [ErasureOut(**vars(r)) for r in store.erasures(session)]
