"""The pages against the API's documented shapes: escaping, CSP, validation, selection, plots."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from .code_editor import fill_config
from .contract_api import (
    HOSTILE,
    IMPORT_ERROR,
    SYNTAX_ERROR,
    ContractState,
    build_app,
    chain_assets,
    serve,
)

PAGES = ["/", "/locations", "/assets", "/assets/graph", "/assets/asset_0", "/jobs", "/runs",
         "/runs/run-new", "/schedules", "/sensors", "/backfills", "/backfills/b1"]


@pytest.fixture
def api() -> Iterator[tuple[str, ContractState]]:
    state = ContractState()
    with serve(build_app(state)) as base:
        yield base, state


def _expect() -> Any:
    from playwright.sync_api import expect

    return expect


def test_every_page_is_a_shell_with_a_strict_csp_and_no_inline_script(
    api: tuple[str, ContractState],
) -> None:
    base, _ = api
    for path in PAGES:
        with urllib.request.urlopen(base + path) as response:
            body = response.read().decode()
            csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert "<script>" not in body and 'type="module" src="/static/js/pages/' in body, path
    with urllib.request.urlopen(base + "/static/js/pages/locations.js") as response:
        assert "javascript" in response.headers["Content-Type"]


def test_user_text_is_shown_as_text_never_run_as_html(
    api: tuple[str, ContractState], page: Any,
) -> None:
    base, _ = api
    expect = _expect()
    for path, visible in [("/locations", ".load-error .error-message"),
                          ("/assets", ".asset-description"), ("/jobs", "td.description"),
                          ("/assets/asset_0", ".description"),
                          ("/runs/run-new", 'tr[data-storage-id="2"] td.message'),
                          ("/schedules", ".instigator .description")]:
        page.goto(base + path)
        expect(page.locator(visible).first).to_contain_text('<img src=x onerror="window.__xss=1">')
        assert page.evaluate("window.__xss") is None, path
        assert page.locator("main img").count() == 0, path
    assert page.problems.messages == []


def test_reload_shows_the_error_then_the_loaded_location(
    api: tuple[str, ContractState], page: Any,
) -> None:
    base, state = api
    expect = _expect()
    page.goto(base + "/locations")
    card = page.locator('section.location[data-location="loc"]')
    expect(card).to_have_attribute("data-status", "error")
    expect(card.locator("pre.traceback")).to_contain_text("Traceback (most recent call last)")
    expect(page.locator("#health")).to_have_text("daemon: running")
    card.get_by_role("button", name="Reload").click()
    expect(card).to_have_attribute("data-status", "loaded")
    expect(card.locator(".load-error")).to_have_count(0)
    assert state.posts[-1][0] == "/api/locations/loc/reload"


def test_config_editor_validates_against_the_schema_before_launching(
    api: tuple[str, ContractState], page: Any,
) -> None:
    base, state = api
    expect = _expect()
    page.goto(base + "/jobs")
    page.get_by_role("button", name="Launch…").click()
    fill_config(page, '{"ops": {"top": {"config": {"limit": "three", "extra": 1}}}}')
    errors = page.locator("#config-errors li")
    expect(errors).to_have_count(2)
    expect(errors.first).to_contain_text("ops.top.config.limit: expected integer, got string")
    expect(errors.nth(1)).to_contain_text('unexpected key "extra"')
    expect(page.locator("#launch")).to_be_disabled()
    fill_config(page, "{not json")
    expect(errors.first).to_contain_text("not valid JSON")
    fill_config(page, '{"ops": {"top": {"config": {"limit": 5, "mode": "slow"}}}}')
    expect(errors).to_have_count(0)
    page.locator("#launch").click()
    page.wait_for_url("**/runs/run-new")
    assert state.posts[-1] == ("/api/runs", {
        "location": "loc", "job": "report",
        "run_config": {"ops": {"top": {"config": {"limit": 5, "mode": "slow"}}}}})


def test_graph_selection_materializes_and_the_run_page_streams_events(
    api: tuple[str, ContractState], page: Any,
) -> None:
    base, state = api
    expect = _expect()
    page.goto(base + "/assets/graph")
    expect(page.locator("#asset-graph")).to_have_attribute("data-rendered", "6")
    page.locator('.node[data-key="asset_1"]').click(modifiers=["Shift"])
    page.locator('.node[data-key="asset_3"]').click(modifiers=["Shift"])
    expect(page.locator("#selected-count")).to_have_text("2 selected")
    page.get_by_role("button", name="Materialize selected").click()
    page.wait_for_url("**/runs/run-new")
    assert state.posts[-1] == ("/api/runs", {"location": "loc",
                                             "asset_selection": [["asset_1"], ["asset_3"]]})
    expect(page.locator("#event-rows tr")).to_have_count(3)
    expect(page.locator("#run-status")).to_have_attribute("data-status", "SUCCESS")
    expect(page.locator('.gantt .step[data-step="asset_0"] rect.bar')).to_have_count(1)
    expect(page.get_by_role("button", name="Re-execute all")).to_be_visible()
    page.goto(base + "/assets/graph")
    page.locator('.node[data-key="asset_2"]').click()
    page.wait_for_url("**/assets/asset_2?location=loc")


def test_the_run_page_keeps_streaming_until_the_stream_says_the_run_ended(
    api: tuple[str, ContractState], page: Any,
) -> None:
    # The run is already SUCCESS when the page reads it after the stream's STARTED status;
    # the last events arrive on the stream afterwards and must still be shown.
    base, state = api
    state.run_ends_mid_stream = True
    state.run_status = "STARTED"
    expect = _expect()
    try:
        page.goto(base + "/runs/run-new")
        expect(page.locator("#run-status")).to_have_attribute("data-status", "SUCCESS")
        expect(page.locator("#event-rows tr")).to_have_count(1)
    finally:
        state.release.set()
    expect(page.locator("#event-rows tr")).to_have_count(3)
    expect(page.locator('#event-rows tr[data-event-type="RUN_SUCCESS"]')).to_have_count(1)


def test_job_page_shows_op_details_as_text(api: tuple[str, ContractState], page: Any) -> None:
    base, _ = api
    expect = _expect()
    page.goto(base + "/jobs?job=report")
    page.locator('#job-graph .op-node[data-op="top"]').click()
    details = page.locator("#job-node-details")
    expect(details.locator(".description")).to_have_text(HOSTILE)
    expect(details.locator(".config-schema")).to_contain_text('"limit"')
    assert page.evaluate("window.__xss") is None


def test_graph_lays_out_two_thousand_assets_and_pans_and_zooms(page: Any) -> None:
    expect = _expect()
    state = ContractState(assets=chain_assets(2000))
    with serve(build_app(state)) as base:
        page.goto(base + "/assets/graph")
        graph = page.locator("#asset-graph")
        expect(graph).to_have_attribute("data-rendered", "2000", timeout=60_000)
        # Zoomed out to fit, 2,000 nodes are boxes painted on the canvas, not SVG elements.
        expect(graph).to_have_attribute("data-mode", "canvas")
        assert page.locator(".node").count() == 0
        # A click on a painted box finds its node (hit-tested against the layout).
        found = page.evaluate("""() => {
            const svg = document.getElementById('asset-graph');
            const view = svg.graphView;
            const box = svg.getBoundingClientRect();
            return ['asset_0', 'asset_777', 'asset_1999'].map((name) => {
              const p = view.positions.get(`loc\u0000${name}`);
              const x = box.left + view.view.x + (p.x + 100) * view.view.k;
              const y = box.top + view.view.y + (p.y + 22) * view.view.k;
              return view.nodeAt(x, y);
            });
        }""")
        assert found == ["loc\u0000asset_0", "loc\u0000asset_777", "loc\u0000asset_1999"]
        viewport = page.locator("#asset-graph > g.viewport")
        before = viewport.get_attribute("transform")
        box = graph.bounding_box()
        page.mouse.move(box["x"] + 50, box["y"] + 50)
        page.mouse.wheel(0, -300)
        zoomed = viewport.get_attribute("transform")
        assert zoomed != before
        page.mouse.down()
        page.mouse.move(box["x"] + 250, box["y"] + 150, steps=5)
        page.mouse.up()
        assert viewport.get_attribute("transform") != zoomed
        # Centred on an asset (zoomed in), only the nodes in view become SVG elements; the
        # layers run left to right: each downstream node sits right of its upstream one.
        xs: dict[str, float] = {}
        for name in ["asset_1999", "asset_999", "asset_499", "asset_249", "asset_0"]:
            page.locator("#graph-search").fill(name)
            page.locator("#graph-search").press("Enter")
            current = page.locator(f'.node.current[data-key="{name}"]')
            expect(current).to_have_count(1)
            expect(graph).to_have_attribute("data-mode", "svg")
            xs[name] = current.evaluate("n => n.transform.baseVal[0].matrix.e")
            assert 0 < page.locator(".node").count() < 200
        assert xs["asset_0"] < xs["asset_249"] < xs["asset_499"] < xs["asset_999"]
        assert xs["asset_999"] < xs["asset_1999"]


def test_asset_page_plots_numeric_metadata_over_time(
    api: tuple[str, ContractState], page: Any,
) -> None:
    base, _ = api
    expect = _expect()
    page.goto(base + "/assets/asset_0?tab=events")
    chart = page.locator("#plot svg.chart")
    expect(chart).to_have_attribute("data-points", "5")
    labels = page.locator("#plot-label option")
    expect(labels).to_have_count(2)  # row_count and ratio; the path is not numeric
    page.locator("#plot-label").select_option("row_count")
    expect(chart).to_have_attribute("aria-label", "row_count over time")
    expect(page.locator("table.history > tbody > tr")).to_have_count(5)
    assert HOSTILE in page.locator(".metadata").first.inner_text()
    # Drawn at its real width: no viewBox scaling, so axis text keeps the UI's font size.
    sizes = page.evaluate("""() => {
        const svg = document.querySelector('#plot svg.chart');
        const text = svg.querySelector('.y-tick text');
        return [svg.getBoundingClientRect().width, svg.viewBox.baseVal.width,
                text.getBoundingClientRect().height];
    }""")
    assert abs(sizes[0] - sizes[1]) <= 2 and sizes[2] < 18, sizes
    assert "16,010" in page.locator("#plot .point-group title").last.text_content()
    latest = page.locator("table.history > tbody > tr").first.locator("table.meta-kv")
    expect(latest.locator('tr[data-label="row_count"] td')).to_have_text("16,010")
    expect(latest.locator('tr[data-label="path"] code')).to_have_text(f"/data/{HOSTILE}.csv")
    preview = latest.locator('tr[data-label="preview"] pre.meta-block')
    expect(preview).to_contain_text(f"| 1 | {HOSTILE} |")
    assert preview.evaluate("p => p.scrollHeight > p.clientHeight")  # scrolls, not a wall
    expect(latest.locator('tr[data-label="dashboard"] a')).to_have_attribute(
        "href", "https://example.com/d?x=1")
    expect(latest.locator('tr[data-label="sneaky"] a')).to_have_count(0)
    expect(latest.locator('tr[data-label="sneaky"] code')).to_have_text(
        "javascript:window.__xss=3")
    expect(latest.locator('tr[data-label="stats"] pre')).to_contain_text('"mean": 1.5')
    assert page.locator("main img").count() == 0
    assert page.evaluate("window.__xss") is None


@pytest.mark.parametrize(("error", "summary", "traceback"), [
    ("import", f"ValueError: bad value {HOSTILE}",
     'Traceback (most recent call last):\n  File "defs.py", line 3, in <module>'),
    ("syntax", "SyntaxError: invalid syntax", '  File "defs.py", line 7\n    def broken(:'),
], ids=["import", "syntax"])
def test_load_errors_name_the_exception_class_once(
    page: Any, error: str, summary: str, traceback: str,
) -> None:
    expect = _expect()
    state = ContractState(error=dict(IMPORT_ERROR if error == "import" else SYNTAX_ERROR))
    with serve(build_app(state)) as base:
        page.goto(base + "/locations")
        block = page.locator('section.location[data-location="loc"] .load-error')
        expect(block.locator(".error-message")).to_have_text(summary)
        text = block.locator("pre.traceback").text_content()
        assert text.startswith(traceback), text
        name = state.error["class_name"]
        assert text.endswith(summary) and f"{name}: {name}" not in text, text


def test_schedule_toggle_posts_start(api: tuple[str, ContractState], page: Any) -> None:
    base, state = api
    expect = _expect()
    page.goto(base + "/schedules")
    card = page.locator('.instigator[data-name="daily"]')
    expect(card).to_have_attribute("data-status", "STOPPED")
    card.get_by_role("switch").check()
    expect(card).to_have_attribute("data-status", "RUNNING")
    assert state.posts[-1][0] == "/api/schedules/loc/daily/start"


def test_run_page_folds_1000_mapped_steps_and_shows_graph_asset_ops(
    api: tuple[str, ContractState], page: Any,
) -> None:
    from .conftest import screenshot

    base, _ = api
    expect = _expect()
    page.goto(base + "/runs/run-mapped")
    chart = page.locator("svg.gantt")
    expect(chart).to_have_attribute("data-steps", "1005")
    expect(chart).to_have_attribute("data-rows", "6")  # the 1,000 mapped steps are one row
    group = chart.locator('g.group[data-group="square"]')
    expect(group).to_have_attribute("data-count", "1000")
    expect(group.locator("text.step-name")).to_contain_text("square [1000 mapped, 1 failed]")
    expect(group.locator("rect.bar")).to_have_class("bar st-failure group-bar")
    expect(group.locator("text.step-name title")).to_contain_text("999 success, 1 failure")
    expect(chart.locator('g[data-step="refined.times_ten"] text.step-name')).to_contain_text(
        "refined › times_ten")
    screenshot(page, "run-page-1000-mapped-folded")

    group.click()
    expect(chart).to_have_attribute("data-rows", "1006")
    failed = chart.locator('g.mapped[data-step="square[n417]"]')
    expect(failed).to_have_attribute("data-status", "FAILURE")
    expect(failed.locator("text.step-name")).to_contain_text("[n417]")
    screenshot(page, "run-page-1000-mapped-expanded")
    chart.locator('g.group[data-group="square"]').click()
    expect(chart).to_have_attribute("data-rows", "6")
    assert page.problems.messages == []
