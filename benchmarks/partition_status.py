"""The partitions view at scale: 20 hourly assets over 10 years (87,600 partitions each).

Fills a SQLite instance with every asset's partition statuses (most materialized, some
failed, a few in progress; rows of the storage's ``asset_partition_status`` table, written in
bulk as the event path would leave them), serves a location defining the 20 assets with
``headwater dev``, then prints:

- the status API (``GET /api/asset-partitions/{key}``) over HTTP: the very first request
  per asset (reads every status row, then stores the compacted snapshot), the first request
  in a restarted ``headwater dev`` (starts from the snapshot), and repeated requests;
- in Chromium, the asset page: navigation to grid on screen, and the canvas drawing alone;
- the cost the status table adds to storing materialization events.

    .venv/bin/python benchmarks/partition_status.py [--assets 20] [--loads 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import sys
import time
import urllib.request
from pathlib import Path

from bench_env import prepare
from ui_graph import CHROMIUM, start_dev

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

WORK = Path(".headwater") / "bench-partition-status"
START, END = "2016-01-01-00:00", "2025-12-29-00:00"  # 3,650 days: 87,600 hours
PARTITIONS = 87_600

LOCATION = '''
import headwater as hw

hourly = hw.HourlyPartitionsDefinition(start_date="{start}", end_date="{end}")


def make(index):
    @hw.asset(name=f"hourly_{{index}}", partitions_def=hourly)
    def _asset(context):
        return index
    return _asset


defs = hw.Definitions(assets=[make(index) for index in range({assets})])
'''


def fill(home: Path, assets: int) -> None:
    """Status rows for every partition of every asset: 90% materialized, 5% failed, 1% in
    progress, the rest missing (no row)."""
    from headwater.core.partition_keys import partition_keys
    from headwater.definitions.partitions import HourlyPartitionsDefinition
    from headwater.storage.instance import Instance
    from headwater.storage.schema import asset_partition_status, asset_partition_versions
    from headwater.storage.sql_base import encode_key

    keys = partition_keys(HourlyPartitionsDefinition(start_date=START, end_date=END).to_dict())
    assert len(keys) == PARTITIONS, len(keys)
    instance = Instance(home)
    try:
        engine = instance.storage.engine  # type: ignore[attr-defined]
        with engine.begin() as connection:
            for index in range(assets):
                key = encode_key([f"hourly_{index}"])
                rows = []
                for position, partition in enumerate(keys):
                    bucket = (position * 7 + index) % 100
                    status = 1 if bucket < 90 else 2 if bucket < 95 else 3 if bucket < 96 else 0
                    if status:
                        rows.append({"asset_key": key, "partition": partition, "status": status,
                                     "materialized": status == 1, "run_id": "bench",
                                     "version": 1})
                connection.execute(asset_partition_status.insert(), rows)
                connection.execute(asset_partition_versions.insert(),
                                   [{"asset_key": key, "version": 1}])
    finally:
        instance.dispose()


def get(url: str) -> tuple[float, dict[str, object]]:
    began = time.perf_counter()
    with urllib.request.urlopen(url) as response:
        body = response.read()
    elapsed = (time.perf_counter() - began) * 1000
    return elapsed, json.loads(body)


def wait_loaded(url: str, assets: int) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        with urllib.request.urlopen(url + "/api/assets") as response:
            if len(json.load(response)["assets"]) >= assets:
                return
        time.sleep(0.2)
    raise RuntimeError("the location did not load in 300 s")


def measure_api(url: str, assets: int, repeats: int = 3) -> tuple[list[float], list[float]]:
    first, repeated = [], []
    for index in range(assets):
        elapsed, body = get(f"{url}/api/asset-partitions/hourly_{index}")
        assert len(str(body["statuses"])) == PARTITIONS
        first.append(elapsed)
    for _ in range(repeats):
        for index in range(assets):
            repeated.append(get(f"{url}/api/asset-partitions/hourly_{index}")[0])
    return first, repeated


def measure_browser(url: str, loads: int) -> list[tuple[float, float]]:
    from playwright.sync_api import sync_playwright

    figures = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        for load in range(loads):
            page.goto(f"{url}/assets/hourly_{load % 20}")
            page.wait_for_selector(f'.partition-grid[data-cells="{PARTITIONS}"]',
                                   timeout=120_000)
            page.wait_for_function("document.body.dataset.partitionGridMs !== undefined")
            shown = float(page.evaluate("document.body.dataset.partitionGridMs"))
            drawn = float(page.evaluate(
                "document.querySelector('.partition-grid').dataset.renderMs"))
            figures.append((shown, drawn))
        browser.close()
    return figures


def measure_writes(home: Path) -> tuple[float, float]:
    """Events stored per second: partitioned materializations vs unpartitioned ones."""
    from headwater.snapshot.events import AssetEventData, EventType, RunEvent
    from headwater.storage.instance import Instance

    instance = Instance(home / "writes")
    rates = []
    try:
        for partitioned in (False, True):
            events = [RunEvent("w", EventType.ASSET_MATERIALIZATION, time.time(),
                               data=AssetEventData(asset_key=["w", str(partitioned)],
                                                   partition=f"p{n}" if partitioned else None))
                      for n in range(2000)]
            began = time.perf_counter()
            for event in events:
                instance.storage.store_event(event)
            rates.append(len(events) / (time.perf_counter() - began))
    finally:
        instance.dispose()
    return rates[0], rates[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=20)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    env = prepare()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    home = (WORK / "home").resolve()
    env["HEADWATER_HOME"] = str(home)
    module = WORK.resolve() / "partitioned_location.py"
    module.write_text(LOCATION.format(start=START, end=END, assets=args.assets))
    began = time.perf_counter()
    fill(home, args.assets)
    filled = time.perf_counter() - began
    process, url = start_dev(module, env)
    try:
        wait_loaded(url, args.assets)
        very_first, _ = measure_api(url, args.assets, repeats=0)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    process, url = start_dev(module, env)
    try:
        wait_loaded(url, args.assets)
        first, repeated = measure_api(url, args.assets)
        browser = measure_browser(url, args.loads)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    plain, partitioned = measure_writes(WORK.resolve())
    total = args.assets * PARTITIONS
    print(f"partitions view: {args.assets} hourly assets x {PARTITIONS:,} partitions "
          f"({total:,} statuses; filled in {filled:.0f} s)")
    print(f"  status API, very first request per asset (no snapshot yet): median "
          f"{statistics.median(very_first):.0f} ms (max {max(very_first):.0f})")
    print(f"  status API, first request per asset in a restarted webserver: median "
          f"{statistics.median(first):.0f} ms (max {max(first):.0f})")
    print(f"  status API, repeated requests: median {statistics.median(repeated):.1f} ms "
          f"(p95 {sorted(repeated)[int(len(repeated) * 0.95)]:.1f}, "
          f"max {max(repeated):.1f}) over {len(repeated)}")
    shown = [s for s, _ in browser]
    drawn = [d for _, d in browser]
    print(f"  asset page in Chromium, navigation -> grid on screen: median "
          f"{statistics.median(shown):.0f} ms (max {max(shown):.0f}) over {len(shown)} loads")
    print(f"  grid canvas drawing alone: median {statistics.median(drawn):.0f} ms "
          f"(max {max(drawn):.0f})")
    print(f"  storing materializations (SQLite, one per transaction): "
          f"{plain:.0f}/s unpartitioned, {partitioned:.0f}/s partitioned (status kept)")


if __name__ == "__main__":
    main()
