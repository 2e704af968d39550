"""Benchmarks for ``headwater dev`` and the HTTP API (issue 7).

Prints:
- ``headwater dev`` start to first page served with every location loaded (process start,
  then ``/api/locations`` all ``loaded``, then ``GET /`` answered), for 1 location of 10,
  1,000 and 5,000 generated assets and for 10 locations of 100 assets, with the total RSS
  of ``headwater dev`` and every process below it at that moment;
- ``GET /api/assets`` latency for 5,000 assets that all have a materialization (median and
  p95 of many requests over one keep-alive connection).

Targets (issue 7): first page 0.6 s (10 assets), 1.0 s (1,000), 2.5 s (5,000); 10 locations
of 100 assets < 2 s and < 500 MB total RSS; /api/assets < 20 ms for 5,000 assets.

``start_dev`` is reusable: the browser benchmark of the asset graph page (Chromium, 2,000
assets) can run against the server it yields.

Run: PYTHONDONTWRITEBYTECODE= .venv/bin/python benchmarks/webserver.py
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_env import prepare  # noqa: E402
from generated_location import write_location  # noqa: E402

BENCH_ROOT = Path.cwd() / ".headwater" / "bench-webserver"
URL = re.compile(r"serving http://([\d.]+):(\d+)")
REPEATS = 3
LATENCY_REQUESTS = 200


def _proc_total_mb(pids: set[int], file: str, field: str) -> float:
    """The sum of ``field`` (in kB) of ``/proc/PID/file`` over these processes, in MB."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/{file}", encoding="ascii") as lines:
                for line in lines:
                    if line.startswith(f"{field}:"):
                        total += int(line.split()[1])
        except OSError:
            pass  # the process ended meanwhile
    return total / 1024


def rss_mb(pids: set[int]) -> float:
    """Total resident memory of these processes, in MB."""
    return _proc_total_mb(pids, "status", "VmRSS")


def pss_mb(pids: set[int]) -> float:
    """Total proportional set size (shared pages split among their users), in MB."""
    return _proc_total_mb(pids, "smaps_rollup", "Pss")


def process_tree(root: int) -> set[int]:
    """``root`` and every process below it (code servers run in sessions of their own)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = {root}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def get(host: str, port: int, path: str) -> tuple[int, bytes]:
    """One GET on a new connection: status and body."""
    connection = http.client.HTTPConnection(host, port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Dev:
    """A running ``headwater dev``: its process, address and collected stderr."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[str] = []
        self.address: tuple[str, int] | None = None
        self._found = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)
            match = URL.search(line)
            if match and self.address is None:
                self.address = (match.group(1), int(match.group(2)))
                self._found.set()
        self._found.set()

    def wait_address(self) -> tuple[str, int]:
        while not self._found.wait(0.005):
            pass
        if self.address is None:
            raise RuntimeError("headwater dev exited:\n" + "".join(self.lines))
        return self.address


@contextmanager
def start_dev(args: list[str], home: Path, env: dict[str, str]) -> Iterator[Dev]:
    """Run ``headwater dev ARGS --port 0`` with ``HEADWATER_HOME=home``; SIGINT at the end."""
    process = subprocess.Popen(
        [sys.executable, "-m", "headwater.cli.main", "dev", *args, "--port", "0"],
        env={**env, "HEADWATER_HOME": str(home)}, cwd=home, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        yield Dev(process)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


def first_page(args: list[str], home: Path, env: dict[str, str],
               locations: int) -> tuple[float, float, float, float]:
    """Seconds from starting ``headwater dev`` to ``GET /`` answered with every location
    loaded; then, once the daemon runs, the total RSS and PSS (MB) of its process tree and the
    RSS of dev itself."""
    began = time.perf_counter()
    with start_dev(args, home, env) as dev:
        host, port = dev.wait_address()
        while True:
            status, body = get(host, port, "/api/locations")
            items = json.loads(body)["locations"] if status == 200 else []
            if len(items) == locations and all(i["status"] == "loaded" for i in items):
                break
            if any(item["status"] == "error" for item in items):
                raise RuntimeError(f"a location failed: {items}")
            time.sleep(0.005)
        status, _ = get(host, port, "/")
        elapsed = time.perf_counter() - began
        assert status == 200, status
        # Memory once everything runs: the storage and the daemon start after the first page.
        while not json.loads(get(host, port, "/api/health")[1])["daemon"]["alive"]:
            time.sleep(0.01)
        tree = process_tree(dev.process.pid)
        return elapsed, rss_mb(tree), pss_mb(tree), rss_mb({dev.process.pid})


def fresh_home(name: str) -> Path:
    """An empty instance folder under the benchmark root."""
    home = BENCH_ROOT / name
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    return home


def ten_location_workspace(folder: Path) -> Path:
    """A workspace.yaml of 10 generated locations of 100 assets each."""
    lines = ["load_from:"]
    for index in range(10):
        sub = folder / f"loc{index}"
        sub.mkdir(parents=True, exist_ok=True)
        path = write_location(sub, 100)
        lines.append(f"  - python_file: {{relative_path: {path.relative_to(folder)}, "
                     f"location_name: loc{index}, working_directory: {sub}}}")
    workspace = folder / "workspace.yaml"
    workspace.write_text("\n".join(lines) + "\n")
    return workspace


def startup_figures(env: dict[str, str]) -> None:
    """Print start-to-first-page times and RSS."""
    sources = BENCH_ROOT / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    cases: list[tuple[str, list[str], int, str]] = []
    for size, target in ((10, "0.6 s"), (1000, "1.0 s"), (5000, "2.5 s")):
        path = write_location(sources, size)
        cases.append((f"1 location of {size:,} assets", ["-f", str(path)], 1, target))
    workspace = ten_location_workspace(BENCH_ROOT / "ten")
    cases.append(("10 locations of 100 assets", ["-w", str(workspace)], 10, "2 s, 500 MB"))
    for label, args, count, target in cases:
        times, rss, pss, own = [], 0.0, 0.0, 0.0
        for repeat in range(REPEATS):
            elapsed, total, proportional, dev_rss = first_page(
                args, fresh_home(f"start-{count}-{repeat}"), env, count)
            times.append(elapsed)
            rss, pss, own = max(rss, total), max(pss, proportional), max(own, dev_rss)
        print(f"{label:>30}: start to first page median {statistics.median(times):.2f} s "
              f"(min {min(times):.2f}); total RSS {rss:.0f} MB (PSS {pss:.0f} MB; the dev "
              f"process itself {own:.0f} MB) (target {target})", flush=True)


def materialize_all(home: Path, size: int) -> None:
    """Store one materialization per generated asset (as a finished run would)."""
    from headwater.core.run_status import RunStatus
    from headwater.snapshot.events import AssetEventData, EventType, RunEvent
    from headwater.snapshot.runs import RunRecord
    from headwater.storage.instance import Instance

    instance = Instance(home, auto_migrate=True)
    try:
        storage = instance.storage
        storage.add_run(RunRecord(run_id="bench-run", job_name="__ASSET_JOB",
                                  status=RunStatus.SUCCESS, location_name=f"location_{size}"))
        now = time.time()
        storage.store_events([
            RunEvent(run_id="bench-run", event_type=EventType.ASSET_MATERIALIZATION,
                     timestamp=now, step_key=f"asset_{index}",
                     data=AssetEventData(asset_key=[f"asset_{index}"]))
            for index in range(size)])
    finally:
        instance.dispose()


def assets_latency(env: dict[str, str], size: int = 5000) -> None:
    """Print the latency of GET /api/assets with ``size`` materialized assets."""
    home = fresh_home("latency")
    materialize_all(home, size)
    path = write_location(BENCH_ROOT / "sources", size)
    with start_dev(["-f", str(path)], home, env) as dev:
        host, port = dev.wait_address()
        while True:
            status, body = get(host, port, "/api/locations")
            if status == 200 and json.loads(body)["locations"][0]["status"] == "loaded":
                break
            time.sleep(0.01)
        timings, payload = timed_gets(host, port, "/api/assets", LATENCY_REQUESTS)
        assets = json.loads(payload)["assets"]
        assert len(assets) == size
        assert all(item["latest_materialization"] is not None for item in assets)
        report(f"GET /api/assets, {size:,} materialized assets "
               f"({len(payload) / 1024:,.0f} KiB)", timings)
        start_run(home, ["asset_0", "asset_1"])
        timings, payload = timed_gets(host, port, "/api/assets", LATENCY_REQUESTS)
        report("  the same while a run of 2 of them is in progress", timings)


def timed_gets(host: str, port: int, path: str, count: int) -> tuple[list[float], bytes]:
    """Seconds of ``count`` GETs over one keep-alive connection, and the last body."""
    connection = http.client.HTTPConnection(host, port, timeout=60)
    timings, payload = [], b""
    try:
        for _ in range(count):
            began = time.perf_counter()
            connection.request("GET", path)
            payload = connection.getresponse().read()
            timings.append(time.perf_counter() - began)
    finally:
        connection.close()
    return timings, payload


def report(label: str, timings: list[float]) -> None:
    """Print median, p95 and first of request timings."""
    ordered = sorted(timings)
    print(f"{label}: median {statistics.median(ordered) * 1000:.1f} ms, p95 "
          f"{ordered[int(len(ordered) * 0.95)] * 1000:.1f} ms, first request "
          f"{timings[0] * 1000:.1f} ms (target < 20 ms)", flush=True)


def start_run(home: Path, assets: list[str]) -> None:
    """Store a run in progress (its worker: this process, so the run monitor leaves it)."""
    import os

    from headwater.core.run_status import RunStatus
    from headwater.snapshot.runs import RunRecord
    from headwater.storage.instance import Instance

    instance = Instance(home)
    try:
        run = RunRecord(run_id="bench-active", job_name="__ASSET_JOB", status=RunStatus.STARTED,
                        location_name="location_5000",
                        asset_selection=[[name] for name in assets])
        instance.storage.add_run(run)
        instance.storage.set_run_worker(run.run_id, os.getpid())
        instance.storage.heartbeat_run(run.run_id, time.time())
    finally:
        instance.dispose()


def main() -> None:
    """Print every figure."""
    logging.disable(logging.CRITICAL)
    env = prepare()
    BENCH_ROOT.mkdir(parents=True, exist_ok=True)
    startup_figures(env)
    assets_latency(env)


if __name__ == "__main__":
    main()
