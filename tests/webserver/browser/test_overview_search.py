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


@pytest.mark.slow
def test_run_list_filters_in_the_url_and_bulk_reexecute(dev_url: str, page: Any) -> None:
    from playwright.sync_api import expect

    base = dev_url
    first = _launch(base)
    second = _launch(base)
    page.goto(base + "/runs")
    rows = page.locator("#run-rows > tr[data-run-id]")
    expect(rows).to_have_count(2, timeout=60_000)
    page.locator("#filter-tag").fill("ticket=FIN-7")
    page.locator("#filter-tag").press("Enter")
    expect(page).to_have_url(re.compile(r"tag=ticket%3DFIN-7"))
    expect(rows).to_have_count(2)
    page.locator("#filter-tag").fill("ticket=nothing")
    page.locator("#filter-tag").press("Enter")
    expect(rows).to_have_count(0)
    # The filters survive a reload: they are in the URL.
    page.goto(base + "/runs?tag=ticket%3DFIN-7&status=FAILURE")
    expect(page.locator("#filter-tag")).to_have_value("ticket=FIN-7")
    expect(page.locator('input.status-filter[value="FAILURE"]')).to_be_checked()
    expect(rows).to_have_count(2, timeout=60_000)
    for run_id in (first, second):
        page.locator(f'#run-rows tr[data-run-id="{run_id}"] .run-pick').check()
    expect(page.locator("#picked-count")).to_have_text("2 selected")
    page.locator("#bulk-reexecute").click()
    expect(page.locator("#notice")).to_have_text("Re-executed 2 runs.")
    page.goto(base + "/runs?tag=ticket%3DFIN-7")
    expect(rows).to_have_count(4)
    screenshot(page, "runs-1-filtered-bulk")
    assert not page.problems.messages, page.problems.messages
