"""Observable source assets on a real ``headwater dev``: the asset page's "Observe" button
launches an observation run, the page then shows the data version and the observation; a
changed data version makes the downstream asset stale on its page."""

from __future__ import annotations

import json
import re
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from polling import wait_for

from .conftest import screenshot
from .devserver import headwater_dev
from .test_asset_health_ui import _run

LOCATION = Path(__file__).resolve().parents[1] / "observable_location.py"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    """``headwater dev`` on a copy of the observable location; the URL and the observed file."""
    feed = tmp_path / "orders.txt"
    feed.write_text("v1\n")
    monkeypatch.setenv("OBSERVED_FILE", str(feed))
    folder = tmp_path / "code"
    folder.mkdir()
    shutil.copy(LOCATION, folder / "definitions.py")
    with headwater_dev(folder, "definitions.py", tmp_path / "home") as url:
        yield url, feed


def _finished(base: str, run_id: str) -> bool:
    with urllib.request.urlopen(f"{base}/api/runs/{run_id}", timeout=30) as response:
        return json.loads(response.read())["run"]["status"] in ("SUCCESS", "FAILURE")


def _observe_by_button(page: Any, base: str) -> str:
    """Click "Observe" on the source's page; the launched run's id once it finished."""
    from playwright.sync_api import expect

    page.goto(base + "/assets/orders_feed")
    button = page.locator("button.observe")
    expect(button).to_have_text("Observe")
    expect(page.locator("button.materialize")).to_have_count(0)
    button.click()
    page.wait_for_url(re.compile(r"/runs/[0-9a-f-]+$"))
    run_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    wait_for(lambda: _finished(base, run_id), f"observation run {run_id} to finish", 60)
    return run_id


@pytest.mark.slow
def test_observe_button_shows_the_data_version_and_staleness(
    project: tuple[str, Path], page: Any
) -> None:
    from playwright.sync_api import expect

    base, feed = project
    page.goto(base + "/assets/orders_feed")
    expect(page.locator("button.observe")).to_be_visible()
    expect(page.locator("code.data-version")).to_have_count(0)

    run_id = _observe_by_button(page, base)
    page.goto(base + "/assets/orders_feed")
    expect(page.locator("code.data-version")).to_have_text("v1")
    page.locator('.tabs button[data-tab="events"]').click()
    rows = page.locator("table.observations tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("v1")
    expect(rows.first).to_contain_text(run_id[:8])
    screenshot(page, "observable-1-observed")

    _run(base, {"asset_selection": [["order_count"]]})
    feed.write_text("v2\n")
    _observe_by_button(page, base)
    page.goto(base + "/assets/orders_feed")
    expect(page.locator("code.data-version")).to_have_text("v2")
    page.goto(base + "/assets/order_count")
    expect(page.locator("button.materialize")).to_be_visible()
    expect(page.locator(".health-card .stale-reasons li")).to_have_text(
        ["upstream data version changed: orders_feed (v1 → v2)"])
    screenshot(page, "observable-2-child-stale")
    assert not page.problems.messages, page.problems.messages
