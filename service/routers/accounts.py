"""Accounts: admins and coordinators create, list and change them; anyone sets their own
password (an admin anyone's). Passwords are never shown but once, and hashes never."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Self

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from service import store
from service.deps import CurrentKey, RoleCheck, SessionDep, permit
from service.routers import errors
from service.schemas import RequestBody, one_role_one_employer
from service.store import PASSWORD_MAX, PASSWORD_MIN, Principal, Role

router = APIRouter(prefix="/accounts", tags=["accounts"])


def _store_checks(check: Any) -> AfterValidator:
    """The store's own check after the schema's, so that what the schema lets through and the
    store refuses (Python strips characters such as U+001E that the schema's \\s does not
    match) is a 422 naming the field, never a 500."""

    def checked(value: str) -> str:
        check(value)
        return value

    return AfterValidator(checked)


AccountManager = Annotated[Principal, Depends(RoleCheck("admin", "coordinator"))]

Email = Annotated[
    str,
    Field(
        min_length=3,
        max_length=254,
        pattern=r"^[^@\s]+@[^@\s]+$",
        description="Their e-mail address: what they sign in with (compared ignoring case)",
        examples=["olena@example.org"],
    ),
    _store_checks(store.check_email),
]
Password = Annotated[str, Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)]
Name = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        description="How the record names them (who proposed, recorded a step, set the weights)",
    ),
    _store_checks(store.check_name),
]
EmployerName = Annotated[str, Field(min_length=1, max_length=200)]


class AccountIn(RequestBody):
    model_config = ConfigDict(json_schema_extra=one_role_one_employer)

    name: Name
    email: Email
    role: Role
    employer: EmployerName | None = None
    """Required for (and only for) employer accounts: an employer record's name."""
    password: Password | None = None
    """Their first password; without one, one is made and returned in this response only."""

    @model_validator(mode="after")
    def _employer_for_employer_accounts(self) -> Self:
        if (self.role == "employer") != (self.employer is not None):
            raise ValueError("employer is required for employer accounts, and only for them")
        return self


class AccountPatch(RequestBody):
    """What to change; what is left out stays as it is."""

    name: Name | None = None
    email: Email | None = None
    """null removes it: the account can then no longer sign in (its keys still work)."""
    role: Role | None = None
    """Its keys take the new role too; leaving the employer role leaves the employer."""
    employer: EmployerName | None = None
    disabled: bool | None = None
    """true: its keys stop working and its sessions end at once; false enables it again."""


class PasswordIn(RequestBody):
    password: Password


class AccountOut(BaseModel):
    id: str
    name: str
    email: str | None
    role: Role
    employer: str | None
    language: str | None = Field(description="The pages' language it chose; null: the browser's")
    can_sign_in: bool = Field(description="It has an e-mail and a password, and is not disabled")
    created_at: datetime
    disabled_at: datetime | None

    @classmethod
    def of(cls, record: store.AccountRecord) -> AccountOut:
        return cls(**vars(record))


class NewAccount(AccountOut):
    password: str | None = Field(
        description="The password made for it, shown this once (null when the request gave one)"
    )


def _invalid(field: str, error: Exception) -> RequestValidationError:
    return RequestValidationError(
        [{"type": "value_error", "loc": ["body", field], "msg": str(error)}]
    )


def _may_manage(principal: Principal, role: str, what: str) -> None:
    """Only an admin makes, changes or gives the admin role (a coordinator could otherwise make
    themselves one, and admins hold the keys)."""
    if role == "admin" and principal.role != "admin":
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, f"a {principal.role} may not {what} an admin account"
        )


@router.post("", status_code=status.HTTP_201_CREATED, responses=errors(400, 401, 403, 409, 413))
def create_account(session: SessionDep, principal: AccountManager, body: AccountIn) -> NewAccount:
    """A new account (409 if the e-mail is taken). An employer account is bound to an existing
    employer record (422 naming the close matches otherwise). Only an admin makes admins."""
    _may_manage(principal, body.role, "create")
    password = body.password or store.new_password()
    try:
        record = store.create_account(
            session,
            name=body.name,
            role=body.role,
            email=body.email,
            employer=body.employer,
            password=password,
        )
    except store.UnknownEmployer as error:
        raise _invalid("employer", error) from error
    return NewAccount(**vars(record), password=None if body.password is not None else password)


@router.get("", responses=errors(401, 403))
def list_accounts(session: SessionDep, _: AccountManager) -> list[AccountOut]:
    """Every account, by name, with the accounts made for API keys."""
    return [AccountOut.of(r) for r in store.list_accounts(session)]


@router.patch("/{account_id}", responses=errors(400, 401, 403, 404, 409, 413))
def change_account(
    session: SessionDep, principal: AccountManager, account_id: str, body: AccountPatch
) -> AccountOut:
    """Change its name, e-mail, role, employer, or disable it (not your own: someone else must)."""
    found = store.get_account(session, account_id=account_id)
    if found is None:
        raise store.NotFound(f"no account with id '{account_id}'")
    _may_manage(principal, found.role, "change")
    if body.role is not None:
        _may_manage(principal, body.role, "make")
    if body.disabled and account_id == principal.account_id:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "you may not disable your own account: another admin or coordinator can",
        )
    # What the body names is changed; null removes an e-mail or an employer, nothing else.
    changes: dict[str, Any] = {name: getattr(body, name) for name in body.model_fields_set}
    for name in ("name", "role", "disabled"):
        if name in changes and changes[name] is None:
            raise _invalid(name, ValueError(f"{name} cannot be null; leave it out to keep it"))
    try:
        record = store.update_account(session, account_id=account_id, **changes)
    except store.UnknownEmployer as error:
        raise _invalid("employer", error) from error
    except ValueError as error:
        raise _invalid("role", error) from error
    return AccountOut.of(record)


@router.put(
    "/{account_id}/password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=errors(400, 401, 403, 404, 413),
)
def set_password(
    session: SessionDep, principal: CurrentKey, account_id: str, body: PasswordIn
) -> None:
    """Set the account's password: your own account's, or (as an admin) anyone's. Every session
    of that account ends."""
    if account_id != principal.account_id:
        permit(principal, ("admin",))
    store.set_password(session, account_id=account_id, password=body.password)
