"""End to end: ``headwater daemon run`` as a real process with a real code server; a schedule
and a sensor fire within seconds, SIGKILL and restart duplicate nothing, and
``headwater daemon status`` tells whether it is alive."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from headwater.core.run_status import RunStatus
from headwater.daemon import get_daemon_status
from headwater.snapshot.runs import InstigatorState, InstigatorStatus, InstigatorType, RunsFilter
from headwater.storage.instance import Instance
from polling import wait_for

from .conftest import USER_CODE

pytestmark = pytest.mark.slow

LOCATION_FILE = USER_CODE / "e2e_location.py"
CONFIG = """\
code_servers: {heartbeat_interval: 0.5, heartbeat_timeout: 3}
run_queue: {dequeue_interval: 0.5}
run_monitoring: {poll_interval: 1}
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    root = tmp_path / "home"
    root.mkdir()
    (root / "headwater.yaml").write_text(CONFIG)
    return root


def headwater(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "headwater.cli.main", *args],
                          env={**os.environ, "HEADWATER_HOME": str(home)}, capture_output=True,
                          text=True, timeout=60, check=False)


@pytest.fixture
def start_daemon(home: Path) -> Iterator[object]:
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "headwater.cli.main", "daemon", "run", "-f",
             str(LOCATION_FILE)],
            env={**os.environ, "HEADWATER_HOME": str(home)}, stdin=subprocess.DEVNULL)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(30)


def runs(instance: Instance, **tags: str) -> list[object]:
    return instance.storage.get_runs(RunsFilter(tags=tags))


def test_the_daemon_fires_survives_sigkill_and_reports_status(home: Path,
                                                              start_daemon: object) -> None:
    assert callable(start_daemon)
    instance = Instance(home)
    try:
        assert headwater(home, "daemon", "status").returncode == 1
        # The schedule was turned on two minutes ago: its newest missed tick runs at start.
        instance.storage.set_instigator_state(InstigatorState(
            location_name="e2e_location", name="minutely",
            instigator_type=InstigatorType.SCHEDULE, status=InstigatorStatus.RUNNING,
            updated_at=time.time() - 120))
        first = start_daemon()
        sensor_runs = wait_for(lambda: [
            r for r in runs(instance, **{"headwater/sensor_name": "once_sensor"})
            if r.status is RunStatus.SUCCESS], "the sensor's run to succeed", 90)
        wait_for(lambda: [r for r in runs(instance, **{"headwater/schedule_name": "minutely"})
                          if r.status is RunStatus.SUCCESS], "the schedule's run to succeed", 60)
        status = headwater(home, "daemon", "status")
        assert status.returncode == 0 and "Daemon alive" in status.stdout, status
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        second = start_daemon()
        # The restarted daemon evaluates the sensor again but requests nothing twice.
        before = time.time()
        wait_for(lambda: [t for t in instance.storage.get_ticks(
            "e2e_location", "once_sensor", InstigatorType.SENSOR, limit=1)
            if t.timestamp > before], "a sensor tick from the restarted daemon", 90)
        assert [r.run_id for r in runs(instance, **{"headwater/sensor_name": "once_sensor"})
                ] == [sensor_runs[0].run_id]
        schedule_runs = runs(instance, **{"headwater/schedule_name": "minutely"})
        keys = [r.tags["headwater/run_key"] for r in schedule_runs]
        assert len(keys) == len(set(keys))  # one run per tick, never two
        ticks = instance.storage.get_ticks("e2e_location", "minutely", InstigatorType.SCHEDULE)
        assert len({t.timestamp for t in ticks if t.run_ids}) == len(schedule_runs)
        second.send_signal(signal.SIGTERM)
        assert second.wait(30) == 0
        stopped = get_daemon_status(instance)
        assert not stopped.alive and stopped.stopped
        after = headwater(home, "daemon", "status")
        assert after.returncode == 1 and "Daemon stopped" in after.stdout
    finally:
        instance.dispose()
