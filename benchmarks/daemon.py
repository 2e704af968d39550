"""Benchmarks for the daemon (issue 6).

Prints:
- latency from a schedule's due time to its run being STARTED (the worker's RUN_START), for a
  few ticks, with the daemon in this process and a real code server. The daemon's clock is
  shifted so that a cron minute falls due a second after each sample starts (no waiting for
  wall-clock minutes); the latency is measured in real time.
- sensor evaluations per second with 50 sensors on 1-second intervals across two locations,
  with ``headwater daemon run`` as a real process, and that process's RSS over ``--duration``
  seconds (default 600): first sample after warm-up, last sample, and the largest.

Files go under ./.headwater/bench-daemon.

Run: PYTHONDONTWRITEBYTECODE= .venv/bin/python benchmarks/daemon.py [--duration 600]
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_env import prepare  # noqa: E402
from headwater.core.origins import PythonFileOrigin  # noqa: E402
from headwater.core.run_status import RunStatus  # noqa: E402
from headwater.daemon import Daemon  # noqa: E402
from headwater.snapshot.runs import InstigatorType, RunsFilter  # noqa: E402
from headwater.storage.config import CodeServerSettings  # noqa: E402
from headwater.storage.instance import Instance  # noqa: E402
from headwater.workspace import Workspace  # noqa: E402

FOLDER = Path(".headwater") / "bench-daemon"
LATENCY_SAMPLES = 5
SENSORS_PER_LOCATION = 25
WARM_UP = 30.0

#: The job both generated locations run (after their own import line).
_HELLO_JOB = """

@op
def hello() -> int:
    return 1


@job
def hello_job() -> None:
    hello()

"""

SCHEDULE_LOCATION = """\
from headwater import DefaultScheduleStatus, Definitions, ScheduleDefinition, job, op
""" + _HELLO_JOB + """
defs = Definitions(jobs=[hello_job], schedules=[ScheduleDefinition(
    name="minutely", job=hello_job, cron_schedule="* * * * *",
    default_status=DefaultScheduleStatus.RUNNING)])
"""

SENSOR_LOCATION = """\
from headwater import DefaultSensorStatus, Definitions, SkipReason, job, op, sensor
""" + _HELLO_JOB + """
def make(index: int):
    @sensor(name=f"sensor_{{index}}", job=hello_job, minimum_interval_seconds=1,
            default_status=DefaultSensorStatus.RUNNING)
    def _sensor(context):
        return SkipReason("nothing new")

    return _sensor


defs = Definitions(jobs=[hello_job], sensors=[make(i) for i in range({count})])
"""


def rss_mb(pid: int) -> float:
    """Resident memory of one process, in MB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return math.nan


def schedule_latency(env: dict[str, str]) -> list[float]:
    """Seconds from each due tick to its run's RUN_START."""
    folder = FOLDER / "latency"
    folder.mkdir(parents=True)
    location = folder / "schedule_location.py"
    location.write_text(SCHEDULE_LOCATION)
    home = (folder / "home").resolve()
    os.environ["HEADWATER_HOME"] = str(home)
    offset = [0.0]
    instance = Instance(home)
    workspace = Workspace([PythonFileOrigin("bench", str(location.resolve()))],
                          settings=CodeServerSettings(heartbeat_interval=1,
                                                      heartbeat_timeout=10),
                          env={**env, "HEADWATER_HOME": str(home)})
    workspace.start()
    workspace.wait_until_settled(60)
    daemon = Daemon(workspace, instance, clock=lambda: time.time() + offset[0])
    latencies: list[float] = []
    try:
        daemon.start()
        for _ in range(LATENCY_SAMPLES):
            shifted = time.time() + offset[0]
            due = (math.floor(shifted / 60) + 1) * 60  # the next cron minute, daemon time
            offset[0] += due - shifted - 1.0  # ... falls due one real second from now
            due_real = due - offset[0]
            run = _wait_started(instance, str(int(due)))
            latencies.append(run - due_real)
    finally:
        daemon.stop()
        workspace.stop()
        instance.dispose()
    return latencies


def _wait_started(instance: Instance, run_key: str) -> float:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        runs = instance.storage.get_runs(RunsFilter(tags={"headwater/run_key": run_key}))
        if runs and runs[0].start_time is not None and runs[0].status in (
                RunStatus.STARTED, RunStatus.SUCCESS):
            return runs[0].start_time
        time.sleep(0.01)
    raise SystemExit(f"The run of tick {run_key} did not start within 60 s.")


def sensor_load(env: dict[str, str], duration: float) -> None:
    """Run the daemon process against 50 sensors; print evaluations/s and its RSS."""
    folder = FOLDER / "sensors"
    folder.mkdir(parents=True)
    files = []
    for name in ("first", "second"):
        path = folder / f"{name}.py"
        path.write_text(textwrap.dedent(SENSOR_LOCATION.format(count=SENSORS_PER_LOCATION)))
        files.append(str(path.resolve()))
    home = (folder / "home").resolve()
    home.mkdir()
    (home / "headwater.yaml").write_text("sensors: {max_workers: 8}\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "headwater.cli.main", "daemon", "run", "-f", files[0], "-f",
         files[1]], env={**env, "HEADWATER_HOME": str(home)}, stdin=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    instance = Instance(home)
    samples: list[tuple[float, float]] = []
    try:
        time.sleep(WARM_UP)
        start_ticks, start = _count_ticks(instance), time.monotonic()
        end = start + duration
        while time.monotonic() < end:
            samples.append((time.monotonic() - start, rss_mb(process.pid)))
            time.sleep(min(30.0, max(0.0, end - time.monotonic())))
        samples.append((time.monotonic() - start, rss_mb(process.pid)))
        rate = (_count_ticks(instance) - start_ticks) / (time.monotonic() - start)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)
        instance.dispose()
    print(f"sensor evaluations: {rate:.1f}/s with {2 * SENSORS_PER_LOCATION} sensors on "
          f"1-second intervals across 2 locations (ideal: {2 * SENSORS_PER_LOCATION}/s)")
    first, last = samples[0][1], samples[-1][1]
    print(f"daemon RSS over {duration:.0f} s of that load: {first:.1f} MB after "
          f"{WARM_UP:.0f} s warm-up, {last:.1f} MB at the end, max "
          f"{max(mb for _, mb in samples):.1f} MB (growth {last - first:+.1f} MB)")
    print("  samples (s, MB): " + ", ".join(f"{t:.0f}: {mb:.1f}" for t, mb in samples))


def _count_ticks(instance: Instance) -> int:
    total = 0
    for location in ("first", "second"):
        for index in range(SENSORS_PER_LOCATION):
            total += len(instance.storage.get_ticks(location, f"sensor_{index}",
                                                    InstigatorType.SENSOR))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=600.0,
                        help="seconds of sensor load to measure RSS over (default 600)")
    args = parser.parse_args()
    env = prepare()
    shutil.rmtree(FOLDER, ignore_errors=True)
    FOLDER.mkdir(parents=True)
    latencies = schedule_latency(env)
    print(f"schedule due -> run STARTED: median {statistics.median(latencies):.2f} s, "
          f"max {max(latencies):.2f} s over {len(latencies)} ticks "
          f"({', '.join(f'{x:.2f}' for x in latencies)})")
    sensor_load(env, args.duration)


if __name__ == "__main__":
    main()
