"""The FastAPI application: routers, the lifespan that builds the engines, and error handling."""

from __future__ import annotations

import gc
import logging
import math
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, HTTPException, Request, status
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from threadpoolctl import threadpool_limits

from matcher.reasons import require_translations
from matcher.travel.journeys import InstalledTimetable
from service import docs, schemas, store, web
from service.catalog import Catalog, ShortlistCache
from service.closing import ClosingSweep
from service.db import create_db_engine, session_factory
from service.erasure import Erasures
from service.http import AccessLog
from service.routers import (
    accounts,
    applications,
    attention,
    barriers,
    candidates,
    employers,
    erasures,
    followups,
    health,
    imports,
    keys,
    plans,
    programme,
    shortlists,
    stats,
    vacancies,
    weights,
)
from service.routers.imports import PREFIX as IMPORTS_PREFIX
from service.settings import Settings
from service.startup import prepare_database as prepare_database  # `matcher serve` imports it here
from service.web.imports import PATHS as IMPORT_PAGES

logger = logging.getLogger("service")

DESCRIPTION = """
Ranked, explained matches between refugees looking for work and vacancies in the Antwerp region.

Send an API key in the `X-API-Key` header (get one with `matcher keys create --role jobhunter`).
Roles: **jobhunter** (candidates, vacancies, shortlists, reading weights), **coordinator**
(the same, and setting weights), **employer** (its own employer's vacancies only), **admin**
(API keys only).
"""


PROTOCOL_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "description": "Not a valid HTTP request (e.g. a malformed header), or a body that is"
        " not JSON text; the HTTP server's own answers are plain text",
        "model": schemas.Message,
        "content": {"text/plain": {}},
    },
}
"""What any operation may answer before it is reached: the HTTP server refuses a request it
cannot parse (the limits of `matcher serve` have codes of their own: 408, 414, 431, 503)."""


def create_app(
    settings: Settings | None = None, *, on_ready: Callable[[FastAPI], None] | None = None
) -> FastAPI:
    """The service; the database and the fitted engine are built when its lifespan starts."""
    settings = settings or Settings()
    app = FastAPI(
        title="Antwerp matcher",
        version="1",
        description=DESCRIPTION,
        lifespan=_lifespan,
        dependencies=[Depends(refuse_unstorable_input)],
        responses=PROTOCOL_ERRORS,
        docs_url=None,  # FastAPI's pages load their scripts from a CDN: service.docs serves them
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.on_ready = on_ready
    for module in (
        health,
        candidates,
        vacancies,
        shortlists,
        applications,
        stats,
        weights,
        keys,
        barriers,
        plans,
        programme,
        followups,
        attention,
        employers,
        accounts,
        erasures,
        imports,
    ):
        app.include_router(module.router)
    web.install(app)  # the pages for people, beside the API
    docs.install(app)
    _add_error_handlers(app)
    app.add_middleware(
        BodyLimit,
        max_bytes=settings.max_body_bytes,
        larger={
            IMPORTS_PREFIX: settings.max_import_bytes,
            **dict.fromkeys(IMPORT_PAGES, settings.max_import_bytes),
        },
    )
    app.add_middleware(QuietErrors)  # outside BodyLimit
    if settings.access_log:
        app.add_middleware(AccessLog)  # outside QuietErrors, so its 500s are logged too
    return app


FULL_COLLECTION_AFTER = 100
"""Collections of the middle generation before a full one (Python's default: 10)."""


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    # Fail at start, saying how to fix it, rather than answer 500 to the first ?lang=uk.
    require_translations()
    # Requests are scored in parallel threads; BLAS threads on top of them oversubscribe the
    # cores (measured: half the throughput at 32 concurrent requests).
    blas = threadpool_limits(limits=settings.blas_threads, user_api="blas")
    db = create_db_engine(settings.url)
    erasures: Erasures | None = None
    closing: ClosingSweep | None = None
    try:
        prepare_database(db, settings)
        sessions = session_factory(db)
        timetable = None
        if settings.transit is not None:
            timetable = InstalledTimetable(
                settings.transit,
                week_of=settings.transit_week,
                every=settings.transit_look_seconds,
            )
        catalog = Catalog(timetable=timetable)
        with sessions() as session:
            catalog.current(session)  # fit now, not on the first request
        # What startup built (the fitted engine, the vocabulary) lives as long as the process:
        # take it out of the cycle collector's full passes, which otherwise stall requests.
        gc.collect()
        gc.freeze()
        # Its full passes then walk what the process keeps meanwhile (the cached shortlists and
        # their people, the spliced engines): under a vacancy edit every 200 ms they came every
        # 5 s, 6 to 16 ms each with every request in flight waiting, and collected nothing (the
        # young generations, still collected as often, take the short-lived cycles).
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, FULL_COLLECTION_AFTER)
        app.state.db = db
        app.state.sessions = sessions
        app.state.catalog = catalog
        app.state.shortlist_cache = ShortlistCache(settings.shortlist_cache_size)
        erasures = Erasures(db, [catalog, app.state.shortlist_cache])
        erasures.start()
        app.state.erasures = erasures
        closing = ClosingSweep(db)
        closing.start()
        if app.state.on_ready is not None:
            app.state.on_ready(app)
        yield
    finally:
        if closing is not None:
            closing.stop()
        if erasures is not None:
            erasures.stop()
        db.dispose()
        blas.restore_original_limits()


def unstorable(value: object) -> str | None:
    """Why a decoded JSON or query value cannot be kept as given, or None if it can."""
    if isinstance(value, float) and not math.isfinite(value):
        return "Input should be a finite number (not NaN, Infinity or beyond ±1.8e308)"
    if isinstance(value, str):
        if "\x00" in value:
            return "Text may not contain the NUL character (U+0000): the database cannot store it"
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return "Text may not contain a lone UTF-16 surrogate (such as \\ud800)"
    return None


def _unstorable_parts(value: object, loc: tuple[str | int, ...]) -> Iterator[dict[str, Any]]:
    # A stack, not recursion: a body may nest as deep as the JSON reader allows.
    pending: list[tuple[object, tuple[str | int, ...]]] = [(value, loc)]
    while pending:
        item, where = pending.pop()
        reason = unstorable(item)
        if reason is not None:
            kind = "finite_number" if isinstance(item, float) else "string_unstorable"
            yield {"type": kind, "loc": where, "msg": reason}
        elif isinstance(item, dict):
            for key, inner in item.items():
                if (key_reason := unstorable(key)) is not None:
                    yield {"type": "string_unstorable", "loc": where, "msg": f"a key: {key_reason}"}
                else:
                    pending.append((inner, (*where, key)))
        elif isinstance(item, list):
            pending.extend((inner, (*where, i)) for i, inner in enumerate(item))


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


async def refuse_unstorable_input(request: Request) -> None:
    """422 naming the field for NaN or infinite numbers, NUL characters and lone surrogates, in
    the body, the query or the path, whatever model reads them.

    One check for every route instead of a rule on each text field: Python's JSON reader accepts
    all of them, most fields would too, and they then fail only where the value goes: the
    database (PostgreSQL stores no NUL, no encoding stores a lone surrogate), a header or the
    JSON of the response (which has no NaN); each of those was a 500.
    """
    found = [
        part
        for where, values in (("query", request.query_params), ("path", request.path_params))
        for name, value in values.items()
        for part in _unstorable_parts(value, (where, name))
    ]
    if request.headers.get("content-type", "").startswith(_FORMS):
        # A page's form: FastAPI has read it already (its stream is consumed; the form is kept).
        form = await request.form()
        found.extend(
            part
            for name, value in form.multi_items()
            if isinstance(value, str)
            for part in _unstorable_parts(value, ("body", name))
        )
    elif await request.body():
        try:
            body = await request.json()  # cached: the route's own reading parses nothing again
        except ValueError:
            body = None  # FastAPI answers for text that is not JSON
        found.extend(_unstorable_parts(body, ("body",)))
    if found:
        raise RequestValidationError(found)


def _echoable(error: dict[str, Any]) -> dict[str, Any]:
    """A validation error as FastAPI writes it, but writable whatever the input was: a value
    is echoed made JSON-safe (no NaN, no lone surrogates), a whole object or list is not (it can
    nest deeper than any encoder recurses, and the client sent it)."""
    shown = {k: v for k, v in error.items() if k not in {"input", "ctx"}}
    value = error.get("input")
    if isinstance(value, float) and not math.isfinite(value):
        shown["input"] = str(value)
    elif isinstance(value, str) and unstorable(value) is not None:
        safe = value.encode("utf-8", "backslashreplace").decode("utf-8")
        shown["input"] = safe.replace("\x00", "\\x00")
    elif isinstance(value, str | int | float | bool) or value is None and "input" in error:
        shown["input"] = value
    if "ctx" in error:  # the reason a value error gives, as text
        shown["ctx"] = {k: str(v) for k, v in error["ctx"].items()}
    return shown


def _add_error_handlers(app: FastAPI) -> None:
    def invalid(_: Request, error: Exception) -> JSONResponse:
        # FastAPI's own 422 body, but one whose echoed input cannot break the response itself.
        assert isinstance(error, RequestValidationError)
        return JSONResponse(
            {"detail": [jsonable_encoder(_echoable(e)) for e in error.errors()]},
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )

    app.add_exception_handler(RequestValidationError, invalid)

    def detail(code: int) -> Callable[[Request, Exception], JSONResponse]:
        def handle(_: Request, error: Exception) -> JSONResponse:
            return JSONResponse({"detail": str(error)}, status_code=code)

        return handle

    app.add_exception_handler(store.NotFound, detail(status.HTTP_404_NOT_FOUND))
    app.add_exception_handler(store.AlreadyExists, detail(status.HTTP_409_CONFLICT))

    def second_story(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, store.ApplicationExists)
        body = {"detail": str(error), "application_id": error.application_id}
        return JSONResponse(body, status_code=status.HTTP_409_CONFLICT)

    app.add_exception_handler(store.ApplicationExists, second_story)
    app.add_exception_handler(store.VersionConflict, detail(status.HTTP_409_CONFLICT))
    app.add_exception_handler(store.NotInWork, detail(status.HTTP_409_CONFLICT))
    app.add_exception_handler(store.VacancyNotOpen, detail(status.HTTP_409_CONFLICT))

    def impossible(_: Request, error: Exception) -> JSONResponse:
        # The shape of FastAPI's own 422s; the message names the steps, never a note.
        return JSONResponse(
            {"detail": [{"loc": ["body"], "msg": str(error), "type": "value_error"}]},
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        )

    app.add_exception_handler(store.ImpossibleStep, impossible)

    def unavailable(_: Request, error: Exception) -> JSONResponse:
        # The driver's message is not logged: with SQLite it can quote the statement's values.
        logger.warning("database unavailable or busy (%s)", type(error).__name__)
        return JSONResponse(
            {"detail": "the database is busy or unreachable; try again shortly"},
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "1"},
        )

    app.add_exception_handler(OperationalError, unavailable)
    app.add_exception_handler(PoolTimeout, unavailable)


class BodyLimit:
    """413 for a request body over `max_bytes`, by its Content-Length or as it streams in."""

    def __init__(self, app: ASGIApp, max_bytes: int, larger: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = larger or {}
        """Paths starting so (uploaded sheets) take up to this many bytes instead."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = next((n for p, n in self.larger.items() if path.startswith(p)), self.max_bytes)
        too_large = f"request body too large: at most {limit} bytes"
        length = Headers(scope=scope).get("content-length", "0")
        if not length.isdigit() or int(length) > limit:
            code = status.HTTP_413_CONTENT_TOO_LARGE if length.isdigit() else 400
            detail = too_large if length.isdigit() else "Content-Length is not a number"
            await JSONResponse({"detail": detail}, status_code=code)(scope, receive, send)
            return
        received = 0

        async def counting() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                # Raised while the route reads its body: FastAPI turns it into the response.
                raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, too_large)
            return message

        await self.app(scope, counting, send)


class QuietErrors:
    """Answers 500 for an unexpected error and logs only its type and the route, never values.

    Exception messages can carry request data (a person's details); the default handlers log
    them with the traceback, so this catches them first.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as error:
            route = scope.get("route")
            where = getattr(route, "path", None) or "(no route)"
            logger.error("unexpected %s in %s %s", type(error).__name__, scope.get("method"), where)
            if not started:
                response = JSONResponse(
                    {"detail": "internal error; it has been logged without request data"},
                    status_code=500,
                )
                await response(scope, receive, send)
