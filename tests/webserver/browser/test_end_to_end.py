"""The whole product in a browser: ``headwater dev`` on a copy of the quickstart example."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import screenshot
from .devserver import headwater_dev

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "quickstart"


@pytest.fixture
def dev_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``headwater dev -f definitions.py --port 0`` on a copy of the example; yields (url, file)."""
    project = tmp_path / "quickstart"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("__pycache__"))
    with headwater_dev(project, "definitions.py", tmp_path / "home") as url:
        yield url, project / "definitions.py"


@pytest.mark.slow
def test_deploy_materialize_break_fix_and_schedule_in_the_browser(
    dev_server: tuple[str, Path], page: Any,
) -> None:
    from playwright.sync_api import expect

    base, code_file = dev_server
    page.goto(base + "/locations")
    card = page.locator('section.location[data-location="definitions"]')
    expect(card).to_have_attribute("data-status", "loaded", timeout=60_000)
    expect(card.locator(".source")).not_to_have_text("—")
    expect(page.locator("#health")).to_contain_text("daemon: running")
    screenshot(page, "e2e-1-deployment")

    page.goto(base + "/assets/graph")
    expect(page.locator("#asset-graph")).to_have_attribute("data-rendered", "5")
    page.get_by_role("button", name="Select all").click()
    expect(page.locator("#selected-count")).to_have_text("5 selected")
    screenshot(page, "e2e-2-graph")
    page.get_by_role("button", name="Materialize selected").click()
    page.wait_for_url(re.compile(r".*/runs/[0-9a-f-]+$"))
    expect(page.locator("#run-status")).to_have_attribute("data-status", "SUCCESS",
                                                          timeout=90_000)
    expect(page.locator('#event-rows tr[data-event-type="RUN_SUCCESS"]')).to_have_count(1)
    assert page.locator("#event-rows tr").count() > 5
    expect(page.locator(".gantt .step").first).to_be_visible()
    assert page.locator(".gantt .step rect.bar").count() >= 5  # five assets (+ the check)
    screenshot(page, "e2e-3-run")

    good_code = code_file.read_text()
    code_file.write_text(good_code + "\ndef broken(:\n")
    broken_line = len(good_code.splitlines()) + 2
    page.goto(base + "/locations")
    card.get_by_role("button", name="Reload").click()
    expect(card).to_have_attribute("data-status", "error", timeout=60_000)
    expect(card.locator(".load-error .error-message")).to_contain_text("SyntaxError")
    expect(card.locator(".load-error pre.traceback")).to_contain_text("def broken(:")
    expect(card.locator(".load-error pre.traceback")).to_contain_text(f"line {broken_line}")
    screenshot(page, "e2e-4-load-error")
    code_file.write_text(good_code)
    card.get_by_role("button", name="Reload").click()
    expect(card).to_have_attribute("data-status", "loaded", timeout=60_000)
    expect(card.locator(".load-error")).to_have_count(0)

    page.goto(base + "/schedules")
    schedule = page.locator('.instigator[data-name="daily_refresh"]')
    expect(schedule).to_have_attribute("data-status", "STOPPED")
    schedule.get_by_role("switch").check()
    expect(schedule).to_have_attribute("data-status", "RUNNING")
    expect(schedule.locator(".next-tick")).not_to_have_text("—")
    screenshot(page, "e2e-5-schedules")

    page.goto(base + "/assets/raw_orders?tab=events")
    expect(page.locator("table.history > tbody > tr")).to_have_count(1)
    page.locator("#plot-label").select_option("row_count")
    expect(page.locator("#plot svg.chart")).to_have_attribute("data-points", "1")
    screenshot(page, "e2e-6-asset")
    assert page.problems.messages == []
