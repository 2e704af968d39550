"""The partition status grid in Chromium, on ``headwater dev``: 87,600 hourly partitions drawn,
a range selected in the grid launches a backfill, the backfill page shows each partition."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import screenshot
from .devserver import headwater_dev

START, END = "2016-01-01-00:00", "2025-12-29-00:00"  # 3,650 days: 87,600 hourly partitions
CELLS = 87_600
LOCATION = f'''
import headwater as hw

hourly = hw.HourlyPartitionsDefinition(start_date="{START}", end_date="{END}")


@hw.asset(partitions_def=hourly, backfill_policy=hw.BackfillPolicy.single_run())
def hourly_metrics(context: hw.AssetExecutionContext) -> None:
    context.log.info(f"{{len(context.partition_keys)}} hours")


date_region = hw.MultiPartitionsDefinition({{
    "date": hw.DailyPartitionsDefinition(start_date="2025-12-20", end_date="2025-12-29"),
    "region": hw.StaticPartitionsDefinition(["eu", "us"]),
}})


@hw.asset(partitions_def=date_region)
def regional_sales(context: hw.AssetExecutionContext) -> None:
    context.log.info(context.partition_key)


defs = hw.Definitions(assets=[hourly_metrics, regional_sales])
'''


def _fill(home: Path) -> dict[str, int]:
    """Statuses for every partition as stored events would leave them (bulk, for speed)."""
    from headwater.core.partition_keys import partition_keys
    from headwater.definitions.partitions import HourlyPartitionsDefinition
    from headwater.storage.instance import Instance
    from headwater.storage.schema import asset_partition_status, asset_partition_versions

    keys = partition_keys(HourlyPartitionsDefinition(start_date=START, end_date=END).to_dict())
    assert len(keys) == CELLS
    rows = []
    counts = {"materialized": 0, "failed": 0, "in_progress": 0}
    for position, partition in enumerate(keys[:-48]):  # the last two days stay missing
        status = 2 if position % 97 == 0 else 3 if position % 1001 == 0 else 1
        counts[("materialized", "failed", "in_progress")[status - 1]] += 1
        rows.append({"asset_key": '["hourly_metrics"]', "partition": partition,
                     "status": status, "materialized": status == 1, "run_id": "fill",
                     "version": 1})
    instance = Instance(home)
    try:
        with instance.storage.engine.begin() as connection:  # type: ignore[attr-defined]
            connection.execute(asset_partition_status.insert(), rows)
            connection.execute(asset_partition_versions.insert(),
                               [{"asset_key": '["hourly_metrics"]', "version": 1}])
    finally:
        instance.dispose()
    return counts


@pytest.fixture
def grid_dev(tmp_path: Path) -> Iterator[tuple[str, dict[str, int]]]:
    project = tmp_path / "project"
    project.mkdir()
    (project / "hourly.py").write_text(LOCATION)
    counts = _fill(tmp_path / "home")
    with headwater_dev(project, "hourly.py", tmp_path / "home") as url:
        yield url, counts


@pytest.mark.slow
def test_the_grid_draws_87600_partitions_and_a_selected_range_is_backfilled(
        grid_dev: tuple[str, dict[str, int]], page: Any) -> None:
    from playwright.sync_api import expect

    base, counts = grid_dev
    page.goto(f"{base}/assets/hourly_metrics")
    grid = page.locator(f'.partition-grid[data-cells="{CELLS}"]')
    expect(grid).to_be_visible(timeout=60_000)
    for name, count in counts.items():
        expect(grid.locator(f'.legend-item[data-status="{name}"]')).to_contain_text(str(count))
    expect(grid.locator('.legend-item[data-status="missing"]')).to_contain_text("48")
    render_ms = float(grid.get_attribute("data-render-ms") or "nan")
    shown_ms = float(page.evaluate("document.body.dataset.partitionGridMs"))
    print(f"grid of {CELLS} cells: drawn in {render_ms:.0f} ms, "
          f"on screen {shown_ms:.0f} ms after navigation")
    screenshot(page, "partition-grid-87600")

    # Hovering a cell names its partition and status (cell 0 is the first hour, failed).
    canvas = grid.locator(".partition-grid-canvas")
    canvas.hover(position={"x": 1, "y": 1})
    expect(grid.locator(".partition-hover")).to_have_text("2016-01-01-00:00: failed")
    # Dragging over the first row selects a range of cells.
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 2, box["y"] + 6)
    page.mouse.down()
    page.mouse.move(box["x"] + 4 * 9 + 2, box["y"] + 6)
    page.mouse.up()
    expect(page.locator(".partition-actions .selection")).to_have_attribute("data-count", "10")

    # The missing last two days, typed into From/To: one backfill over 48 partitions.
    page.locator(".partition-from").fill("2025-12-27-00:00")
    page.locator(".partition-to").fill("2025-12-28-23:00")
    page.locator(".partition-to").press("Enter")
    launch = page.locator(".partition-actions button.launch-partitions")
    expect(launch).to_have_text(
        "Backfill 48 partitions (2025-12-27-00:00 … 2025-12-28-23:00)")
    launch.click()
    page.wait_for_url(re.compile(r".*/backfills/[^/]+$"))
    backfill_grid = page.locator('.backfill-grid .partition-grid[data-cells="48"]')
    expect(backfill_grid).to_be_visible()
    # The daemon in `headwater dev` runs it (single_run: one run over the range).
    expect(page.locator('section.backfill[data-status="COMPLETED"]')).to_be_visible(
        timeout=120_000)
    expect(page.locator('.backfill-grid .legend-item[data-status="materialized"]')
           ).to_contain_text("48", timeout=30_000)
    screenshot(page, "partition-grid-backfill")
    page.goto(f"{base}/assets/hourly_metrics")
    expect(page.locator('.partition-grid .legend-item[data-status="missing"]')
           ).to_contain_text("missing 0", timeout=60_000)
    assert page.problems.messages == []


@pytest.mark.slow
def test_a_multi_partitioned_asset_is_a_2d_grid_and_a_rectangle_is_backfilled(
        grid_dev: tuple[str, dict[str, int]], page: Any) -> None:
    from playwright.sync_api import expect

    base, _ = grid_dev
    page.goto(f"{base}/assets/regional_sales")
    grid = page.locator('.partition-grid[data-cells="18"]')
    expect(grid).to_be_visible(timeout=60_000)
    expect(grid).to_contain_text("Rows: region (2), columns: date (9)")
    canvas = grid.locator(".partition-grid-canvas")
    box = canvas.bounding_box()
    assert box is not None
    cell = 16  # nine columns: the largest cell size
    page.mouse.move(box["x"] + 1 + cell / 2, box["y"] + 1 + cell / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 1 + cell * 1.5, box["y"] + 1 + cell * 1.5)
    page.mouse.up()
    launch = page.locator(".partition-actions button.launch-partitions")
    expect(launch).to_have_text("Backfill 4 partitions (2025-12-20|eu … 2025-12-21|us)")
    screenshot(page, "partition-grid-2d-selected")
    launch.click()
    page.wait_for_url(re.compile(r".*/backfills/[^/]+$"))
    expect(page.locator('section.backfill[data-status="COMPLETED"]')).to_be_visible(
        timeout=120_000)
    page.goto(f"{base}/assets/regional_sales")
    expect(page.locator('.partition-grid .legend-item[data-status="materialized"]')
           ).to_contain_text("materialized 4", timeout=60_000)
    screenshot(page, "partition-grid-2d-materialized")
    assert page.problems.messages == []
