"""Browser tests: the app under a live uvicorn, with the fixtures, driven by Debian's Chromium
through Playwright (pytest-playwright's `page`). Playwright's own browser download is not
possible here: the browser is the system's (`apt-get install -y chromium`; `.ci/run` does it),
or the one MATCHER_CHROMIUM names. Without one, these tests skip and say so."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "service"))
from support import LiveServer, settings_for  # noqa: E402

from service.app import create_app  # noqa: E402

CHROMIUM = (
    os.environ.get("MATCHER_CHROMIUM")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
)
_PAGES = Path(__file__).resolve().parent
SCREENSHOTS = Path(
    os.environ.get("MATCHER_SCREENSHOTS")
    or Path(os.environ.get("TMPDIR", "/tmp")) / "matcher-screenshots"
)
"""Where the screenshot tests write: the README's (docs/screenshots) only when asked,
`MATCHER_SCREENSHOTS=docs/screenshots ./dev test tests/pages`, so a test run changes no file."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM:
        return
    if os.environ.get("MATCHER_REQUIRE_BROWSER"):  # CI: the journeys must run, not skip
        raise pytest.UsageError("MATCHER_REQUIRE_BROWSER is set, but there is no Chromium")
    skip = pytest.mark.skip(
        reason="no Chromium for the browser tests: apt-get install -y chromium (Debian's), or"
        " set MATCHER_CHROMIUM to a Chromium binary"
    )
    for item in items:
        if _PAGES in Path(str(item.fspath)).resolve().parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The service over a fresh SQLite file, loaded with the fixtures on start, as `./dev
    serve` runs it."""
    folder = tmp_path_factory.mktemp("pages")
    app = create_app(settings_for(f"sqlite:///{folder}/pages.sqlite3"))
    with LiveServer(app) as server:
        server.app = app  # type: ignore[attr-defined]
        yield server
