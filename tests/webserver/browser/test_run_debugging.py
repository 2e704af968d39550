"""Debugging a failed run in the browser on a real ``headwater dev``: the full error with its
stack and chained cause, what each step printed, step/level filters, structured event rows,
config and tags, re-executing chosen steps and the re-execution group linked both ways."""

from __future__ import annotations

import json
import re
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
RUN_TIMEOUT = 60_000


@pytest.fixture
def dev_url(tmp_path: Path) -> Iterator[str]:
    """``headwater dev`` on a copy of ``debug_code/``; yields the URL."""
    project = tmp_path / "debug_code"
    shutil.copytree(DEBUG_CODE, project, ignore=shutil.ignore_patterns("__pycache__"))
    with headwater_dev(project, "definitions.py", tmp_path / "home") as url:
        yield url


def _launch(base: str) -> str:
    from polling import wait_for

    body = json.dumps({"location": "definitions", "job": "daily_job",
                       "tags": {"ticket": "FIN-7"}}).encode()

    def launched() -> str | None:
        request = urllib.request.Request(f"{base}/api/runs", data=body, method="POST", headers={
            "Origin": base, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                run_id: str = json.loads(response.read())["run_id"]
                return run_id
        except urllib.error.HTTPError as exc:
            if exc.code == 409:  # the location is still loading
                return None
            raise AssertionError(f"POST /api/runs: {exc.code} {exc.read()!r}") from exc

    return wait_for(launched, "the location to accept a run", 60)


@pytest.mark.slow
def test_a_failed_run_is_debugged_to_its_stack_trace_and_stdout(dev_url: str, page: Any
                                                              ) -> None:
    from playwright.sync_api import expect

    base = dev_url
    run_id = _launch(base)
    page.goto(f"{base}/runs/{run_id}")
    expect(page.locator("#run-status")).to_have_attribute("data-status", "FAILURE",
                                                          timeout=RUN_TIMEOUT)
    # The full error: message, stack trace and the chained cause, as Python prints it.
    error = page.locator('.step-error[data-step="revenue_report"]')
    expect(error.locator(".error-summary")).to_have_text(
        "ValueError: no exchange rate for USD")
    stack = error.locator("pre.stack")
    expect(stack).to_contain_text("KeyError: 'USD'")
    expect(stack).to_contain_text("The above exception was the direct cause")
    expect(stack).to_contain_text('return rates[currency]')
    expect(stack).to_contain_text('raise ValueError("no exchange rate for USD") from exc')
    # Config and tags are on the page.
    expect(page.locator("#run-details .tag", has_text="ticket = FIN-7")).to_have_count(1)
    expect(page.locator("#run-config-text")).to_have_text("{}")
    screenshot(page, "debug-1-failed-run-error")

    # Structured rows: the materialization's metadata and the checks as tables and badges.
    materialized = page.locator('#event-rows tr[data-event-type="ASSET_MATERIALIZATION"]'
                                '[data-step="raw_orders"]')
    expect(materialized.locator('.meta-kv tr[data-label="rows"] td')).to_have_text("3")
    warn = page.locator('#event-rows tr[data-event-type="ASSET_CHECK_EVALUATION"]',
                        has_text="enough_orders")
    expect(warn.locator(".status-failed")).to_have_count(1)
    expect(warn.locator(".severity-warn")).to_have_text("warn")
    blocking = page.locator('#event-rows tr[data-event-type="ASSET_CHECK_EVALUATION"]',
                            has_text="no_null_ids")
    expect(blocking.locator(".status-passed")).to_have_count(1)
    expect(blocking.locator(".severity-error")).to_have_text("blocking")

    # Clicking a step in the timeline filters the log to it and shows what it printed.
    page.locator('.gantt .step[data-step="revenue_report"]').click()
    expect(page).to_have_url(re.compile(r"[?&]step=revenue_report"))
    visible = page.locator("#event-rows > tr:not([hidden])")
    expect(visible.first).to_be_visible()
    steps = set(visible.evaluate_all("rows => rows.map(r => r.dataset.step)"))
    assert steps == {"revenue_report"}, steps
    expect(page.locator("#step-stdout")).to_have_text("computing revenue in USD\n")
    expect(page.locator("#step-stderr")).to_have_text("rate table is stale\n")
    screenshot(page, "debug-2-step-filtered-with-stdout")

    # The level filter keeps errors only (of that step).
    page.locator("#log-level").select_option("ERROR")
    types = visible.evaluate_all("rows => rows.map(r => r.dataset.eventType)")
    assert types == ["STEP_FAILURE"], types
    page.locator("#step-chip .clear-step").click()
    types = set(visible.evaluate_all("rows => rows.map(r => r.dataset.eventType)"))
    assert types == {"STEP_FAILURE", "RUN_FAILURE"}, types
    page.locator("#log-level").select_option("")
    expect(page.locator("#step-output section")).to_have_count(0)

    # Re-execute only the chosen step; both runs link to their group.
    page.locator('table.steps tr[data-step="revenue_report"] .step-pick').check()
    page.get_by_role("button", name="Re-execute selected (1)").click()
    page.wait_for_url(re.compile(r".*/runs/(?!" + run_id + r")[0-9a-f-]+$"))
    child_id = page.url.rsplit("/", 1)[1]
    expect(page.locator("#run-status")).to_have_attribute("data-status", "FAILURE",
                                                          timeout=RUN_TIMEOUT)
    expect(page.locator("#run-details dd", has_text="revenue_report")).to_have_count(1)
    expect(page.locator(".gantt .step")).to_have_count(1)
    group = page.locator(".run-group li")
    expect(group).to_have_count(2)
    expect(page.locator(f'.run-group li.current[data-run-id="{child_id}"]')).to_have_count(1)
    screenshot(page, "debug-3-reexecuted-step-group")
    page.locator(f'.run-group li[data-run-id="{run_id}"] a.run-link').first.click()
    page.wait_for_url(f"**/runs/{run_id}")
    expect(page.locator(f'.run-group li[data-run-id="{child_id}"]')).to_have_count(1)
    expect(page.locator(f'.run-group li.current[data-run-id="{run_id}"]')).to_have_count(1)
    assert not page.problems.messages, page.problems.messages
