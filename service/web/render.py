"""Pages rendered from Jinja templates in the reader's language, with the headers every page has."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from matcher.reasons import DEFAULT_LANGUAGE, LANGUAGES, Language, page_text, supported, translator
from matcher.reasons import from_accept_language as _from_accept_language
from service.store import SignedIn

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
LANGUAGE_COOKIE = "matcher_language"
"""The pages' language of a visitor who is not signed in (a signed-in one's is in the account)."""
LANGUAGE_NAMES: dict[Language, str] = {
    "nl": "Nederlands",
    "en": "English",
    "uk": "Українська",
    "ru": "Русский",
}
"""Each language by its own name, so that a reader finds theirs whatever the page is in."""
SWITCH_ORDER: tuple[Language, ...] = ("nl", "en", "uk", "ru")
assert set(SWITCH_ORDER) == set(LANGUAGES)

MENU: dict[str, tuple[tuple[str, str], ...]] = {
    "jobhunter": (
        ("/people", "page.coach.title"),
        ("/plan", "page.plan.title"),
        ("/people/new", "page.intake.title"),
        ("/people/import", "page.import.people.title"),
        ("/employer/vacancies", "page.employer.list.title"),
    ),
    "coordinator": (
        ("/people", "page.coach.title"),
        ("/plan", "page.plan.title"),
        ("/people/new", "page.intake.title"),
        ("/people/import", "page.import.people.title"),
        ("/employer/vacancies", "page.employer.list.title"),
        ("/figures", "page.coordinator.nav.figures"),
        ("/coordinator/weights", "page.coordinator.nav.weights"),
        ("/coordinator/attention", "page.coordinator.nav.attention"),
        ("/coordinator/accounts", "page.coordinator.nav.accounts"),
    ),
    "employer": (("/employer/vacancies", "page.employer.list.title"),),
    "admin": (("/coordinator/accounts", "page.coordinator.nav.accounts"),),
}
"""Each role's pages, in the menu at the top of every page (and on the home page)."""

HEADERS = {
    # A page may change with the session and the language, and holds a form token: never cached.
    "Cache-Control": "no-store",
    "Vary": "Cookie, Accept-Language",
    # Only our own styles and forms; no page is framed by another site (clickjacking).
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self';"
    " base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@cache
def environment(language: Language) -> Environment:
    """The templates, with `_` (and gettext, ngettext) bound to this language's catalogue."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    text = page_text(language)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=text.gettext, ngettext=text.ngettext, newstyle=False
    )
    # Scores as the language writes them ("0,85" in Dutch), on every page alike.
    env.filters["decimal"] = translator(language).decimal
    return env


def page_language(request: Request, signed_in: SignedIn | None) -> Language:
    """The account's choice, else the visitor's cookie, else their browser's, else English."""
    if signed_in is not None and (chosen := supported(signed_in.account.language)) is not None:
        return chosen
    return (
        supported(request.cookies.get(LANGUAGE_COOKIE))
        or _from_accept_language(request.headers.get("accept-language"))
        or DEFAULT_LANGUAGE
    )


def local_path(target: str | None, default: str = "/") -> str:
    """`target` if it is a path on this site (never another site's address: an open redirect)."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 32 for c in target)
    ):
        return default
    return target


def render(
    request: Request,
    template: str,
    *,
    page: str,
    signed_in: SignedIn | None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    here: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """The template in the page's language. Every page gets what base.html shows: the language
    switch (coming back `here`: by default this page if it was a GET, else home), and for a
    signed-in reader the sign-out button with the form token."""
    language = page_language(request, signed_in)
    if here is None and request.method == "GET":
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    html = (
        environment(language)
        .get_template(template)
        .render(
            language=language,
            languages=[(code, LANGUAGE_NAMES[code]) for code in SWITCH_ORDER],
            page=page,
            here=local_path(here),
            signed_in=signed_in,
            menu=MENU[signed_in.account.role] if signed_in is not None else (),
            csrf_token=signed_in.csrf_token if signed_in is not None else None,
            **context,
        )
    )
    return HTMLResponse(
        html,
        status_code=status_code,
        headers={**HEADERS, "Content-Language": language, **(headers or {})},
    )
