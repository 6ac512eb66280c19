"""The API docs, Swagger UI at /docs and ReDoc at /redoc, served whole by the service itself.

FastAPI's own pages load their scripts from a CDN, so without internet they are blank. These
are the same pages with Swagger UI's and ReDoc's files from the installed
`fastapi-standalone-docs` package (nothing copied into this repository, nothing fetched at run
time: its ReDoc bundle asks for its logo beside the page, not on redoc.ly), and the OpenAPI
document they show has a request and an answer from the fixtures for every operation
(`service.examples`).
"""

from __future__ import annotations

import threading
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from service.examples import add_examples

PACKAGE = "fastapi_standalone_docs"


def install(app: FastAPI, *, docs_url: str = "/docs", redoc_url: str = "/redoc") -> None:
    """Serve the docs pages and their files on `app`, made with FastAPI's `docs_url=None` and
    `redoc_url=None` (so its CDN pages are not there)."""
    # The files beside each page, where the package's ReDoc looks for its logo (the page's
    # path + "/logo-mini.svg"); the favicon's folder first, or the one of /docs would hide it.
    for url, folder in (
        (f"{docs_url}/fastapi", "static/fastapi"),  # favicon.png
        (docs_url, "static/swagger"),  # swagger-ui-bundle.js, swagger-ui.css
        (redoc_url, "static/redoc"),  # redoc.standalone.js, logo-mini.svg
    ):
        app.mount(url, StaticFiles(packages=[(PACKAGE, folder)]), name=f"docs files {url}")
    with_examples(app)

    def urls(request: Request) -> tuple[str, str]:
        # Behind a proxy that strips a prefix, every URL the page names carries it.
        root = request.scope.get("root_path", "").rstrip("/")
        return root + (app.openapi_url or "/openapi.json"), root

    def swagger_ui(request: Request) -> HTMLResponse:
        openapi_url, root = urls(request)
        # The first build computes the examples (a second or so): here, in the thread pool,
        # rather than in FastAPI's /openapi.json route, which runs on the event loop.
        app.openapi()
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{docs_url}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{docs_url}/swagger-ui.css",
            swagger_favicon_url=f"{root}{docs_url}/fastapi/favicon.png",
            oauth2_redirect_url=None,  # keys go in a header: no OAuth sign-in to return to
            # No validator badge: Swagger UI would send the document to validator.swagger.io.
            swagger_ui_parameters={**(app.swagger_ui_parameters or {}), "validatorUrl": None},
        )

    def redoc(request: Request) -> HTMLResponse:
        openapi_url, root = urls(request)
        app.openapi()  # as for swagger_ui
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{redoc_url}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{docs_url}/fastapi/favicon.png",
            with_google_fonts=False,
        )

    app.add_api_route(docs_url, swagger_ui, include_in_schema=False)
    app.add_api_route(redoc_url, redoc, include_in_schema=False)


def with_examples(app: FastAPI) -> None:
    """The app's OpenAPI document, as FastAPI builds it, with the fixtures' examples added.

    They are added to the built document, not given to FastAPI in each route's `responses`,
    because FastAPI drops every null from examples (it writes the document without None), and
    the answers have nulls the schemas require (a note not written, a vacancy's `dutch: null`).
    They are computed on the first build, not at start-up (the engine ranks the fixtures for
    them, and the planner imports scipy: about a second), and kept for the process.
    """
    build = app.openapi
    lock = threading.Lock()
    shown: list[dict[str, Any]] = []  # the document last given its examples

    def openapi() -> dict[str, Any]:
        document = build()  # FastAPI keeps it, and builds it again only if the routes change
        if shown and shown[0] is document:
            return document
        with lock:  # a request meanwhile waits: it must not send a document half written
            if not (shown and shown[0] is document):
                add_examples(document)
                shown[:] = [document]
        return document

    app.openapi = openapi  # type: ignore[method-assign]
