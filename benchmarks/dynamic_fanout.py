"""Fan-out benchmark (issue 15): 1,000 dynamic outputs, each mapped to a step, then collected.

Per mapped step = the run's duration (RUN_START to its end, every event stored) / 1,000, for
a run worker with the in-process and the multiprocess executor on SQLite; and the same job
with ``execute_in_process`` (events kept in memory). Used by ``runs.py``; run alone with
``.venv/bin/python benchmarks/dynamic_fanout.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

FANOUT = 1000
LOCATION = '''
from headwater import Definitions, DynamicOut, DynamicOutput, job, op


@op(out=DynamicOut())
def fan():
    for index in range({fanout}):
        yield DynamicOutput(index, mapping_key=f"n{{index}}")


@op
def square(value: int) -> int:
    return value * value


@op
def total(values: list) -> int:
    return sum(values)


@job
def fanned():
    total(fan().map(square).collect())


defs = Definitions(jobs=[fanned])
'''
EXECUTORS: dict[str, dict[str, Any]] = {
    "in_process": {"execution": {"in_process": {}}},
    "multiprocess": {"execution": {"multiprocess": {"config": {
        "max_concurrent": os.cpu_count() or 2}}}},
}


def write_fanout_location(folder: Path, fanout: int = FANOUT) -> Path:
    """The location file of the fan-out job."""
    path = folder / f"fanout_{fanout}.py"
    path.write_text(LOCATION.format(fanout=fanout), encoding="utf-8")
    return path


def run_fanout(home: Path, location: Path, run_config: dict[str, Any], env: dict[str, str]
               ) -> tuple[float, int]:
    """(run seconds, mapped steps that succeeded) of one fan-out run in a run worker."""
    from headwater.core.origins import PythonFileOrigin
    from headwater.execution.launch import create_run
    from headwater.snapshot.events import EventType
    from headwater.storage.instance import Instance

    with Instance.get(environ={"HEADWATER_HOME": str(home)}) as instance:
        origin = PythonFileOrigin(location_name=location.stem, python_file=str(location),
                                  working_directory=str(location.parent))
        run = create_run(instance, origin=origin, job_name="fanned", run_config=run_config)
        code = subprocess.run(
            [sys.executable, "-m", "headwater.execution.worker", run.run_id],
            env={**env, "HEADWATER_HOME": str(home)}, cwd=location.parent, check=False,
        ).returncode
        stored = instance.storage.get_run(run.run_id)
        done = instance.storage.get_events(run.run_id, event_types=[EventType.STEP_SUCCESS])
    assert stored is not None and code == 0, f"run {run.run_id} ended {stored} (exit {code})"
    assert stored.start_time is not None and stored.end_time is not None
    mapped = sum(1 for r in done if (r.event.step_key or "").startswith("square["))
    return stored.end_time - stored.start_time, mapped


def in_process_seconds(location: Path) -> float:
    """Seconds of ``execute_in_process`` of the fan-out job (events in memory)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("fanout_location", location)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    start = time.perf_counter()
    result = module.fanned.execute_in_process()
    seconds = time.perf_counter() - start
    assert result.output_for_node("total") == sum(i * i for i in range(FANOUT))
    return seconds


def fanout_rows(home: Path, work: Path, env: dict[str, str]) -> None:
    """Print one row per executor, and one for execute_in_process."""
    location = write_fanout_location(work)
    seconds = in_process_seconds(location)
    print(f"{'execute_in_process':<19} {FANOUT:>6} {seconds * 1000 / FANOUT:>13.2f} "
          f"{seconds:>8.2f}", flush=True)
    for executor, run_config in EXECUTORS.items():
        seconds, mapped = run_fanout(home, location, run_config, env)
        assert mapped == FANOUT, f"{mapped} mapped steps succeeded, expected {FANOUT}"
        print(f"{'worker ' + executor:<19} {mapped:>6} {seconds * 1000 / FANOUT:>13.2f} "
              f"{seconds:>8.2f}", flush=True)


HEADER = "how                 mapped  ms/mapped step  run (s)"


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_env import prepare

    env = prepare()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s)")
    with tempfile.TemporaryDirectory(prefix="headwater-fanout-") as tmp:
        work = Path(tmp)
        home = work / "home"
        home.mkdir()
        print(f"\nDynamic fan-out: {FANOUT} mapped steps + collect (SQLite)\n{HEADER}\n"
              f"{'-' * len(HEADER)}", flush=True)
        fanout_rows(home, work, env)


if __name__ == "__main__":
    main()
