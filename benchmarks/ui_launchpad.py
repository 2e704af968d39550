"""The launchpad's code editor: what it costs to ship and to open.

Prints the size of the vendored CodeMirror bundle (raw and gzipped), the JavaScript that
Chromium fetches for the jobs page before and after the launchpad opens (the editor is
imported only then), and the median time from clicking "Launch…" to the editor showing the
job's config, checked against its schema, over ``--loads`` page loads (after one warm load),
with the main thread's CPU time over the same span (robust on a loaded machine).

    PYTHONDONTWRITEBYTECODE= .venv/bin/python benchmarks/ui_launchpad.py [--loads 10]
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import signal
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_env import prepare  # noqa: E402
from ui_graph import CHROMIUM, start_dev  # noqa: E402

WORK = Path(".headwater") / "bench-ui-launchpad"
BUNDLE = (Path(__file__).resolve().parent.parent / "src" / "headwater" / "webserver" / "static"
          / "vendor" / "codemirror" / "codemirror.js")

LOCATION = '''
import headwater as hw


class Settings(hw.Config):
    name: str = "world"
    times: int = 2
    mode: str = "fast"


@hw.op
def greet(context: hw.OpExecutionContext, config: Settings) -> None:
    context.log.info(config.name)


@hw.job
def greet_job() -> None:
    greet()


defs = hw.Definitions(jobs=[greet_job])
'''

#: Bytes of the JavaScript the page has fetched so far (decoded sizes).
SCRIPT_BYTES = """() => performance.getEntriesByType('resource')
    .filter((entry) => entry.name.endsWith('.js'))
    .reduce((sum, entry) => sum + entry.decodedBodySize, 0)"""


#: In-page timestamps of the click and of the editor shown with its config checked (the
#: launchpad's config-mode badge is set by the first check, right after the editor is built).
WATCH = """() => {
    document.addEventListener('click', () => { window.benchClicked = performance.now(); },
        { capture: true, once: true });
    new MutationObserver((changes, observer) => {
        const mode = document.getElementById('config-mode');
        if (mode && mode.textContent) {
            window.benchShown = performance.now();
            observer.disconnect();
        }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
}"""


def _task_seconds(cdp: Any) -> float:
    """CPU time the page's main thread has spent on tasks so far (Chromium's TaskDuration)."""
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return float(next(m["value"] for m in metrics if m["name"] == "TaskDuration"))


def measure(url: str, loads: int) -> tuple[int, int, list[float], list[float]]:
    """JS bytes before/after opening, then per warm load: wall ms and main-thread CPU ms."""
    from playwright.sync_api import sync_playwright

    times: list[float] = []
    cpu: list[float] = []
    before = after = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable")
        for load in range(loads + 1):
            page.goto(url + "/jobs")
            button = page.locator('tr[data-job="greet_job"] button.open-launch')
            button.wait_for(timeout=120_000)
            if load == 0:
                before = int(page.evaluate(SCRIPT_BYTES))
            page.evaluate(WATCH)
            busy = _task_seconds(cdp)
            button.click()
            page.wait_for_selector('#run-config[data-ready="true"] .cm-line', state="attached",
                                   timeout=120_000)
            busy = _task_seconds(cdp) - busy
            shown = float(page.evaluate("window.benchShown - window.benchClicked"))
            if load == 0:
                after = int(page.evaluate(SCRIPT_BYTES))
            else:  # the first load fetches and compiles the modules
                times.append(shown)
                cpu.append(busy * 1000)
        browser.close()
    return before, after, times, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--loads", type=int, default=10)
    args = parser.parse_args()
    raw = BUNDLE.read_bytes()
    print(f"CodeMirror bundle: {len(raw) / 1024:.0f} KiB minified, "
          f"{len(gzip.compress(raw, 9)) / 1024:.0f} KiB gzipped")
    env = prepare()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    home = (WORK / "home").resolve()
    home.mkdir()
    env["HEADWATER_HOME"] = str(home)
    module = (WORK / "launchpad_defs.py").resolve()
    module.write_text(LOCATION)
    process, url = start_dev(module, env)
    try:
        before, after, times, cpu = measure(url, args.loads)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
    print(f"JavaScript fetched by /jobs: {before / 1024:.0f} KiB before the launchpad opens, "
          f"{after / 1024:.0f} KiB after")
    print(f"click on Launch… to the editor shown and checked: median "
          f"{statistics.median(times):.0f} ms (min {min(times):.0f}, max {max(times):.0f}) "
          f"over {len(times)} warm loads in Chromium; main-thread task time from the click "
          f"until the test saw the editor (includes the page's other work meanwhile): median "
          f"{statistics.median(cpu):.0f} ms")


if __name__ == "__main__":
    main()
