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

from .code_editor import editor, expect_config, fill_config, gutter_line, line
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
    editor(page)
    expect_config(page, r"^ops:\n  greet:\n    config:")
    expect(page.locator("#config-mode")).to_have_text("YAML")
    fill_config(page, "ops:\n  greet:\n    config:\n      name: browser\n      times: twice\n")
    # The error is a diagnostic on line 5 (under the key "times"), its number marked.
    diagnostic = line(page, 5).locator(".cm-lintRange-error")
    expect(diagnostic).to_have_text("times")
    expect(gutter_line(page, 5)).to_have_class(re.compile(r"\berror-line\b"))
    expect(page.locator("#run-config .cm-lineNumbers .error-line")).to_have_count(1)
    expect(page.locator('#config-errors li[data-line="5"]')).to_contain_text(
        "line 5: ops.greet.config.times: expected integer")
    expect(page.locator("#launch")).to_be_disabled()
    diagnostic.hover()
    expect(page.locator("#run-config .cm-tooltip-lint")).to_contain_text(
        "ops.greet.config.times: expected integer, got string")
    screenshot(page, "launchpad-1-error-at-line")

    # Completion: typing a key inside "config:" offers the schema's keys not written yet.
    fill_config(page, "ops:\n  greet:\n    config:\n      name: browser\n")
    page.keyboard.press("ControlOrMeta+End")
    page.keyboard.type("      ti")
    options = page.locator("#run-config .cm-tooltip-autocomplete li")
    expect(options.filter(has_text="times")).to_have_count(1)
    expect(options.filter(has_text="name")).to_have_count(0)  # already there
    screenshot(page, "launchpad-2-key-completion")
    # (Clicked: the editor ignores Enter in the first moments a completion is shown.)
    options.filter(has_text="times").click()
    expect_config(page, r"\n      times: $")
    page.keyboard.type("2")
    expect_config(page, r"\n      times: 2$")
    expect(page.locator("#config-errors li")).to_have_count(0)
    expect(page.locator("#run-config .cm-lintRange-error")).to_have_count(0)
    page.locator("#as-json").click()
    expect_config(page, r'^\{\n  "ops"')
    expect(page.locator("#config-mode")).to_have_text("JSON")
    expect(page.locator("#config-errors li")).to_have_count(0)
    screenshot(page, "launchpad-3-valid-json")
    page.locator("#launch").click()
    page.wait_for_url(re.compile(r".*/runs/[0-9a-f-]+$"))
    expect(page.locator("#run-status")).to_have_attribute("data-status", "SUCCESS",
                                                          timeout=60_000)
    expect(page.locator("#event-rows td.message", has_text="hello, browser")).to_have_count(2)
    run_id = page.url.rsplit("/", 1)[1]
    page.goto(base + "/jobs?job=greet_job")
    expect(page.locator(f'table.job-runs tr[data-run-id="{run_id}"]')).to_have_count(1)
    assert not page.problems.messages, page.problems.messages
