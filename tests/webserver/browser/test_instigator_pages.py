"""Sensor pages on a real ``headwater dev``: preview, cursor edit/reset, tick timeline and
history, bulk on/off from the list."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import screenshot
from .test_launchpad import dev_url  # noqa: F401 - the fixture


@pytest.mark.slow
def test_sensor_preview_cursor_ticks_and_bulk_switch(dev_url: str, page: Any) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base = dev_url
    page.goto(base + "/sensors")
    link = page.locator('.instigator[data-name="quiet_sensor"] a.instigator-link')
    expect(link).to_have_count(1, timeout=60_000)
    link.click()
    page.wait_for_url("**/sensors/definitions/quiet_sensor")

    page.locator("#preview").click()
    expect(page.locator(".preview-result .skip-reason")).to_contain_text("Skipped:")
    expect(page.locator(".preview-result")).to_have_attribute("data-requests", "0")

    page.locator("#cursor-input").fill("checkpoint-7")
    page.locator("#cursor-save").click()
    expect(page.locator("#cursor-value")).to_have_text("checkpoint-7")
    page.locator("#cursor-reset").click()
    expect(page.locator("#cursor-value")).to_have_text("—")

    page.locator("#switch").click()
    expect(page.locator("#switch")).to_have_text("Stop")
    expect(page.locator(".tick-timeline .tick-dot").first).to_be_visible(timeout=60_000)
    expect(page.locator('table.ticks tr[data-tick-status="SKIPPED"] .skip-reason').first
           ).to_be_visible()
    screenshot(page, "sensor-1-detail")

    page.goto(base + "/sensors")
    card = page.locator('.instigator[data-name="quiet_sensor"]')
    expect(card).to_have_attribute("data-status", "RUNNING")
    card.locator(".instigator-pick").check()
    page.locator("#bulk-stop").click()
    expect(page.locator("#notice")).to_have_text("Stopped 1 sensors.")
    expect(card).to_have_attribute("data-status", "STOPPED")
    assert not page.problems.messages, page.problems.messages
