"""Asset health in the catalog, on graph nodes and on the asset page, on a real
``headwater dev``: checks (blocking vs warn), stale (upstream changed, code version changed)
and a location whose last reload failed."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import screenshot
from .devserver import headwater_dev

DEBUG_CODE = Path(__file__).resolve().parent / "debug_code"


@pytest.fixture
def project(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``headwater dev`` on a copy of ``debug_code/``; yields the URL and the copy."""
    copy = tmp_path / "debug_code"
    shutil.copytree(DEBUG_CODE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    with headwater_dev(copy, "definitions.py", tmp_path / "home") as url:
        yield url, copy


def _post(base: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(f"{base}{path}", data=json.dumps(body).encode(),
                                     method="POST", headers={
                                         "Origin": base, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        answer: dict[str, Any] = json.loads(response.read())
        return answer


def _run(base: str, body: dict[str, Any]) -> str:
    from polling import wait_for

    def submitted() -> str | None:
        try:
            return str(_post(base, "/api/runs", {"location": "definitions", **body})["run_id"])
        except urllib.error.HTTPError as exc:
            if exc.code == 409:
                return None
            raise

    run_id = wait_for(submitted, "the location to accept a run", 60)

    def finished() -> bool:
        with urllib.request.urlopen(f"{base}/api/runs/{run_id}", timeout=30) as response:
            return json.loads(response.read())["run"]["status"] in ("SUCCESS", "FAILURE")

    wait_for(finished, f"run {run_id} to finish", 60)
    return run_id


@pytest.mark.slow
def test_health_in_catalog_graph_and_asset_page(project: tuple[str, Path], page: Any) -> None:
    from playwright.sync_api import expect

    base, folder = project
    _run(base, {"job": "daily_job"})
    _run(base, {"asset_selection": [["raw_orders"]]})

    page.goto(base + "/assets")
    cleaned = page.locator('#asset-rows tr[data-key="cleaned_orders"]')
    expect(cleaned.locator('[data-health="checks-warning"]')).to_have_text("check warning")
    expect(cleaned.locator('[data-health="stale"]')).to_have_attribute(
        "title", "upstream changed since: raw_orders")
    raw = page.locator('#asset-rows tr[data-key="raw_orders"]')
    expect(raw.locator('[data-health="stale"]')).to_have_count(0)
    screenshot(page, "health-1-catalog")

    page.goto(base + "/assets/graph")
    node = page.locator('.node[data-key="cleaned_orders"]')
    expect(node.locator(".mark-check-warning")).to_have_count(1)
    expect(node.locator(".mark-stale")).to_have_count(1)
    screenshot(page, "health-2-graph")

    page.goto(base + "/assets/cleaned_orders")
    card = page.locator(".health-card")
    expect(card.locator(".stale-reasons li")).to_have_text(["upstream changed since: raw_orders"])
    checks = page.locator("table.checks")
    expect(checks.locator('tr[data-check="no_null_ids"] .severity')).to_have_text("blocking")
    expect(checks.locator('tr[data-check="enough_orders"] .severity')).to_have_text(
        "non-blocking")
    expect(checks.locator('tr[data-check="enough_orders"]')).to_contain_text("warn severity")

    # A new code version makes raw_orders stale; a broken reload keeps the last good code
    # and flags it wherever its assets are shown.
    code = folder / "definitions.py"
    code.write_text(code.read_text().replace('code_version="1"', 'code_version="2"'))
    _post(base, "/api/locations/definitions/reload", {})
    page.goto(base + "/assets/raw_orders")
    expect(page.locator(".health-card .stale-reasons li")).to_have_text(
        ["code version changed: 1 → 2"])
    code.write_text(code.read_text() + "\nthis is not python\n")
    _post(base, "/api/locations/definitions/reload", {})
    page.goto(base + "/assets")
    expect(page.locator('#asset-rows tr[data-key="raw_orders"] [data-health="reload-failed"]')
           ).to_have_count(1)
    page.goto(base + "/assets/raw_orders")
    expect(page.locator(".reload-failed-note")).to_be_visible()
    screenshot(page, "health-3-reload-failed")
    page.goto(base + "/assets/graph")
    expect(page.locator('.node.reload-failed[data-key="raw_orders"]')).to_have_count(1)
    assert not page.problems.messages, page.problems.messages
