"""Dependencies as named `Annotated` aliases: the session, the catalog, who calls (key, browser)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Query, Request, Security, status
from fastapi.concurrency import run_in_threadpool
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.security import APIKeyHeader
from sqlalchemy.engine import Engine as DbEngine
from sqlalchemy.orm import Session, sessionmaker

from matcher.reasons import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    Language,
    from_accept_language,
    supported,
)
from service import store
from service.catalog import Catalog, ShortlistCache
from service.settings import Settings
from service.store import Principal, Role


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request: committed when the route returns, rolled back if it raises.

    Opening a session does no I/O, so it happens on the event loop; the commit (or rollback)
    and close go to the thread pool, as the routes' own database work does.
    """
    session: Session = request.app.state.sessions()
    try:
        yield session
    except BaseException:
        await run_in_threadpool(_finish, session, commit=False)
        raise
    await run_in_threadpool(_finish, session, commit=True)


def _finish(session: Session, *, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


# scope="function": the commit happens before the response is sent, so a client that got 201
# and asks again at once sees its write.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


# The small dependencies below are `async` only so that FastAPI does not send each one to the
# thread pool (a hop costs more than they do); they never block.
async def get_catalog(request: Request) -> Catalog:
    catalog: Catalog = request.app.state.catalog
    return catalog


async def get_shortlist_cache(request: Request) -> ShortlistCache:
    cache: ShortlistCache = request.app.state.shortlist_cache
    return cache


async def get_db_engine(request: Request) -> DbEngine:
    engine: DbEngine = request.app.state.db
    return engine


async def get_sessions(request: Request) -> sessionmaker[Session]:
    sessions: sessionmaker[Session] = request.app.state.sessions
    return sessions


CatalogDep = Annotated[Catalog, Depends(get_catalog)]
SessionsDep = Annotated[sessionmaker[Session], Depends(get_sessions)]
"""For a route that opens its own session, in the thread it does all its work in."""
ShortlistCacheDep = Annotated[ShortlistCache, Depends(get_shortlist_cache)]
DbEngineDep = Annotated[DbEngine, Depends(get_db_engine)]

api_key_header = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    description="An API key from `matcher keys create --role ROLE` or `POST /keys` (admin).",
)


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "APIKey"}
    )


async def get_api_key(
    request: Request, key: Annotated[str | None, Security(api_key_header)]
) -> str:
    """The key as sent (401 if none), not yet looked up; then 422 for a query parameter the
    route does not take (a misspelt filter must not silently return everything)."""
    if not key:
        raise _unauthorized("missing X-API-Key header")
    refuse_unknown_query(request)
    return key


def refuse_unknown_query(request: Request) -> None:
    """422 naming each query parameter the matched route does not take."""
    if not request.query_params:
        return
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = _query_names(dependant)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        takes = ", ".join(sorted(known)) or "none"
        raise RequestValidationError(
            [
                {
                    "type": "extra_forbidden",
                    "loc": ["query", name],
                    "msg": f"unknown query parameter '{name}'; this endpoint takes: {takes}",
                    "input": request.query_params.get(name),
                }
                for name in unknown
            ]
        )


_QUERY_NAMES: dict[int, frozenset[str]] = {}


def _query_names(dependant: Dependant) -> frozenset[str]:
    """The query parameters a route and its dependencies take (by the name clients send)."""
    known = _QUERY_NAMES.get(id(dependant))
    if known is None:
        names: set[str] = set()
        pending = [dependant]
        while pending:
            current = pending.pop()
            names.update(field.alias for field in current.query_params)
            pending.extend(current.dependencies)
        known = _QUERY_NAMES[id(dependant)] = frozenset(names)
    return known


ApiKey = Annotated[str, Depends(get_api_key)]


async def get_reader_language(
    lang: Annotated[
        str | None,
        Query(
            description="The language of the reasons' messages: en, nl, uk or ru (a tag such as"
            " nl-BE is read as its language); wins over Accept-Language",
            max_length=35,
            examples=["uk"],
        ),
    ] = None,
    accept_language: Annotated[
        str | None,
        Header(description="Languages the reader prefers (en, nl, uk, ru; English by default)"),
    ] = None,
) -> Language:
    """The language to write reasons in: ?lang=, else the best of Accept-Language we have,
    else English (an async dependency: it costs no trip to the thread pool)."""
    if lang is not None:
        chosen = supported(lang)
        if chosen is None:
            raise RequestValidationError(
                [
                    {
                        "type": "enum",
                        "loc": ["query", "lang"],
                        "msg": f"reasons are written in {', '.join(LANGUAGES)}, not '{lang}'",
                        "input": lang,
                    }
                ]
            )
        return chosen
    return from_accept_language(accept_language) or DEFAULT_LANGUAGE


ReaderLanguage = Annotated[Language, Depends(get_reader_language)]


def in_language(language: Language) -> dict[str, str]:
    """The headers of a response written in `language`."""
    return {"Content-Language": language, "Vary": "Accept-Language"}


"""For a route that looks the key up with `authorize` itself. A request without a key gets 401
before its parameters are checked, as on every route; one with a key that `authorize` then
refuses may get 422 for a bad parameter first."""


def authenticate(session: Session, key: str) -> Principal:
    """Who is calling; 401 for an unknown or revoked key."""
    principal = store.find_key(session, key=key)
    if principal is None:
        raise _unauthorized(
            "invalid API key in X-API-Key (unknown or revoked, or its account is disabled)"
        )
    return principal


def permit(principal: Principal, roles: tuple[Role, ...]) -> Principal:
    """The caller, if their role is one of these; 403 otherwise."""
    if principal.role not in roles:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"{'an' if principal.role[0] in 'aeiou' else 'a'} {principal.role} key may not"
            " do this; it takes a key of role " + " or ".join(roles),
        )
    return principal


def require_own_employer(principal: Principal, employer: str, what: str) -> None:
    """An employer key acts only for its own employer (403 naming `what` otherwise)."""
    if principal.role == "employer" and employer != principal.employer:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"{what} must be this key's employer '{principal.employer}', not '{employer}'",
        )


def sees(principal: Principal, employer: str) -> bool:
    """Whether this key may see `employer`'s rows; an employer key's only employer is its own.

    Routes answer a row it may not see exactly as a missing one (404): a 403 would tell an
    employer which ids its competitors use.
    """
    return principal.role != "employer" or employer == principal.employer


def employer_scope(principal: Principal) -> str | None:
    """The only employer whose rows this key may touch; None for the other roles."""
    return principal.employer if principal.role == "employer" else None


def authorize(session: Session, key: str, roles: tuple[Role, ...]) -> Principal:
    """`authenticate` then `permit`, for a route that does its database work in one go."""
    return permit(authenticate(session, key), roles)


def get_principal(session: SessionDep, key: ApiKey) -> Principal:
    return authenticate(session, key)


CurrentKey = Annotated[Principal, Depends(get_principal)]


class RoleCheck:
    """A dependency letting through only keys of the given roles (403 for the others)."""

    def __init__(self, *roles: Role) -> None:
        self.roles = roles

    async def __call__(self, principal: CurrentKey) -> Principal:
        return permit(principal, self.roles)


# Least privilege: admin manages keys and nothing else; employers never see people.
PEOPLE_READERS: tuple[Role, ...] = ("jobhunter", "coordinator")
PeopleReader = Annotated[Principal, Depends(RoleCheck(*PEOPLE_READERS))]
VacancyUser = Annotated[Principal, Depends(RoleCheck("employer", *PEOPLE_READERS))]
Coordinator = Annotated[Principal, Depends(RoleCheck("coordinator"))]
Admin = Annotated[Principal, Depends(RoleCheck("admin"))]


# ---------------------------------------------------------------- signed-in browsers (pages)

SESSION_COOKIE = "matcher_session"
CSRF_FIELD = "csrf_token"
"""The hidden field every form of the pages carries: the session's own token."""
CSRF_HEADER = "X-CSRF-Token"
"""The same token, for a script of the pages that sends no form."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SignInRequired(Exception):
    """No valid session: a page asked for with GET sends the browser to sign in; any other
    method is refused (401)."""


class CsrfRefused(Exception):
    """An unsafe request authenticated by the session cookie without the session's token."""


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def from_https(request: Request, settings: Settings) -> bool:
    """Whether the browser reached us over HTTPS: directly, or through a trusted proxy that
    says so (X-Forwarded-Proto)."""
    if request.url.scheme == "https":
        return True
    peer = request.client.host if request.client else None
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return peer in settings.proxies and forwarded == "https"


def client_address(request: Request, settings: Settings) -> str:
    """The address a request came from: a trusted proxy's X-Forwarded-For (the last address in
    it, the one the proxy saw), else the connection's."""
    peer = request.client.host if request.client else "unknown"
    forwarded = request.headers.get("x-forwarded-for")
    if peer in settings.proxies and forwarded:
        peer = forwarded.split(",")[-1].strip() or peer
    return peer[:64]


def get_signed_in(request: Request, session: SessionDep) -> store.SignedIn | None:
    """The session the cookie opens, if it opens one (expired, ended, or a disabled account's
    open none)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 128:
        return None
    return store.find_session(session, token=token)


MaybeSignedIn = Annotated[store.SignedIn | None, Depends(get_signed_in)]


async def check_csrf(request: Request, signed_in: store.SignedIn) -> None:
    """CsrfRefused unless the form (or the X-CSRF-Token header) carries this session's token:
    a page of another site can make a browser post its cookie, never read the token."""
    sent = request.headers.get(CSRF_HEADER)
    form = None
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    try:
        verify_csrf(signed_in, sent)
    except CsrfRefused:
        if form is not None:
            await form.close()  # an uploaded file's spooled copy: the route that would is not run
        raise


def verify_csrf(signed_in: store.SignedIn, sent: str | None) -> None:
    """CsrfRefused unless `sent` is this session's form token."""
    if not sent or not secrets.compare_digest(sent.encode(), signed_in.csrf_token.encode()):
        raise CsrfRefused


async def require_signed_in(request: Request, signed_in: MaybeSignedIn) -> store.SignedIn:
    """The signed-in account (SignInRequired otherwise); for an unsafe method, with its CSRF
    token checked."""
    if signed_in is None:
        raise SignInRequired
    if request.method not in SAFE_METHODS:
        await check_csrf(request, signed_in)
    return signed_in


SignedInDep = Annotated[store.SignedIn, Depends(require_signed_in)]
