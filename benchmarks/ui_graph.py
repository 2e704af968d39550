"""Asset-graph page load in Chromium for a 2,000-asset location served by ``headwater dev``.

Prints, over several loads, the time from navigation start to the graph drawn (the page's
first animation frame after the SVG is built), and the share spent in the JS layout.

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
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    rendered = [r for r, _ in figures]
    layout = [lay for _, lay in figures]
    print(f"asset graph, {args.assets} assets, {args.loads} loads in Chromium:")
    print(f"  navigation -> graph drawn: median {statistics.median(rendered):.0f} ms "
          f"(min {min(rendered):.0f}, max {max(rendered):.0f})")
    print(f"  of which JS layout: median {statistics.median(layout):.0f} ms")


if __name__ == "__main__":
    main()
