"""Browser fixtures: the system Chromium through Playwright, screenshots as artifacts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from services import unavailable

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def _require_browser() -> None:
    """Skip locally when Chromium or Playwright is missing; in CI that is a failure."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(str(CHROMIUM))
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package")
    if missing:
        unavailable(f"browser tests need {' and '.join(missing)}")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session."""
    _require_browser()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)  # generous: CI shares two cores with other tests
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


class PageProblems:
    """Console errors, uncaught exceptions and CSP violations seen by a page."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def attach(self, page: Any) -> None:
        page.on("console", lambda msg: self.messages.append(
            f"console {msg.type}: {msg.text} at {msg.location.get('url')}")
            if msg.type == "error" else None)
        page.on("pageerror", lambda error: self.messages.append(f"page error: {error}"))


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser page; a screenshot is saved under artifacts/ when the test ends."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(30_000)
    tab = context.new_page()
    problems = PageProblems()
    problems.attach(tab)
    tab.problems = problems
    yield tab
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    try:
        shot = ARTIFACTS / f"{name}-final.png"
        tab.screenshot(path=str(shot), full_page=True)
        print(f"screenshot: {shot}")
    finally:
        context.close()


def screenshot(page: Any, name: str) -> Path:
    """Save a screenshot of ``page`` as ``artifacts/<name>.png`` and print where it went."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path
