"""The pages' routes: sign-in, sign-out, the language switch and the (placeholder) home page."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Form, Request, status
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from matcher.reasons import page_text, supported
from service import store
from service.deps import (
    SESSION_COOKIE,
    CsrfRefused,
    MaybeSignedIn,
    SessionDep,
    SettingsDep,
    SignedInDep,
    SignInRequired,
    client_address,
    from_https,
    verify_csrf,
)
from service.web import coach, coordinator, employer, imports, plan
from service.web.render import LANGUAGE_COOKIE, STATIC, local_path, page_language, render

router = APIRouter(include_in_schema=False)

FormText = Annotated[str, Form()]


def _see(path: str) -> RedirectResponse:
    """303: after a form, the browser asks for the next page with GET."""
    return RedirectResponse(path, status_code=status.HTTP_303_SEE_OTHER)


@router.get("/")
def home(request: Request, signed_in: SignedInDep) -> Response:
    account = signed_in.account
    text = page_text(page_language(request, signed_in))
    return render(
        request,
        "home.html",
        page="home",
        signed_in=signed_in,
        account=account,
        role=text.gettext(f"page.role.{account.role}"),
    )


@router.get("/sign-in")
def sign_in_form(
    request: Request, signed_in: MaybeSignedIn, next: str = "/", signed_out: bool = False
) -> Response:
    if signed_in is not None:
        return _see(local_path(next))
    return _sign_in_page(request, next=local_path(next), notice=signed_out)


def _sign_in_page(
    request: Request,
    *,
    next: str,
    email: str = "",
    errors: dict[str, str] | None = None,
    form_error: str | None = None,
    notice: bool = False,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        "sign_in.html",
        page="sign-in",
        signed_in=None,
        status_code=status_code,
        headers=headers,
        here="/sign-in" if next == "/" else f"/sign-in?next={_quoted(next)}",
        next=next,
        email=email,
        errors=errors or {},
        form_error=form_error,
        notice=notice,
    )


@router.post("/sign-in")
def sign_in(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: FormText = "",
    password: FormText = "",
    next: FormText = "/",
) -> Response:
    """A session for the account these open (a cookie, and on to `next`); else the form again,
    the e-mail kept and the error beside its field; 429 after too many failures."""
    text = page_text(page_language(request, None))
    target = local_path(next)
    email = email.strip()

    def again(status_code: int, headers: dict[str, str] | None = None, **errors: str) -> Response:
        form_error = errors.pop("form", None)
        return _sign_in_page(
            request,
            next=target,
            email=email,
            errors=errors,
            form_error=form_error,
            status_code=status_code,
            headers=headers,
        )

    if not email:
        return again(400, email=text.gettext("page.sign_in.email_missing"))
    try:
        store.check_email(email)
    except ValueError:
        return again(400, email=text.gettext("page.sign_in.email_invalid"))
    if not password:
        return again(400, password=text.gettext("page.sign_in.password_missing"))
    address = client_address(request, settings)
    window = timedelta(minutes=settings.sign_in_window_minutes)
    wait = store.sign_in_wait(
        session,
        email=email,
        address=address,
        window=window,
        per_email=settings.sign_in_failures_per_email,
        per_address=settings.sign_in_failures_per_address,
    )
    if wait is not None:
        minutes = math.ceil(wait / 60)
        return again(
            status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(wait)},
            form=text.gettext("page.sign_in.too_many", count=minutes),
        )
    account = None
    if len(password) <= store.PASSWORD_MAX:
        account = store.check_sign_in(session, email=email, password=password)
    if account is None:
        store.record_sign_in_failure(session, email=email, address=address, window=window)
        return again(400, password=text.gettext("page.sign_in.wrong"))
    store.clear_sign_in_failures(session, email=email)
    if old := request.cookies.get(SESSION_COOKIE):
        store.end_session(session, token=old)
    lifetime = timedelta(hours=settings.session_hours)
    token = store.start_session(session, account_id=account.id, lifetime=lifetime)
    response = _see(target)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(lifetime.total_seconds()),
        path="/",
        secure=from_https(request, settings),
        httponly=True,
        samesite="lax",
    )
    return response


@router.post("/sign-out")
def sign_out(request: Request, session: SessionDep, _: SignedInDep) -> Response:
    """The session ends here, on the server: its cookie opens nothing any more."""
    store.end_session(session, token=request.cookies[SESSION_COOKIE])
    response = _see("/sign-in?signed_out=true")
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")
    return response


@router.post("/language")
def choose_language(
    session: SessionDep,
    signed_in: MaybeSignedIn,
    language: FormText = "",
    next: FormText = "/",
    csrf_token: FormText = "",
) -> Response:
    """The pages in this language from now on: kept in the account of a signed-in reader
    (whose form token is checked), and in a cookie for the browser either way."""
    chosen = supported(language)
    response = _see(local_path(next))
    if chosen is None:
        return response
    if signed_in is not None:
        verify_csrf(signed_in, csrf_token)
        store.set_language(session, account_id=signed_in.account.id, language=chosen)
    response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=365 * 24 * 3600, path="/", samesite="lax")
    return response


def _sign_in_required(request: Request, _: Exception) -> Response:
    if request.method in ("GET", "HEAD"):
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        target = "/sign-in" if here == "/" else f"/sign-in?next={_quoted(here)}"
        return _see(target)
    return _error_page(request, "sign_in_required", status.HTTP_401_UNAUTHORIZED)


def _csrf_refused(request: Request, _: Exception) -> Response:
    return _error_page(request, "csrf", status.HTTP_403_FORBIDDEN)


def _error_page(request: Request, which: str, status_code: int) -> Response:
    return render(
        request,
        "error.html",
        page="error",
        signed_in=None,
        status_code=status_code,
        title=f"page.error.{which}.title",
        message=f"page.error.{which}",
    )


def _quoted(path: str) -> str:
    return quote(path, safe="")


def install(app: FastAPI) -> None:
    """The pages' routes, their static files (/static), and their answers for a reader who is
    not signed in or a form without its token."""
    app.include_router(router)
    app.include_router(imports.router)  # before the pages that would read "import" as an id
    coach.install(app)  # the jobhunters' and coaches' pages
    plan.install(app)  # this week's plan, a vacancy's candidates
    employer.install(app)  # the employers' pages
    coordinator.install(app)  # the coordinators' pages
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(CsrfRefused, _csrf_refused)
