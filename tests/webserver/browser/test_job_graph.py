"""The job page's graph on a real ``headwater dev``: an op job's ops with nested graphs
collapsed (expanded and collapsed again by click), a dynamic output marked, an op's details
(inputs, config schema); an asset job's asset graph and its op graph."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import screenshot
from .devserver import headwater_dev

CODE = Path(__file__).resolve().parent / "job_graph_code"


@pytest.fixture
def dev_url(tmp_path: Path) -> Iterator[str]:
    project = tmp_path / "job_graph_code"
    shutil.copytree(CODE, project, ignore=shutil.ignore_patterns("__pycache__"))
    with headwater_dev(project, "definitions.py", tmp_path / "home") as url:
        yield url


def _ops(page: Any) -> set[str]:
    return set(page.locator("#job-graph .op-node").evaluate_all(
        "nodes => nodes.map(n => n.dataset.op)"))


@pytest.mark.slow
def test_job_page_shows_the_op_graph_and_the_asset_graph(dev_url: str, page: Any) -> None:
    from playwright.sync_api import expect

    page.goto(dev_url + "/locations")
    expect(page.locator('section.location[data-location="definitions"]')).to_have_attribute(
        "data-status", "loaded", timeout=60_000)
    page.goto(dev_url + "/jobs?job=nested_job")
    graph = page.locator("#job-graph")
    expect(graph).to_have_attribute("data-showing", "ops")
    # The nested graph is one node; the dynamic output and the op mapped over it are marked.
    expect(page.locator('#job-graph .graph-node[data-graph="clean"]')).to_have_count(1)
    assert _ops(page) == {"load", "publish", "fan", "shout", "join"}
    expect(page.locator('.op-node.dynamic[data-op="fan"] .summary')).to_contain_text("dynamic")
    expect(page.locator('.op-node[data-op="shout"] .summary')).to_contain_text("mapped")
    expect(page.locator('.op-node[data-op="join"] .summary')).to_contain_text("collects")
    screenshot(page, "job-graph-1-ops-collapsed")

    # Expanding: the graph's ops appear, its inner graph is again one node; then all of it.
    page.locator('#job-graph .graph-node[data-graph="clean"]').click()
    expect(page.locator('#job-graph .graph-node[data-graph="clean.deep"]')).to_have_count(1)
    expect(page.locator('#job-graph .op-node[data-op="clean.strip"]')).to_have_count(1)
    page.locator('#job-graph .graph-node[data-graph="clean.deep"]').click()
    expect(page.locator('#job-graph .op-node[data-op="clean.deep.normalize"]')).to_have_count(1)
    assert page.locator("#job-graph .graph-node").count() == 0
    expect(page.locator('#job-graph .graph-toggle[data-graph="clean"]')).to_have_count(1)
    screenshot(page, "job-graph-2-ops-expanded")

    # An op's details: description, where each input comes from, its config schema.
    page.locator('#job-graph .op-node[data-op="publish"]').click()
    details = page.locator("#job-node-details")
    expect(details.locator("h3")).to_have_text("publish")
    expect(details.locator('tr[data-input="rows"]')).to_contain_text(
        "clean.deep.normalize.result")
    expect(details.locator(".config-schema")).to_contain_text('"target"')
    expect(details).to_contain_text("Write the rows to the configured target.")
    expect(page.locator('#job-graph .op-node.selected[data-op="publish"]')).to_have_count(1)
    screenshot(page, "job-graph-3-op-details")

    # Collapsing by the graph's label folds it (and the graph inside it) back into one node.
    page.locator('#job-graph .graph-toggle[data-graph="clean"]').click()
    expect(page.locator('#job-graph .graph-node[data-graph="clean"]')).to_have_count(1)
    assert _ops(page) == {"load", "publish", "fan", "shout", "join"}

    # An asset job opens on its asset graph; its op graph shows the graph-backed asset's ops.
    page.goto(dev_url + "/jobs?job=assets_job")
    expect(graph).to_have_attribute("data-showing", "assets")
    expect(page.locator("#job-graph .asset-node")).to_have_count(3)
    page.locator('#job-graph .asset-node[data-key="report"]').click()
    expect(details.locator("h3")).to_have_text("report")
    expect(details.locator('a[href^="/assets/report"]')).to_have_count(1)
    screenshot(page, "job-graph-4-assets")
    page.locator("#job-graph-ops").click()
    expect(graph).to_have_attribute("data-showing", "ops")
    expect(page.locator('#job-graph .graph-node[data-graph="prepared"]')).to_have_count(1)
    assert _ops(page) == {"raw", "report"}
    page.locator('#job-graph .graph-node[data-graph="prepared"]').click()
    expect(page.locator('#job-graph .op-node[data-op="prepared.add_one"]')).to_have_count(1)
    page.locator('#job-graph .op-node[data-op="prepared.add_one"]').click()
    expect(details.locator('tr[data-output="result"]')).to_contain_text("asset prepared")
    screenshot(page, "job-graph-5-asset-job-ops")
    assert not page.problems.messages, page.problems.messages
