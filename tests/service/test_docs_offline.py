"""The API docs work without internet: /docs and /redoc name only files this service serves
(Swagger UI's and ReDoc's, from the installed package), and the OpenAPI document shows a request
and an answer from the fixtures for every operation, each valid by its schema and, where it says
so, exactly what the service answers on a fresh database. In Chromium, with every address but
this machine's unreachable, both pages render the operations and ask nothing elsewhere."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from support import LiveServer, as_role, settings_for

from service.app import create_app
from service.settings import Settings

DOCUMENT = create_app(Settings()).openapi()
OPERATIONS = [
    (method.upper(), path, operation)
    for path, operations in DOCUMENT["paths"].items()
    for method, operation in operations.items()
]
PAGES = ("/docs", "/redoc")
KINDS = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".json": "application/json",
}
CHROMIUM = Path("/usr/bin/chromium")


class _Links(HTMLParser):
    """Every URL a page names in its tags: src, href and ReDoc's spec-url."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls.extend(v for k, v in attrs if k in {"src", "href", "spec-url"} and v)


def _success(operation: dict[str, Any]) -> str:
    return next(code for code in operation["responses"] if code.startswith("2"))


def _examples() -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(where, schema, example) for every example of a request body or an answer."""
    for method, path, operation in OPERATIONS:
        for kind, media in operation.get("requestBody", {}).get("content", {}).items():
            for name, example in media.get("examples", {}).items():
                yield f"{method} {path} request {kind} {name}", media["schema"], example
        for code, response in operation["responses"].items():
            for kind, media in response.get("content", {}).items():
                for name, example in media.get("examples", {}).items():
                    yield f"{method} {path} {code} {kind} {name}", media["schema"], example


EXAMPLES = list(_examples())


def _asked() -> Iterator[Any]:
    """The answers that name the request a fresh database answers with them."""
    for where, _, example in EXAMPLES:
        found = re.search(r"`(GET|POST) (\S+)`", example.get("description", ""))
        if " request " not in where and found:
            yield pytest.param(found.group(1), found.group(2), example, id=where)


ASKED = list(_asked())


@pytest.fixture(scope="module")
def pages() -> TestClient:
    """The app without its lifespan: the docs need no database."""
    return TestClient(create_app(Settings()))


@pytest.mark.parametrize("page", PAGES)
def test_the_docs_pages_name_only_files_this_service_serves(pages: TestClient, page: str) -> None:
    response = pages.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert not re.search(r"https?:|//[a-z]", response.text, re.I), "an address elsewhere"
    links = _Links()
    links.feed(response.text)
    assert any(url.endswith(".js") for url in links.urls), links.urls
    assert "/openapi.json" in links.urls or "url: '/openapi.json'" in response.text
    for url in {*links.urls, "/openapi.json"}:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc and url.startswith("/"), url
        asset = pages.get(url)
        assert asset.status_code == 200, url
        kind = KINDS[Path(parts.path).suffix]
        assert asset.headers["content-type"].split(";")[0] == kind, url


@pytest.mark.parametrize(
    ("url", "packaged"),
    [
        ("/docs/swagger-ui-bundle.js", "swagger/swagger-ui-bundle.js"),
        ("/docs/swagger-ui.css", "swagger/swagger-ui.css"),
        ("/docs/fastapi/favicon.png", "fastapi/favicon.png"),
        ("/redoc/redoc.standalone.js", "redoc/redoc.standalone.js"),
        # ReDoc shows its logo from beside the page (the package patched its CDN address out)
        ("/redoc/logo-mini.svg", "redoc/logo-mini.svg"),
    ],
)
def test_the_files_are_the_installed_packages(pages: TestClient, url: str, packaged: str) -> None:
    served = pages.get(url)
    assert served.status_code == 200
    folder = resources.files("fastapi_standalone_docs") / "static"
    assert served.content == (folder / packaged).read_bytes()
    assert b"cdn.redoc.ly" not in served.content and b"cdn.jsdelivr" not in served.content


def test_the_document_is_served_where_it_was_with_the_examples(pages: TestClient) -> None:
    assert pages.get("/openapi.json").json() == DOCUMENT


def test_every_operation_with_a_body_shows_a_request() -> None:
    missing = [
        f"{method} {path} ({kind})"
        for method, path, operation in OPERATIONS
        for kind, media in operation.get("requestBody", {}).get("content", {}).items()
        if not media.get("examples")
    ]
    assert not missing


def test_every_operation_shows_its_answer() -> None:
    """Every success response with a body has an example; the others are 204 No Content."""
    missing = []
    for method, path, operation in OPERATIONS:
        code = _success(operation)
        content = operation["responses"][code].get("content")
        if code == "204":
            assert not content, f"{method} {path}"
        elif not content or not all(media.get("examples") for media in content.values()):
            missing.append(f"{method} {path} {code}")
    assert not missing


@pytest.mark.parametrize(("where", "schema", "example"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_each_example_is_valid_by_its_schema(
    where: str, schema: dict[str, Any], example: dict[str, Any]
) -> None:
    validator = Draft202012Validator({**schema, "components": DOCUMENT["components"]})
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(example["value"])
    ]
    assert not errors, "\n".join(errors[:5])
    assert example.get("summary")


def test_answers_keep_their_nulls() -> None:
    """FastAPI drops nulls from examples; an answer's required nullable fields stay."""
    weights = DOCUMENT["paths"]["/keys"]["get"]["responses"]["200"]["content"]["application/json"]
    admin = weights["examples"]["two"]["value"][0]
    assert admin["role"] == "admin" and "employer" in admin and admin["employer"] is None


def test_most_answers_can_be_asked() -> None:
    """The answers that do not depend on when a write happened name the request they answer."""
    assert len(ASKED) >= 15


@pytest.mark.parametrize(("method", "url", "example"), ASKED)
def test_an_answer_shown_is_the_services_own(
    client: TestClient, keys: dict[str, str], method: str, url: str, example: dict[str, Any]
) -> None:
    response = client.request(method, url, headers=as_role(keys, "coordinator"))
    assert response.status_code in {200, 201}, response.text
    assert response.json() == example["value"]


@pytest.fixture(scope="module")
def live(database_url: str) -> Iterator[LiveServer]:
    with LiveServer(create_app(settings_for(database_url))) as server:
        yield server


def _page_requests(netlog: Path, origin: str) -> list[str]:
    """The URLs the page itself asked for (Chromium's own background requests aside)."""
    text = netlog.read_text("utf-8")
    try:
        log = json.loads(text)
    except json.JSONDecodeError:  # cut short at exit: the events so far
        log = json.loads(text.rstrip().rstrip(",") + "]}")
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        e["params"]["url"]
        for e in log["events"]
        if e["type"] == start and e.get("params", {}).get("initiator") == origin
    ]


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium")
@pytest.mark.parametrize(
    ("page", "shows"),
    [
        ("/docs", ['data-path="/candidates/{candidate_id}/shortlist"', "opblock-tag"]),
        # ReDoc also lays out the first answer's example on the side
        ("/redoc", ["Candidate Shortlist", "c-0002", "Response samples"]),
    ],
)
def test_the_docs_render_in_chromium_with_no_internet(
    live: LiveServer, tmp_path: Path, page: str, shows: list[str]
) -> None:
    netlog = tmp_path / "net.json"
    shown = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-extensions",
            "--disable-sync",
            # Every address but this machine's goes to a proxy that is not there.
            "--proxy-server=http://127.0.0.1:9",
            f"--log-net-log={netlog}",
            "--virtual-time-budget=20000",
            "--dump-dom",
            live.url + page,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    for text in shows:
        assert text in shown, text
    asked = _page_requests(netlog, live.url)
    assert f"{live.url}/openapi.json" in asked
    assert all(url.startswith(live.url + "/") for url in asked), asked
