"""API keys, for admins only: create (the key is shown once), list, revoke."""

from __future__ import annotations

from fastapi import APIRouter, status
from fastapi.exceptions import RequestValidationError

from service import store
from service.deps import Admin, SessionDep
from service.routers import errors
from service.schemas import KeyIn, KeyOut, NewKey

router = APIRouter(prefix="/keys", tags=["keys"])


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(400, 401, 403, 413))
def create_key(session: SessionDep, _: Admin, body: KeyIn) -> NewKey:
    """A new key; `key` is in this response only (the database keeps its sha256). An employer
    key is bound to an existing employer (422 naming the close matches otherwise). With
    `account_id` the key acts for that account (422 if there is none, or it has another role
    or employer), so the record names the person; without, for an account of its own."""
    if body.employer is not None:
        try:
            store.check_employer_known(session, name=body.employer)
        except store.UnknownEmployer as error:
            raise _refused("employer", str(error)) from error
    try:
        record, key = store.create_key(
            session,
            role=body.role,
            employer=body.employer,
            name=body.name,
            account_id=body.account_id,
        )
    except (store.NotFound, ValueError) as error:
        raise _refused("account_id", str(error)) from error
    return NewKey(**vars(record), key=key)


def _refused(field: str, why: str) -> RequestValidationError:
    return RequestValidationError([{"type": "value_error", "loc": ["body", field], "msg": why}])


@router.get("", responses=errors(401, 403))
def list_keys(session: SessionDep, _: Admin) -> list[KeyOut]:
    return [KeyOut(**vars(r)) for r in store.list_keys(session)]


@router.delete("/{key_id}", status_code=status.HTTP_204_NO_CONTENT, responses=errors(401, 403, 404))
def revoke_key(session: SessionDep, _: Admin, key_id: str) -> None:
    """Revoke a key: the next request with it gets 401."""
    store.delete_key(session, key_id=key_id)
