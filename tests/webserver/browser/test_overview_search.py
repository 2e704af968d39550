"""The home page (run timeline per job, what needs attention) and Ctrl-K search, on a real
``headwater dev``."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import screenshot
from .devserver import headwater_dev
from .test_run_debugging import DEBUG_CODE, _launch


@pytest.fixture
def dev_url(tmp_path: Path) -> Iterator[str]:
    project = tmp_path / "debug_code"
    shutil.copytree(DEBUG_CODE, project, ignore=shutil.ignore_patterns("__pycache__"))
    with headwater_dev(project, "definitions.py", tmp_path / "home") as url:
        yield url


@pytest.mark.slow
def test_overview_timeline_counts_and_global_search(dev_url: str, page: Any) -> None:
    from playwright.sync_api import expect

    base = dev_url
    run_id = _launch(base)
    page.goto(base + "/")
    bar = page.locator(f'.job-row[data-job="daily_job"] rect.run-bar[data-run-id="{run_id}"]')
    expect(bar).to_have_attribute("data-status", "FAILURE", timeout=60_000)
    expect(page.locator('[data-count="failed"] strong')).to_have_text("1")
    expect(page.locator('[data-count="failing_checks"] strong')).to_have_text("1")
    page.locator('button[data-hours="6"]').click()
    expect(page).to_have_url(re.compile(r"hours=6"))
    expect(bar).to_have_count(1)
    screenshot(page, "overview-1-timeline")

    page.keyboard.press("Control+k")
    search = page.locator("#search-input")
    expect(search).to_be_focused()
    search.fill("clean")
    results = page.locator("#search-results li")
    expect(results.first).to_contain_text("cleaned_orders")
    kinds = results.evaluate_all("items => items.map(i => i.dataset.kind)")
    assert kinds[0] == "asset", kinds
    screenshot(page, "overview-2-search")
    search.press("Enter")
    page.wait_for_url("**/assets/cleaned_orders?location=definitions")
    page.keyboard.press("Control+k")
    page.locator("#search-input").fill("daily")
    expect(page.locator('#search-results li[data-kind="job"]')).to_contain_text("daily_job")
    assert not page.problems.messages, page.problems.messages
