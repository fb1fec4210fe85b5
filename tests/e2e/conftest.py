"""Browser tests: Playwright (sync API) driving Debian's chromium against pytest-django's live server.

Never downloads a browser: the binary is /usr/bin/chromium (or $INNOHUB_BROWSER). Tests are skipped,
with the reason, only when that binary does not exist.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

BROWSER_PATH = os.environ.get("INNOHUB_BROWSER", "/usr/bin/chromium")
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e"
#: generous: the suite runs beside other tests on two cores
TIMEOUT_MS = 20_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if Path(BROWSER_PATH).exists():
        return
    skip = pytest.mark.skip(reason=f"chromium not found at {BROWSER_PATH} (set INNOHUB_BROWSER)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One headless chromium per test module.

    Playwright's sync API runs an asyncio loop in this thread, which makes Django refuse ORM calls from
    the test ("SynchronousOnlyOperation"), although they are synchronous here; the flag is set only
    while the browser is open, and the browser is closed at the end of the module.
    """
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=BROWSER_PATH, args=BROWSER_ARGS, headless=True)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def new_page(chromium: Any) -> Iterator[Any]:
    """Open a page in a fresh browser context (its own cookies: a different visitor); all are closed
    after the test. Vietnamese, like most of the portal's visitors."""
    contexts: list[Any] = []

    def open_page(locale: str = "vi-VN") -> Any:
        context = chromium.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def page(new_page: Any) -> Any:
    return new_page()


@pytest.fixture
def screenshot() -> Any:
    """Save the page as artifacts/e2e/<name>.png (gitignored) for humans to look at after a run."""

    def save(pg: Any, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        pg.screenshot(path=str(path), full_page=True)
        return path

    return save
