"""The launchpad on a real ``headwater dev``: YAML config scaffolded from the schema, an
error marked at its line, keys completed from the schema, JSON too, then the run; the job
page lists the job's runs."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import screenshot
from .devserver import headwater_dev

USER_CODE = Path(__file__).resolve().parent / "user_code"


@pytest.fixture
def dev_url(tmp_path: Path) -> Iterator[str]:
    project = tmp_path / "user_code"
    shutil.copytree(USER_CODE, project, ignore=shutil.ignore_patterns("__pycache__"))
    with headwater_dev(project, "definitions.py", tmp_path / "home") as url:
        yield url


@pytest.mark.slow
def test_a_yaml_config_error_is_marked_at_its_line_then_the_run_launches(
        dev_url: str, page: Any) -> None:
    from playwright.sync_api import expect

    base = dev_url
    page.goto(base + "/locations")
    expect(page.locator('section.location[data-location="definitions"]')).to_have_attribute(
        "data-status", "loaded", timeout=60_000)
    page.goto(base + "/jobs?job=greet_job")
    editor = page.locator("#run-config")
    expect(editor).to_have_value(re.compile(r"^ops:\n  greet:\n    config:"))
    editor.fill("ops:\n  greet:\n    config:\n      name: browser\n      times: twice\n")
    expect(page.locator('#config-gutter .error-line[data-line="5"]')).to_have_count(1)
    expect(page.locator('#config-errors li[data-line="5"]')).to_contain_text(
        "line 5: ops.greet.config.times: expected integer")
    expect(page.locator("#launch")).to_be_disabled()
    screenshot(page, "launchpad-1-error-at-line")

    # Completion: inside "config:" the schema's keys not written yet are offered.
    editor.fill("ops:\n  greet:\n    config:\n      name: browser\n")
    page.evaluate("""() => { const e = document.getElementById('run-config');
        e.selectionStart = e.selectionEnd = e.value.indexOf('name'); e.click(); }""")
    chip = page.locator('#config-keys .key-chip[data-key="times"]')
    expect(chip).to_have_count(1)
    chip.click()
    expect(editor).to_have_value(re.compile(r"\n      times: "))
    editor.press("End")
    editor.type("2")
    expect(page.locator("#config-errors li")).to_have_count(0)
    page.locator("#as-json").click()
    expect(editor).to_have_value(re.compile(r'^\{\n  "ops"'))
    expect(page.locator("#config-errors li")).to_have_count(0)
    screenshot(page, "launchpad-2-valid-json")
    page.locator("#launch").click()
    page.wait_for_url(re.compile(r".*/runs/[0-9a-f-]+$"))
    expect(page.locator("#run-status")).to_have_attribute("data-status", "SUCCESS",
                                                          timeout=60_000)
    expect(page.locator("#event-rows td.message", has_text="hello, browser")).to_have_count(2)
    run_id = page.url.rsplit("/", 1)[1]
    page.goto(base + "/jobs?job=greet_job")
    expect(page.locator(f'table.job-runs tr[data-run-id="{run_id}"]')).to_have_count(1)
    assert not page.problems.messages, page.problems.messages
