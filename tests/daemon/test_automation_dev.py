"""End to end through ``headwater dev`` (webserver + daemon + code server + run workers): an
eager chain of five assets runs its four downstream assets exactly once after the root is
materialized, and a SIGKILL of the whole ``dev`` process between ticks duplicates nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import headwater as hw
from headwater.core.run_status import RunStatus
from headwater.snapshot.runs import InstigatorType, RunRecord, RunsFilter
from headwater.storage.instance import Instance
from polling import wait_for

from .conftest import USER_CODE

pytestmark = pytest.mark.slow

LOCATION = "automation_dev"
SENSOR = "fast_automation"
CONFIG = """\
code_servers: {heartbeat_interval: 0.5, heartbeat_timeout: 3}
run_queue: {dequeue_interval: 0.5}
"""


@hw.asset(name="a1")
def root() -> None:
    return None


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / "headwater.yaml").write_text(CONFIG)
    return folder


@pytest.fixture
def dev(home: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(30)


def _start(home: Path, started: list[subprocess.Popen[bytes]]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "headwater"), "dev", "-f",
         str(USER_CODE / "automation_dev.py"), "--port", "0"],
        cwd=USER_CODE, env={**os.environ, "HEADWATER_HOME": str(home)},
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True)
    started.append(process)
    return process


def _ticks(instance: Instance) -> int:
    return len(instance.storage.get_ticks(LOCATION, SENSOR, InstigatorType.SENSOR, limit=1000))


def _automation_runs(instance: Instance) -> list[RunRecord]:
    return instance.storage.get_runs(
        RunsFilter(tags={"headwater/automation_condition_sensor": SENSOR}))


def _wait_ticks(instance: Instance, more: int) -> None:
    target = _ticks(instance) + more
    wait_for(lambda: _ticks(instance) >= target or None, f"{more} automation ticks", 60)


def _wait_finished(instance: Instance, count: int) -> list[RunRecord]:
    def done() -> list[RunRecord] | None:
        runs = _automation_runs(instance)
        finished = [run for run in runs if run.status in (RunStatus.SUCCESS, RunStatus.FAILURE)]
        return runs if len(runs) >= count and len(finished) == len(runs) else None

    return wait_for(done, f"{count} automation runs to finish", 120)


def test_eager_chain_through_dev_runs_once_and_survives_sigkill(
    home: Path, dev: list[subprocess.Popen[bytes]],
) -> None:
    first = _start(home, dev)
    instance = Instance(home)
    try:
        wait_for(lambda: _ticks(instance) >= 2 or None, "the automation sensor to tick", 90)
        hw.materialize([root], instance=instance)
        [run] = _wait_finished(instance, 1)
        assert run.status is RunStatus.SUCCESS
        assert sorted(key[0] for key in run.asset_selection or []) == ["a2", "a3", "a4", "a5"]
        _wait_ticks(instance, 3)
        assert len(_automation_runs(instance)) == 1  # exactly once

        os.killpg(first.pid, signal.SIGKILL)  # between ticks: no warning, no clean-up
        first.wait(30)
        _start(home, dev)
        _wait_ticks(instance, 3)
        assert len(_automation_runs(instance)) == 1  # the restart requested nothing again
        hw.materialize([root], instance=instance)
        runs = _wait_finished(instance, 2)
        assert len(runs) == 2 and all(item.status is RunStatus.SUCCESS for item in runs)
        _wait_ticks(instance, 3)
        assert len(_automation_runs(instance)) == 2
    finally:
        instance.dispose()
