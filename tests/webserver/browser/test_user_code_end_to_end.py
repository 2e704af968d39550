"""``headwater dev`` on the test location in ``user_code/``: run config, backfill, sensor, filter.

Real processes throughout: the webserver, the daemon inside ``headwater dev``, a code
server for the location and one run worker per run.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .code_editor import fill_config
from .conftest import screenshot
from .devserver import headwater_dev

USER_CODE = Path(__file__).resolve().parent / "user_code"
RUN_URL = re.compile(r".*/runs/[0-9a-f-]+$")
RUN_TIMEOUT = 60_000


@pytest.fixture
def dev_url(tmp_path: Path) -> Iterator[str]:
    """``headwater dev`` on a copy of ``user_code/``; yields the URL."""
    project = tmp_path / "user_code"
    shutil.copytree(USER_CODE, project, ignore=shutil.ignore_patterns("__pycache__"))
    with headwater_dev(project, "definitions.py", tmp_path / "home") as url:
        yield url


def _launch_from_jobs_page(page: Any, base: str, job: str, config: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/jobs?job={job}")
    expect(page.locator(f'#job-editor section[data-job="{job}"]')).to_be_visible()
    fill_config(page, config)
    expect(page.locator("#config-errors li")).to_have_count(0)
    page.locator("#launch").click()
    page.wait_for_url(RUN_URL)


@pytest.mark.slow
def test_config_backfill_sensor_and_status_filter_on_a_real_location(
    dev_url: str, page: Any,
) -> None:
    from playwright.sync_api import expect

    base = dev_url
    page.goto(base + "/locations")
    card = page.locator('section.location[data-location="definitions"]')
    expect(card).to_have_attribute("data-status", "loaded", timeout=60_000)

    # (i) The config editor checks the schema in the browser, then the run succeeds.
    page.goto(base + "/jobs")
    page.locator('tr[data-job="greet_job"]').get_by_role("button", name="Launch…").click()
    errors = page.locator("#config-errors li")
    fill_config(page, '{"ops": {"greet": {"config": {"times": "twice"}}}}')
    expect(errors.filter(has_text="name")).to_have_count(1)
    expect(errors.filter(has_text="times")).to_have_count(1)
    expect(page.locator("#launch")).to_be_disabled()
    expect(page.locator("#run-config")).to_have_class(re.compile(r"\binvalid\b"))
    screenshot(page, "e2e-user-1-config-rejected")
    fill_config(page, '{"ops": {"greet": {"config": {"name": "browser", "times": 2}}}}')
    expect(errors).to_have_count(0)
    page.locator("#launch").click()
    page.wait_for_url(RUN_URL)
    expect(page.locator("#run-status")).to_have_attribute("data-status", "SUCCESS",
                                                          timeout=RUN_TIMEOUT)
    expect(page.locator("#event-rows td.message", has_text="hello, browser")).to_have_count(2)
    screenshot(page, "e2e-user-2-config-run")

    # A run that fails, for the status filter below.
    _launch_from_jobs_page(page, base, "failing_job", "{}")
    expect(page.locator("#run-status")).to_have_attribute("data-status", "FAILURE",
                                                          timeout=RUN_TIMEOUT)
    expect(page.get_by_role("button", name="Re-execute from failure")).to_be_visible()
    expect(page.locator('.gantt .step[data-step="explode"] rect.bar.st-failure')).to_have_count(1)
    screenshot(page, "e2e-user-3-failed-run")

    # (ii) A backfill over the last three daily partitions: one run each, then COMPLETED.
    page.goto(base + "/backfills")
    target = "asset:definitions:daily_events"
    page.locator("#backfill-target").select_option(target)
    expect(page.locator("#partition-count")).to_have_text(re.compile(r"^[3-9] partitions$"))
    keys = page.locator("#range-start option").all_text_contents()
    assert len(keys) >= 3, keys
    page.locator("#range-start").select_option(keys[-3])
    page.locator("#range-end").select_option(keys[-1])
    page.get_by_role("button", name="Launch backfill").click()
    page.wait_for_url(re.compile(r".*/backfills/[^/]+$"))
    partitions = page.locator("table.partitions tbody tr")
    expect(partitions).to_have_count(3)
    for key in keys[-3:]:
        expect(page.locator(f'table.partitions tr[data-partition="{key}"]')).to_have_attribute(
            "data-status", "SUCCESS", timeout=RUN_TIMEOUT)
    expect(page.locator("section.backfill")).to_have_attribute("data-status", "COMPLETED")
    screenshot(page, "e2e-user-4-backfill")

    # (iii) The STOPPED sensor starts from its switch and its SKIPPED ticks show the reason.
    page.goto(base + "/sensors")
    sensor = page.locator('.instigator[data-name="quiet_sensor"]')
    expect(sensor).to_have_attribute("data-status", "STOPPED")
    expect(sensor.locator("dd.job")).to_have_text("greet_job")
    sensor.get_by_role("switch").check()
    expect(sensor).to_have_attribute("data-status", "RUNNING")
    sensor.locator("summary", has_text="Tick history").click()
    skipped = sensor.locator('tr[data-tick-status="SKIPPED"] .skip-reason').first
    expect(skipped).to_have_text("nothing new upstream")
    screenshot(page, "e2e-user-5-sensor")

    # (iv) The status filter leaves only the failed run.
    page.goto(base + "/runs")
    rows = page.locator("#run-rows > tr[data-run-id]")
    expect(rows).to_have_count(5)  # greet, failing and three backfill runs
    page.locator('input.status-filter[value="FAILURE"]').check()
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-status", "FAILURE")
    expect(rows.first).to_contain_text("failing_job")
    screenshot(page, "e2e-user-6-runs-failed")
    assert page.problems.messages == []
