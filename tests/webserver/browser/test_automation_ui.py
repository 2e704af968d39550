"""The Automation page and the asset page's evaluation tree, on a real ``headwater dev`` whose
daemon evaluates an eager chain: the tree says why ``eager`` was false."""

from __future__ import annotations

import json
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from polling import wait_for

from .conftest import screenshot
from .devserver import headwater_dev

CODE = Path(__file__).resolve().parents[2] / "daemon" / "user_code" / "automation_dev.py"


@pytest.fixture
def dev_url(tmp_path: Path) -> Iterator[str]:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(CODE, project / "automation_dev.py")
    with headwater_dev(project, "automation_dev.py", tmp_path / "home") as url:
        yield url


def _evaluations(base: str, key: str) -> list[dict[str, Any]] | None:
    with urllib.request.urlopen(f"{base}/api/automation/evaluations/{key}") as response:
        found = json.load(response)["evaluations"]
    return found or None


@pytest.mark.slow
def test_asset_page_shows_why_eager_was_false_and_the_automation_page_lists_ticks(
    dev_url: str, page: Any,
) -> None:
    from playwright.sync_api import expect

    [latest, *_] = wait_for(lambda: _evaluations(dev_url, "a2"), "a2 to be evaluated", 60)
    assert latest["tree"]["name"] == "eager" and latest["tree"]["result"] is False

    page.goto(f"{dev_url}/assets/a2?tab=automation")
    tree = page.locator(".automation-tree")
    expect(tree).to_be_visible()
    expect(tree.locator('li[data-name="eager"]').first).to_have_attribute("data-result", "false")
    # Why: in the latest time window, but nothing happened "since last handled" (on the first
    # evaluation a2 was newly missing but "handled" too; later neither), so the rest of the
    # "and" was not evaluated.
    expect(tree.locator('li[data-name="in_latest_time_window"]').first).to_have_attribute(
        "data-result", "true")
    expect(tree.locator('li[data-name="since"]').first).to_have_attribute(
        "data-result", "false")
    expect(tree.locator('li[data-name="handled"]')).to_have_count(1)
    expect(tree.locator('li[data-name="any_deps_missing"]').first).to_have_attribute(
        "data-result", "skipped")
    screenshot(page, "automation_asset_tree")

    page.goto(f"{dev_url}/automation")
    card = page.locator('section.automation-sensor[data-sensor="fast_automation"]')
    expect(card).to_be_visible()
    expect(card.locator("tr[data-tick-status]").first).to_be_visible()
    screenshot(page, "automation_page")
