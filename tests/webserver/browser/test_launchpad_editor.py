"""The launchpad's code editor on a real ``headwater dev`` with an old-style config schema:
loaded only when the launchpad opens, highlighted, errors at the entry they are about, keys
and enum values completed in JSON mode too, missing config scaffolded and extra removed."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from .code_editor import config_text, editor, expect_config, fill_config, line
from .conftest import screenshot
from .test_legacy_config_editor import dev_url  # noqa: F401 - the fixture

_LOADED = """() => performance.getEntriesByType('resource').map((entry) => entry.name)
    .filter((name) => /code_editor|vendor\\/(codemirror|yaml)\\//.test(name))"""

_COLORS = """([line, word]) => {
    const row = document.querySelector('#run-config').shadowRoot
        .querySelectorAll('.cm-line')[line - 1];
    const span = Array.from(row.querySelectorAll('span')).find((s) => s.textContent === word);
    return span ? [getComputedStyle(span).color, getComputedStyle(row).color] : null;
}"""


@pytest.mark.slow
def test_the_editor_loads_with_the_launchpad_and_completes_from_the_schema(
    dev_url: str,  # noqa: F811
    page: Any,
) -> None:
    from playwright.sync_api import expect

    base = dev_url
    page.goto(base + "/locations")
    card = page.locator('section.location[data-location="definitions"]')
    expect(card).to_have_attribute("data-status", "loaded", timeout=60_000)

    # The jobs list does not fetch the editor; opening the launchpad does.
    page.goto(base + "/jobs")
    launch = page.locator('tr[data-job="legacy_job"]').get_by_role("button", name="Launch…")
    expect(launch).to_be_visible()
    assert page.evaluate(_LOADED) == []
    launch.click()
    editor(page)
    loaded = page.evaluate(_LOADED)
    assert any("/vendor/codemirror/codemirror.js" in name for name in loaded), loaded

    # Syntax highlighting: a key is drawn in another colour than plain text.
    fill_config(page, "ops:\n  load:\n    config:\n      limit: three\n      limt: 1\n")
    colors = page.evaluate(_COLORS, [1, "ops"])
    assert colors is not None and colors[0] != colors[1], colors
    # An unexpected entry is marked at its own key, in the server's words.
    expect(line(page, 5).locator(".cm-lintRange-error")).to_have_text("limt")
    expect(line(page, 4).locator(".cm-lintRange-error")).to_have_text("limit")
    expect(page.locator('#config-errors li[data-line="5"]')).to_have_text(
        'Unexpected config entry "limt" at path ops.load.config; the fields there are label, '
        'limit, mode, store, weights. Did you mean "limit"? Remove it or fix its name.')
    # "Remove extra config" drops what the schema does not allow, nothing else.
    page.locator("#remove-extra").click()
    expect_config(page, r"^ops:\n  load:\n    config:\n      limit: three\n$")
    expect(page.locator("#config-errors li")).to_have_count(2)  # limit's type; store missing

    # YAML: a value position offers the enum's values.
    fill_config(page, "ops:\n  load:\n    config:\n      limit: 3\n")
    page.keyboard.press("ControlOrMeta+End")
    page.keyboard.type("      mode: ")
    options = page.locator("#run-config .cm-tooltip-autocomplete li")
    expect(options).to_have_text(["fast", "slow"])
    options.filter(has_text="slow").click()
    expect_config(page, r"\n      mode: slow$")

    # "Scaffold missing config" adds the required sections the config lacks.
    expect(page.locator('#config-errors li[data-line="3"]')).to_contain_text(
        "Missing required config entry at path ops.load.config.store")
    page.locator("#scaffold-missing").click()
    expect_config(page, r"\n      store: \{\}")
    assert "mode: slow" in config_text(page)  # what was written stays

    # JSON: keys in a string are completed with their quotes, then an enum's values.
    fill_config(page, '{"ops": {"load": {"config": {"limit": 3, ')
    expect(page.locator("#config-mode")).to_have_text("JSON")
    page.keyboard.press("ControlOrMeta+End")
    page.keyboard.type('"mo')
    expect(options.filter(has_text="mode")).to_have_count(1)
    expect(options.filter(has_text="limit")).to_have_count(0)  # already there
    screenshot(page, "launchpad-editor-json-completion")
    # (Clicked: the editor ignores Enter in the first moments a completion is shown.)
    options.filter(has_text="mode").click()
    expect_config(page, r'"limit": 3, "mode": $')
    page.keyboard.type('"')
    expect(options).to_have_text(["fast", "slow"])
    options.filter(has_text="fast").click()
    expect_config(page, r'"mode": "fast"$')

    # The completed config launches.
    page.keyboard.type(', "store": {"local": {"folder": "/tmp"}}}}}}')
    expect(page.locator("#config-errors li")).to_have_count(0)
    assert json.loads(config_text(page))["ops"]["load"]["config"]["mode"] == "fast"
    # Back to YAML: the text is converted and the editor's mode follows.
    page.locator("#as-yaml").click()
    expect_config(page, r"^ops:\n  load:\n    config:\n      limit: 3\n      mode: fast\n")
    expect(page.locator("#config-mode")).to_have_text("YAML")
    expect(page.locator("#config-errors li")).to_have_count(0)
    page.locator("#launch").click()
    page.wait_for_url(re.compile(r".*/runs/[0-9a-f-]+$"))
    expect(page.locator("#run-status")).to_have_attribute("data-status", "SUCCESS",
                                                          timeout=60_000)
    assert not page.problems.messages, page.problems.messages
