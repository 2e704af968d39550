"""The launchpad refuses a bad old-style config in the browser with the server's own words.

A real ``headwater dev`` serves a location whose op has an old-style ``config_schema``. The
browser's validator (``schema.js``) checks the editor's config against the snapshot's JSON
Schema; the same config posted to the server is refused with the same messages.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import headwater as hw

from .code_editor import editor, fill_config
from .conftest import screenshot
from .devserver import headwater_dev

CODE = Path(__file__).resolve().parent / "legacy_config_code"
RUN_URL = re.compile(r".*/runs/[0-9a-f-]+$")


@pytest.fixture
def dev_url(tmp_path: Path) -> Iterator[str]:
    project = tmp_path / "legacy_config_code"
    shutil.copytree(CODE, project, ignore=shutil.ignore_patterns("__pycache__"))
    with headwater_dev(project, "definitions.py", tmp_path / "home") as url:
        yield url


def _location() -> Any:
    spec = importlib.util.spec_from_file_location("legacy_config_definitions",
                                                  CODE / "definitions.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _server_error(base: str, config: dict[str, Any]) -> str:
    body = json.dumps({"location": "definitions", "job": "legacy_job", "run_config": config})
    request = urllib.request.Request(
        base + "/api/runs", data=body.encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request):
            raise AssertionError("the server accepted a bad config")
    except urllib.error.HTTPError as error:
        assert error.code == 400
        return str(json.loads(error.read())["error"])


BAD = {
    "ops": {
        "load": {
            "config": {
                "limit": "three",
                "mode": "medium",
                "store": {"s3": {"bucket": "b"}, "local": {"folder": "/tmp"}},
                "weights": {"a": "heavy"},
                "limt": 1,
            }
        }
    }
}

EXPECTED = [
    "Invalid value at path ops.load.config.limit: expected Int, got 'three' (str).",
    "Invalid value at path ops.load.config.mode: expected one of 'fast', 'slow' (enum Mode), "
    "got 'medium' (str).",
    "Invalid value at path ops.load.config.store: give exactly one of the fields local, s3; "
    "got s3, local.",
    "Invalid value at path ops.load.config.weights['a']: expected Float, got 'heavy' (str).",
    'Unexpected config entry "limt" at path ops.load.config; the fields there are label, '
    'limit, mode, store, weights. Did you mean "limit"? Remove it or fix its name.',
]


@pytest.mark.slow
def test_a_bad_legacy_config_is_refused_in_the_browser_as_the_server_words_it(
    dev_url: str, page: Any
) -> None:
    from playwright.sync_api import expect

    base = dev_url
    page.goto(base + "/locations")
    card = page.locator('section.location[data-location="definitions"]')
    expect(card).to_have_attribute("data-status", "loaded", timeout=60_000)
    page.goto(base + "/jobs?job=legacy_job")
    expect(page.locator('#job-editor section[data-job="legacy_job"]')).to_be_visible()
    editor(page)
    errors = page.locator("#config-errors li")

    fill_config(page, json.dumps(BAD))
    expect(errors).to_have_count(len(EXPECTED))
    shown = errors.all_text_contents()
    assert shown == EXPECTED
    expect(page.locator("#launch")).to_be_disabled()
    screenshot(page, "legacy-config-rejected")
    # The run validates with the same words (the run worker calls this validation) ...
    with pytest.raises(hw.DagsterInvalidConfigError) as refused:
        hw.validate_run_config(_location().legacy_job, BAD)
    for message in shown:
        assert message in str(refused.value), (message, str(refused.value))
    # ... and the server refuses the submission naming the same path, in the same words.
    assert EXPECTED[-1] in _server_error(base, BAD)

    # A missing required field: named by its path, with its type, in both places.
    missing = {"ops": {"load": {"config": {"store": {"local": {"folder": "/tmp"}}}}}}
    fill_config(page, json.dumps(missing))
    expect(errors).to_have_count(1)
    [message] = errors.all_text_contents()
    assert message == (
        "Missing required config entry at path ops.load.config.limit: expected Int. "
        "Add it to the config."
    )
    assert message in _server_error(base, missing)
    with pytest.raises(hw.DagsterInvalidConfigError, match=re.escape(message)):
        hw.validate_run_config(_location().legacy_job, missing)

    good = {"ops": {"load": {"config": {"limit": 3, "store": {"local": {"folder": "/tmp"}}}}}}
    fill_config(page, json.dumps(good))
    expect(errors).to_have_count(0)
    page.locator("#launch").click()
    page.wait_for_url(RUN_URL)
    expect(page.locator("#run-status")).to_have_attribute("data-status", "SUCCESS",
                                                          timeout=60_000)
