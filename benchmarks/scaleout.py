"""Benchmark for scale-out on Celery (issue 8).

Prints, for a run of 1,000 trivial assets (a generated location, so nearly all of the time is
headwater's) on a fresh PostgreSQL database:

- steps per second with the celery executor and one ``headwater celery worker`` of 1, 2 and
  4 pool processes (Redis broker and result backend), and with the multiprocess executor at
  ``max_concurrent`` 1, 2 and 4, for comparison;
- the per-step overhead: the run's duration (RUN_START to RUN_SUCCESS, every event in
  PostgreSQL) divided by the steps, and the same times the worker processes (the cost of one
  step to one worker process).

Needs PostgreSQL on 127.0.0.1:5432 (``$HEADWATER_BENCH_PG_URL``) and Redis on 6379
(``$HEADWATER_BENCH_REDIS_URL``). The worker folder lives under ./.headwater/bench-scaleout.

Run: PYTHONDONTWRITEBYTECODE= .venv/bin/python benchmarks/scaleout.py [--quick]
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_env import prepare  # noqa: E402
from generated_location import write_location  # noqa: E402
from headwater.core.names import IMPLICIT_ASSET_JOB_NAME  # noqa: E402
from headwater.core.origins import PythonFileOrigin  # noqa: E402
from headwater.definitions.asset_graph.keys import AssetKey  # noqa: E402
from runs import open_instance, postgres_database, write_home  # noqa: E402

REDIS_URL = os.environ.get("HEADWATER_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
WORK = Path.cwd() / ".headwater" / "bench-scaleout"
PROCESSES = (1, 2, 4)


def time_run(home: Path, location: Path, steps: int, run_config: dict[str, Any],
             env: dict[str, str]) -> float:
    """Seconds from RUN_START to the run's end (asserting it succeeded)."""
    from headwater.execution.launch import create_run

    with open_instance(home) as instance:
        origin = PythonFileOrigin(location_name=location.stem, python_file=str(location),
                                  working_directory=str(location.parent))
        run = create_run(instance, origin=origin, job_name=IMPLICIT_ASSET_JOB_NAME,
                         asset_selection=[AssetKey(f"asset_{i}") for i in range(steps)],
                         run_config=run_config)
        code = subprocess.run(
            [sys.executable, "-m", "headwater.execution.worker", run.run_id],
            env={**env, "HEADWATER_HOME": str(home)}, cwd=location.parent, check=False,
        ).returncode
        stored = instance.storage.get_run(run.run_id)
    assert stored is not None and code == 0, f"run {run.run_id} ended {stored} (exit {code})"
    assert stored.start_time is not None and stored.end_time is not None
    return stored.end_time - stored.start_time


def start_worker(home: Path, location: Path, queue: str, processes: int,
                 env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    from headwater.celery.app import celery_app

    hostname = f"bench{processes}-{uuid.uuid4().hex[:6]}@{socket.gethostname()}"
    log = open(WORK / f"worker-{processes}.log", "wb")  # noqa: SIM115 - the worker's output
    process = subprocess.Popen(
        [sys.executable, "-m", "headwater.cli.main", "celery", "worker", "-f", str(location),
         "--broker", REDIS_URL, "-Q", queue, "-c", str(processes), "-n", hostname,
         "--loglevel", "WARNING"],
        env={**env, "HEADWATER_HOME": str(home)}, cwd=location.parent, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    app = celery_app(REDIS_URL, REDIS_URL)
    deadline = time.monotonic() + 120
    while not any(hostname in reply for reply in
                  app.control.ping(destination=[hostname], timeout=0.5) or []):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the Celery worker did not start; see {log.name}")
    return process, hostname


def stop_worker(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def row(executor: str, processes: int, steps: int, seconds: float) -> None:
    per_step_ms = seconds * 1000 / steps
    print(f"{executor:<13} {processes:>9} {steps / seconds:>9.1f} {seconds:>8.2f} "
          f"{per_step_ms:>8.2f} {per_step_ms * processes:>14.2f}", flush=True)


def main() -> None:
    env = prepare()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    steps = 200 if "--quick" in sys.argv else 1000
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s); {steps} trivial steps, "
          "PostgreSQL instance, Redis broker and backend")
    with postgres_database() as pg_url:
        if pg_url is None:
            raise SystemExit("PostgreSQL is needed for this benchmark.")
        home = write_home(WORK / "home", pg_url)
        open_instance(home).dispose()
        from headwater.storage.instance import Instance

        Instance.get(lazy=True, environ={"HEADWATER_HOME": str(home)}).migrate()
        location = write_location(WORK, steps)
        print("\nexecutor      processes   steps/s  run (s) ms/step ms/step/process")
        for processes in PROCESSES:
            config = {"execution": {"multiprocess": {"config": {"max_concurrent": processes}}}}
            row("multiprocess", processes, steps, time_run(home, location, steps, config, env))
        for processes in PROCESSES:
            queue = f"hw-bench-{uuid.uuid4().hex[:8]}"
            worker, _ = start_worker(home, location, queue, processes, env)
            try:
                config = {"execution": {"celery": {"config": {
                    "broker": REDIS_URL, "queue": queue}}}}
                row("celery", processes, steps, time_run(home, location, steps, config, env))
            finally:
                stop_worker(worker)
    from headwater.celery.app import close_apps

    close_apps()


if __name__ == "__main__":
    main()
