"""Benchmarks for runs in the instance (issue 4).

Prints:
- per-asset overhead of a 100- and a 1,000-asset run (a generated location of trivial assets,
  so nearly all of the time is headwater's), with the in-process and the multiprocess
  executor, on SQLite and PostgreSQL: the run's own duration (RUN_START to its end, every
  event written to storage) divided by the number of assets, and the worker process's wall
  time (start-up and loading the location included);
- events written per second by 1 and 8 concurrent writers on each backend, one event per
  transaction, with every event counted back afterwards;
- the wall time of ``headwater asset materialize --select '*'`` for the 100-asset location;
- a fan-out of 1,000 dynamic outputs mapped and collected (issue 15): ms per mapped step with
  the in-process and multiprocess executors (``dynamic_fanout.py``; ``--fanout`` runs only it).

PostgreSQL: a fresh database on 127.0.0.1:5432 (``$HEADWATER_BENCH_PG_URL``, default
``postgresql://postgres@127.0.0.1:5432/postgres``, is where it is created from), dropped
afterwards; the PostgreSQL rows are skipped with a note when the server does not answer.

Run: .venv/bin/python benchmarks/runs.py [--quick] [--fanout]
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_env import prepare  # noqa: E402
from dynamic_fanout import FANOUT, HEADER, fanout_rows  # noqa: E402
from generated_location import write_location  # noqa: E402
from headwater.core.names import IMPLICIT_ASSET_JOB_NAME  # noqa: E402
from headwater.core.origins import PythonFileOrigin  # noqa: E402
from headwater.definitions.asset_graph.keys import AssetKey  # noqa: E402
from headwater.snapshot.events import EventType, RunEvent  # noqa: E402
from headwater.storage.instance import Instance  # noqa: E402

PG_ADMIN_URL = os.environ.get(
    "HEADWATER_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
SIZES = (100, 1000)
EXECUTORS: dict[str, dict[str, Any]] = {
    "in_process": {"execution": {"in_process": {}}},
    "multiprocess": {"execution": {"multiprocess": {"config": {
        "max_concurrent": os.cpu_count() or 2}}}},
}
WRITERS = (1, 8)
EVENTS_PER_WRITER = 1000


# -- instances -----------------------------------------------------------------------------------


def write_home(home: Path, pg_url: str | None) -> Path:
    """An instance folder; with ``pg_url`` its headwater.yaml points at that database."""
    home.mkdir(parents=True, exist_ok=True)
    if pg_url is not None:
        (home / "headwater.yaml").write_text(
            f"storage:\n  postgres:\n    url: {pg_url}\n", encoding="utf-8"
        )
    return home


def open_instance(home: Path) -> Instance:
    return Instance.get(environ={"HEADWATER_HOME": str(home)})


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """The URL of a fresh PostgreSQL database, dropped afterwards (None: no server)."""
    import psycopg

    name = f"headwater_bench_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        print(f"PostgreSQL at {PG_ADMIN_URL} does not answer ({exc}); skipping its rows.")
        yield None
        return
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            base = PG_ADMIN_URL.rsplit("/", 1)[0]
            yield f"{base}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- runs ----------------------------------------------------------------------------------------


def time_run(home: Path, location: Path, size: int, run_config: dict[str, Any],
             env: dict[str, str]) -> tuple[float, float, int]:
    """(run seconds, worker wall seconds, events stored) of materializing every asset."""
    from headwater.execution.launch import create_run

    with open_instance(home) as instance:
        origin = PythonFileOrigin(
            location_name=location.stem, python_file=str(location),
            working_directory=str(location.parent),
        )
        run = create_run(
            instance, origin=origin, job_name=IMPLICIT_ASSET_JOB_NAME,
            asset_selection=[AssetKey(f"asset_{i}") for i in range(size)],
            run_config=run_config,
        )
        start = time.perf_counter()
        code = subprocess.run(
            [sys.executable, "-m", "headwater.execution.worker", run.run_id],
            env={**env, "HEADWATER_HOME": str(home)}, cwd=location.parent, check=False,
        ).returncode
        wall = time.perf_counter() - start
        stored = instance.storage.get_run(run.run_id)
        events = len(instance.storage.get_events(run.run_id))
    assert stored is not None and code == 0, f"run {run.run_id} ended {stored} (exit {code})"
    assert stored.start_time is not None and stored.end_time is not None
    return stored.end_time - stored.start_time, wall, events


def run_rows(backend: str, home: Path, locations: dict[int, Path],
             env: dict[str, str]) -> list[str]:
    rows = []
    for size, location in locations.items():
        for executor, run_config in EXECUTORS.items():
            seconds, wall, events = time_run(home, location, size, run_config, env)
            rows.append(
                f"{backend:<9} {size:>5} {executor:<13} {seconds * 1000 / size:>9.2f} "
                f"{seconds:>8.2f} {wall:>8.2f} {events:>7}"
            )
            print(rows[-1], flush=True)
    return rows


# -- concurrent event writers ----------------------------------------------------------------


def _writer(home: str, run_id: str, count: int, barrier: Any, results: Any) -> None:
    from headwater.snapshot.runs import RunRecord

    with open_instance(Path(home)) as instance:
        storage = instance.storage
        storage.add_run(RunRecord(run_id=run_id, job_name="bench"))
        barrier.wait()
        start = time.perf_counter()
        errors = 0
        for index in range(count):
            event = RunEvent(run_id=run_id, event_type=EventType.LOG, timestamp=time.time(),
                             message=f"event {index}", step_key="step")
            try:
                storage.store_event(event)
            except Exception:  # noqa: BLE001 - counted and reported, never hidden
                errors += 1
        results.put((start, time.perf_counter(), errors))


def events_per_second(home: Path, writers: int) -> tuple[float, int, int]:
    """(events/s over all writers, events counted back, write errors)."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(writers)
    results = context.Queue()
    run_ids = [f"bench-{uuid.uuid4().hex[:12]}" for _ in range(writers)]
    processes = [
        context.Process(target=_writer,
                        args=(str(home), run_id, EVENTS_PER_WRITER, barrier, results))
        for run_id in run_ids
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join()
    begin = min(o[0] for o in outcomes)
    end = max(o[1] for o in outcomes)
    errors = sum(o[2] for o in outcomes)
    with open_instance(home) as instance:
        counted = sum(len(instance.storage.get_events(r)) for r in run_ids)
    return writers * EVENTS_PER_WRITER / (end - begin), counted, errors


def event_rows(backend: str, home: Path) -> list[str]:
    rows = []
    for writers in WRITERS:
        rate, counted, errors = events_per_second(home, writers)
        expected = writers * EVENTS_PER_WRITER
        rows.append(f"{backend:<9} {writers:>7} {rate:>12,.0f} {counted:>7}/{expected:<7} "
                    f"{errors:>6}")
        print(rows[-1], flush=True)
    return rows


# -- the CLI -------------------------------------------------------------------------------------


def cli_wall(location: Path, executor: str, work: Path, env: dict[str, str]) -> float:
    """Seconds of ``headwater asset materialize --select '*'`` (fresh SQLite instance)."""
    import yaml

    home = work / f"cli_{executor}"
    config = work / f"{executor}.yaml"
    config.write_text(yaml.safe_dump(EXECUTORS[executor]), encoding="utf-8")
    command = [sys.executable, "-m", "headwater.cli.main", "asset", "materialize", "-f",
               str(location), "--select", "*", "--config", str(config)]
    # First run creates the database; measure the second, as a user would see it every day.
    for attempt in range(2):
        start = time.perf_counter()
        result = subprocess.run(command, env={**env, "HEADWATER_HOME": str(home)},
                                capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        assert result.returncode == 0, result.stdout + result.stderr
        if attempt == 1:
            return elapsed
    raise AssertionError("unreachable")


# -- main ----------------------------------------------------------------------------------------


def section(title: str, header: str) -> None:
    print(f"\n{title}\n{header}\n{'-' * len(header)}", flush=True)


def main() -> None:
    env = prepare()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    quick = "--quick" in sys.argv
    sizes = SIZES[:1] if quick else SIZES
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s)")
    with tempfile.TemporaryDirectory(prefix="headwater-bench-") as tmp, \
            postgres_database() as pg_url:
        work = Path(tmp)
        locations = {size: write_location(work, size) for size in sizes}
        backends: list[tuple[str, Path]] = [("sqlite", write_home(work / "sqlite", None))]
        if pg_url is not None:
            backends.append(("postgres", write_home(work / "postgres", pg_url)))
        for _, home in backends:  # create the schema before timing anything
            open_instance(home).dispose()

        section(f"Dynamic fan-out: {FANOUT} mapped steps + collect (SQLite)", HEADER)
        fanout_rows(backends[0][1], work, env)
        if "--fanout" in sys.argv:
            return

        section("Runs (trivial assets): per-asset overhead = run duration / assets",
                "backend   assets executor      ms/asset  run (s) wall (s)  events")
        for backend, home in backends:
            run_rows(backend, home, locations, env)

        section(f"Event writes: {EVENTS_PER_WRITER} events per writer, one per transaction",
                "backend   writers     events/s  counted/expected errors")
        for backend, home in backends:
            event_rows(backend, home)

        section("headwater asset materialize --select '*' (100 assets, SQLite, warm instance)",
                "executor      wall (s)")
        location = locations.get(100) or write_location(work, 100)
        for executor in EXECUTORS:
            print(f"{executor:<13} {cli_wall(location, executor, work, env):>8.2f}", flush=True)


if __name__ == "__main__":
    main()
