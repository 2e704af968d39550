"""The asset page's "Execute" on a check, job tags on the run page and the "Show full stack"
toggle, in Chromium against a real webserver, code server and run worker."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from headwater.core.origins import PythonFileOrigin
from headwater.core.run_status import RunStatus
from headwater.snapshot.runs import RunRecord
from headwater.webserver.location_feed import LocationFeed
from headwater.workspace.runs import launch_queued_run, submit_run
from polling import wait_for

from ..conftest import HERE, Served, live_server, serving
from .conftest import screenshot

ORIGIN = PythonFileOrigin("checks", str(HERE / "check_runs_location.py"),
                          working_directory=str(HERE))
HEADWATER_DIR = str(Path(__file__).resolve().parents[3] / "src" / "headwater")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, str]]:
    with serving(tmp_path_factory.mktemp("check_ui"), [ORIGIN]) as (workspace, instance):
        served = Served(workspace, instance, LocationFeed())
        with live_server(served, feed=False) as url:
            yield served, url


def _finish(served: Served, run_id: str) -> RunRecord:
    launch_queued_run(served.workspace, served.instance, run_id)

    def finished() -> RunRecord | None:
        run = served.instance.storage.get_run(run_id)
        return run if run is not None and run.status.is_finished else None

    return wait_for(finished, f"run {run_id} to finish", 90)


def test_execute_a_check_from_the_checks_tab(site: tuple[Served, str], page: Any) -> None:
    from playwright.sync_api import expect

    served, base = site
    first = submit_run(served.workspace, served.instance, location="checks",
                       asset_selection=[["orders"]])
    assert _finish(served, first.run_id).status is RunStatus.SUCCESS

    page.goto(f"{base}/assets/totals?tab=checks")
    blocked = page.locator('table.checks tr[data-check="positive"] button.execute-check')
    expect(blocked).to_be_disabled()
    expect(blocked).to_have_attribute("title", re.compile("without materializing totals"))

    page.goto(f"{base}/assets/orders?tab=checks")
    row = page.locator('table.checks tr[data-check="orders_not_empty"]')
    expect(row.locator(".run-link")).to_have_text(first.run_id[:8])
    screenshot(page, "check-execute-1-before")
    row.locator("button.execute-check").click()
    page.wait_for_url(re.compile(r"/runs/[0-9a-f-]{36}$"))
    run_id = page.url.rsplit("/", 1)[1]
    run = served.instance.storage.get_run(run_id)
    assert run is not None and run.asset_check_selection == [["orders", "orders_not_empty"]]
    assert run.asset_selection == []
    assert _finish(served, run_id).status is RunStatus.SUCCESS
    expect(page.locator("#run-status")).to_have_attribute("data-status", "SUCCESS",
                                                          timeout=60_000)
    expect(page.locator(".check-selection")).to_have_text("orders:orders_not_empty")
    screenshot(page, "check-execute-2-run")
    assert served.instance.storage.get_materializations(["orders"], limit=5)[0].run_id == (
        first.run_id)  # the check's run materialized nothing

    page.goto(f"{base}/assets/orders?tab=checks")
    row = page.locator('table.checks tr[data-check="orders_not_empty"]')
    expect(row.locator(".run-link")).to_have_text(run_id[:8])
    expect(row.locator("[data-status]").first).to_have_attribute("data-status", "PASSED")
    screenshot(page, "check-execute-3-after")
    assert not page.problems.messages, page.problems.messages


def test_run_page_shows_job_tags_and_a_full_stack_toggle(site: tuple[Served, str],
                                                         page: Any) -> None:
    from playwright.sync_api import expect

    served, base = site
    tagged = submit_run(served.workspace, served.instance, location="checks",
                        job_name="run_tagged_job", tags={"ticket": "T-1"})
    page.goto(f"{base}/runs/{tagged.run_id}")
    tags = page.locator(".tags .tag")
    expect(tags).to_have_count(3)
    for text in ("team", "runs", "cost", "T-1"):
        expect(page.locator(".tags")).to_contain_text(text)

    broken = submit_run(served.workspace, served.instance, location="checks",
                        asset_selection=[["broken_rows"]])
    assert _finish(served, broken.run_id).status is RunStatus.FAILURE
    page.goto(f"{base}/runs/{broken.run_id}")
    stack = page.locator(".step-error pre.stack").first
    expect(stack).to_contain_text("in _load_rows")
    expect(stack).to_contain_text("headwater frame(s) hidden")
    assert HEADWATER_DIR not in stack.inner_text()
    toggle = page.locator(".step-error .full-stack-toggle").first
    toggle.click()
    expect(stack).to_contain_text(HEADWATER_DIR)
    expect(stack).to_have_attribute("data-full", "true")
    screenshot(page, "check-execute-4-full-stack")
    toggle.click()
    expect(stack).not_to_contain_text(HEADWATER_DIR)
    assert not page.problems.messages, page.problems.messages
