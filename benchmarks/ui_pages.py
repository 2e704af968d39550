"""Time to content of every UI page in Chromium, with 5,000 assets and 10,000 runs.

Seeds an instance with ``--runs`` finished runs (about one in eight failed, each with step
events, a materialization of one asset, a check result, captured stdout and, for failures,
a chained error) before ``headwater dev`` serves a generated location of ``--assets`` assets
from it; then loads each page ``--loads`` times in Chromium and prints, per page, the median
time from navigation start to its content shown (the page's own "loaded" marker: the main
body rendered, the graph drawn, the run's events listed).

Target (issue 19): every page < 300 ms on 2 cores.

    PYTHONDONTWRITEBYTECODE= .venv/bin/python benchmarks/ui_pages.py [--assets 5000]
        [--runs 10000] [--loads 5]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_env import prepare  # noqa: E402
from generated_location import write_location  # noqa: E402
from headwater.core.run_status import RunStatus  # noqa: E402
from headwater.snapshot.errors import ErrorInfo  # noqa: E402
from headwater.snapshot.events import (  # noqa: E402
    AssetCheckData,
    AssetEventData,
    EventType,
    RunEvent,
    StepFailureData,
)
from headwater.snapshot.runs import RunRecord  # noqa: E402
from headwater.storage.instance import Instance  # noqa: E402
from ui_graph import CHROMIUM, start_dev, wait_loaded  # noqa: E402

WORK = Path(".headwater") / "bench-ui-pages"
JOB = "__ASSET_JOB"


def _error() -> ErrorInfo:
    cause = ErrorInfo(message="KeyError: 'USD'", class_name="KeyError",
                      stack=['  File "defs.py", line 3, in rate\n    return rates[c]\n'])
    return ErrorInfo(message="ValueError: no rate", class_name="ValueError",
                     stack=['  File "defs.py", line 9, in report\n    raise ValueError\n'],
                     cause=cause)


def _run_events(run_id: str, asset: str, t0: float, failed: bool) -> list[RunEvent]:
    def event(kind: EventType, offset: float, **fields: object) -> RunEvent:
        return RunEvent(run_id=run_id, event_type=kind, timestamp=t0 + offset,
                        job_name=JOB, **fields)  # type: ignore[arg-type]

    events = [
        event(EventType.RUN_START, 0.0, message="Started."),
        event(EventType.STEP_START, 0.1, step_key=asset, message="Started step."),
        event(EventType.STEP_STDOUT, 0.2, step_key=asset, message="working\n" * 5),
    ]
    if failed:
        events += [
            event(EventType.STEP_FAILURE, 0.5, step_key=asset, level=40, message="failed",
                  data=StepFailureData(error=_error())),
            event(EventType.RUN_FAILURE, 0.6, level=40, message="Run failed."),
        ]
    else:
        events += [
            event(EventType.ASSET_MATERIALIZATION, 0.4, step_key=asset, message="Materialized.",
                  data=AssetEventData(asset_key=[asset])),
            event(EventType.ASSET_CHECK_EVALUATION, 0.45, step_key=asset, message="Checked.",
                  data=AssetCheckData(asset_key=[asset], check_name="ok", passed=True)),
            event(EventType.STEP_SUCCESS, 0.5, step_key=asset, message="Done."),
            event(EventType.RUN_SUCCESS, 0.6, message="Run succeeded."),
        ]
    return events


def seed(home: Path, assets: int, runs: int) -> str:
    """Store ``runs`` finished runs; returns the id of a failed one (for the run page)."""
    rng = random.Random(19)
    instance = Instance.get(environ={"HEADWATER_HOME": str(home)}, auto_migrate=True)
    storage = instance.storage
    now = time.time()
    failed_id = ""
    batch: list[RunEvent] = []
    for index in range(runs):
        run_id = str(uuid.uuid4())
        asset = f"asset_{rng.randrange(assets)}" if index >= assets else f"asset_{index}"
        failed = index % 8 == 7
        t0 = now - (runs - index) * 8.0
        storage.add_run(RunRecord(
            run_id=run_id, job_name=JOB, location_name=f"location_{assets}",
            status=RunStatus.FAILURE if failed else RunStatus.SUCCESS,
            asset_selection=[[asset]], created_at=t0, updated_at=t0 + 1, start_time=t0,
            end_time=t0 + 0.6, tags={"team": f"team_{index % 5}"}))
        if failed:
            failed_id = run_id
        batch += _run_events(run_id, asset, t0, failed)
        if len(batch) >= 5000:
            storage.store_events(batch)
            batch = []
    if batch:
        storage.store_events(batch)
    instance.dispose()
    return failed_id


#: (name, path, CSS selector that shows the page's content is there).
def pages(failed_run: str) -> list[tuple[str, str, str]]:
    done = '#page[aria-busy="false"]'
    return [
        ("overview", "/", "#overview-counts .counts"),
        ("deployment", "/locations", done + " section.location"),
        ("assets", "/assets", "#asset-rows tr"),
        ("asset graph", "/assets/graph", "#asset-graph[data-rendered]"),
        ("asset", "/assets/asset_10", done + " .health-card"),
        ("jobs", "/jobs", done),
        ("runs", "/runs", "#run-rows > tr"),
        ("run (failed)", f"/runs/{failed_run}", '.step-error pre.stack'),
        ("schedules", "/schedules", done),
        ("sensors", "/sensors", done),
        ("backfills", "/backfills", done),
    ]


def measure(url: str, targets: list[tuple[str, str, str]], loads: int
            ) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    figures: dict[str, list[float]] = {name: [] for name, _, _ in targets}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        for name, path, selector in targets:
            page.goto(url + path)  # warm: the first load compiles the page's modules
            page.wait_for_selector(selector, timeout=120_000, state="attached")
            for _ in range(loads):
                page.goto(url + path, wait_until="commit")
                page.wait_for_selector(selector, timeout=120_000, state="attached")
                figures[name].append(float(page.evaluate("performance.now()")))
        browser.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=10000)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    env = prepare()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    home = (WORK / "home").resolve()
    home.mkdir()
    env["HEADWATER_HOME"] = str(home)
    started = time.perf_counter()
    failed_run = seed(home, args.assets, args.runs)
    print(f"seeded {args.runs} runs in {time.perf_counter() - started:.1f} s")
    module = write_location(WORK.resolve(), args.assets)
    process, url = start_dev(module, env)
    try:
        wait_loaded(url, args.assets)
        figures = measure(url, pages(failed_run), args.loads)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    print(f"time to content, {args.assets} assets, {args.runs} runs, median of {args.loads} "
          "loads in Chromium (target < 300 ms):")
    for name, values in figures.items():
        verdict = "ok" if statistics.median(values) < 300 else "OVER"
        print(f"  {name:<14} median {statistics.median(values):6.0f} ms  "
              f"(min {min(values):.0f}, max {max(values):.0f})  {verdict}")


if __name__ == "__main__":
    main()
