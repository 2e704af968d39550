"""Asset-graph page load in Chromium for a 2,000-asset location served by ``headwater dev``.

Prints, over several loads, the time from navigation start to the graph drawn (the page's
first animation frame after the graph is painted), the share spent in the JS layout, and the
CPU time of the page's main thread per load (from a Chromium trace: the sum of its tasks'
thread time, which a loaded machine inflates far less than wall time), with the layout cache
empty (a first visit) and filled (a reload); and the renderer's CPU time per zoom step
(smoothness: each step must fit in a frame).

    PYTHONDONTWRITEBYTECODE= .venv/bin/python benchmarks/ui_graph.py [--assets 2000] [--loads 5]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from bench_env import prepare
from generated_location import write_location

CHROMIUM = "/usr/bin/chromium"
WORK = Path(".headwater") / "bench-ui-graph"


def start_dev(module: Path, env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    """Start ``headwater dev`` on ``module``; return the process and its URL."""
    command = [str(Path(sys.executable).parent / "headwater"), "dev", "-f", module.name,
               "--port", "0"]
    process = subprocess.Popen(command, cwd=module.parent, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert process.stderr is not None
    for line in process.stderr:
        match = re.search(r"serving (http://\S+)", line)
        if match:
            # Keep draining stderr so the server never blocks on a full pipe.
            threading.Thread(target=process.stderr.read, daemon=True).start()
            return process, match.group(1)
    raise RuntimeError("headwater dev exited before serving")


def wait_loaded(url: str, assets: int) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        with urllib.request.urlopen(url + "/api/assets") as response:
            if len(json.load(response)["assets"]) >= assets:
                return
        time.sleep(0.2)
    raise RuntimeError("the location did not load in 300 s")


def measure(url: str, assets: int, loads: int) -> list[tuple[float, float]]:
    from playwright.sync_api import sync_playwright

    figures = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        for _ in range(loads):
            page.goto(url + "/assets/graph")
            page.wait_for_selector(f'#asset-graph[data-rendered="{assets}"]', timeout=120_000)
            rendered = float(page.evaluate("document.body.dataset.graphRenderedMs"))
            layout = float(page.evaluate("document.body.dataset.graphLayoutMs"))
            figures.append((rendered, layout))
        browser.close()
    return figures


def main_thread_cpu_ms(trace: bytes, *, whole_renderer: bool = False) -> float:
    """CPU time (ms) of the renderer main thread's top-level tasks in a Chromium trace (or of
    every thread of the page's renderer process: raster and compositor threads too)."""
    events = json.loads(trace)["traceEvents"]
    main = {(e["pid"], e["tid"]) for e in events if e.get("ph") == "M"
            and e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"}
    renderer = {pid for pid, _ in main}
    tasks = [e for e in events if e.get("ph") == "X" and (
        e["pid"] in renderer if whole_renderer else (e["pid"], e["tid"]) in main)]
    # Newer Chromium names its top-level task event RunTask, older ones
    # ThreadControllerImpl::RunTask; never add both (one can nest in the other).
    name = "RunTask" if any(e["name"] == "RunTask" for e in tasks) else \
        "ThreadControllerImpl::RunTask"
    return sum(e.get("tdur", 0) for e in tasks if e["name"] == name) / 1000


def measure_cpu(url: str, assets: int, loads: int, *, cached: bool) -> list[float]:
    """Main-thread CPU time of each of ``loads`` loads of the graph page."""
    from playwright.sync_api import sync_playwright

    selector = f'#asset-graph[data-rendered="{assets}"]'
    figures = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url + "/assets/graph")
        page.wait_for_selector(selector, timeout=120_000)
        for _ in range(loads):
            if not cached:
                page.evaluate("window.localStorage.clear()")
            page.goto("about:blank")
            browser.start_tracing(page=page, categories=[
                "devtools.timeline", "disabled-by-default-devtools.timeline"])
            page.goto(url + "/assets/graph", wait_until="commit")
            page.wait_for_selector(selector, timeout=120_000)
            figures.append(main_thread_cpu_ms(browser.stop_tracing()))
        browser.close()
    return figures


ZOOM_STEPS = 20


def measure_zoom_cpu(url: str, assets: int) -> float:
    """Renderer CPU time per zoom step: ``ZOOM_STEPS`` wheel events over the fitted graph,
    each followed by two animation frames (the repaint is done)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url + "/assets/graph")
        page.wait_for_selector(f'#asset-graph[data-rendered="{assets}"]', timeout=120_000)
        box = page.locator("#asset-graph").bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        browser.start_tracing(page=page, categories=[
            "devtools.timeline", "disabled-by-default-devtools.timeline"])
        for step in range(ZOOM_STEPS):
            page.mouse.wheel(0, -60 if step < ZOOM_STEPS // 2 else 60)
            page.evaluate("new Promise((done) => requestAnimationFrame(() => "
                          "requestAnimationFrame(done)))")
        cpu = main_thread_cpu_ms(browser.stop_tracing(), whole_renderer=True)
        browser.close()
    return cpu / ZOOM_STEPS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=2000)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    env = prepare()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    env["HEADWATER_HOME"] = str((WORK / "home").resolve())
    module = write_location(WORK.resolve(), args.assets)
    process, url = start_dev(module, env)
    try:
        wait_loaded(url, args.assets)
        figures = measure(url, args.assets, args.loads)
        cold = measure_cpu(url, args.assets, args.loads, cached=False)
        warm = measure_cpu(url, args.assets, args.loads, cached=True)
        zoom = measure_zoom_cpu(url, args.assets)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    rendered = [r for r, _ in figures]
    layout = [lay for _, lay in figures]
    print(f"asset graph, {args.assets} assets, {args.loads} loads in Chromium:")
    print(f"  navigation -> graph drawn: median {statistics.median(rendered):.0f} ms "
          f"(min {min(rendered):.0f}, max {max(rendered):.0f})")
    print(f"  of which JS layout: median {statistics.median(layout):.0f} ms")
    print(f"  main-thread CPU per load: median {statistics.median(cold):.0f} ms first visit, "
          f"{statistics.median(warm):.0f} ms reload (layout cached)")
    print(f"  renderer CPU per zoom step (wheel, zoomed out to the whole graph): {zoom:.1f} ms")


if __name__ == "__main__":
    main()
