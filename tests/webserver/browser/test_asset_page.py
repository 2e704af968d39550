"""The asset page's tabs on a real ``headwater dev``: safe markdown, column lineage,
every numeric metadata key plotted, downstream assets, check history."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import screenshot
from .test_overview_search import dev_url  # noqa: F401 - the fixture
from .test_run_debugging import _launch


@pytest.mark.slow
def test_asset_tabs_markdown_lineage_plots_and_checks(dev_url: str, page: Any  # noqa: F811
                                                      ) -> None:
    from playwright.sync_api import expect

    base = dev_url
    for _ in range(2):
        run_id = _launch(base)
        page.goto(f"{base}/runs/{run_id}")
        expect(page.locator("#run-status")).to_have_attribute("data-status", "FAILURE",
                                                              timeout=60_000)
    page.goto(base + "/assets/cleaned_orders")
    notes = page.locator('.metadata tr[data-label="notes"] .markdown')
    expect(notes.locator("h3")).to_have_text("Cleaning")
    expect(notes.locator("strong")).to_have_text("Drops")
    expect(notes.locator('a[href="https://example.com/docs"]')).to_have_text("the docs")
    expect(notes.locator("li")).to_have_count(2)
    expect(notes).to_contain_text("<script>window.__xss=9</script>")  # shown as text
    expect(notes.locator('a[href^="javascript"]')).to_have_count(0)
    expect(page.locator(".key-list a").first).to_have_text("revenue_report")  # downstream
    screenshot(page, "asset-1-overview")

    page.locator('button[data-tab="lineage"]').click()
    expect(page).to_have_url(re.compile(r"tab=lineage"))
    lineage = page.locator('.tab-panel[data-tab="lineage"] table.column-lineage')
    expect(lineage.locator('tr[data-column="total"] code')).to_have_text(
        ["total", "price", "quantity"])
    screenshot(page, "asset-2-lineage")

    page.locator('button[data-tab="events"]').click()
    expect(page.locator('.all-plots .plot-cell[data-label="rows"] svg.chart')).to_have_count(1)
    expect(page.locator('.all-plots .plot-cell[data-label="dropped"] svg.chart')).to_have_count(1)
    page.locator('button[data-tab="checks"]').click()
    history = page.locator('.check-history[data-check="enough_orders"]')
    history.locator("summary").click()
    expect(history.locator("tbody tr")).to_have_count(2)
    screenshot(page, "asset-3-checks")
    assert page.evaluate("window.__xss") is None
    assert not page.problems.messages, page.problems.messages
