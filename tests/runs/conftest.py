"""Helpers for the run tests: a real SQLite instance, runs executed by real worker processes."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from headwater.core.origins import PythonFileOrigin
from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.config.io_managers import FilesystemIOManager
from headwater.execution.launch import create_run, launch_run_worker
from headwater.snapshot.events import EventType, RunEvent
from headwater.snapshot.runs import RunRecord
from headwater.storage.instance import Instance
from polling import wait_for  # noqa: F401 - re-exported to the tests here

USER_CODE = Path(__file__).resolve().parent / "user_code"
ASSET_JOB = "__ASSET_JOB"
#: Run config choosing the multiprocess executor with two step processes at a time.
MULTIPROCESS_2 = {"execution": {"multiprocess": {"config": {"max_concurrent": 2}}}}


@pytest.fixture
def shared_dir(tmp_path: Path) -> Path:
    """Folder the user code and the test coordinate through (HW_RUNS_TEST_DIR)."""
    folder = tmp_path / "shared"
    folder.mkdir()
    return folder


@pytest.fixture
def instance(tmp_path: Path, shared_dir: Path, monkeypatch: pytest.MonkeyPatch
             ) -> Iterator[Instance]:
    """A SQLite instance; workers started from here find it through HEADWATER_HOME."""
    monkeypatch.setenv("HW_RUNS_TEST_DIR", str(shared_dir))
    monkeypatch.setenv("HEADWATER_WORKER_HEARTBEAT_SECONDS", "0.2")
    monkeypatch.setenv("HEADWATER_STEP_TERMINATE_GRACE_SECONDS", "5")
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    home = tmp_path / "home"
    home.mkdir()
    created = Instance.ephemeral(home)
    yield created
    created.dispose()
    _stop_leftover_workers()


#: Workers started by the running test; a test that fails midway must not leave them behind.
_launched: list[subprocess.Popen[bytes]] = []


def _stop_leftover_workers() -> None:
    while _launched:
        process = _launched.pop()
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # the worker and its step processes
            except ProcessLookupError:
                pass
        process.wait(timeout=30)


def origin(location: str) -> PythonFileOrigin:
    """The origin of ``tests/runs/user_code/<location>.py``."""
    return PythonFileOrigin(location, str(USER_CODE / f"{location}.py"),
                            working_directory=str(USER_CODE))


def keys(*names: str) -> list[AssetKey]:
    """Asset keys of one-part names."""
    return [AssetKey(name) for name in names]


def start(instance: Instance, location: str, job_name: str = ASSET_JOB, **kwargs: Any
          ) -> tuple[RunRecord, subprocess.Popen[bytes]]:
    """Create a run and launch its worker."""
    run = create_run(instance, origin=origin(location), job_name=job_name, **kwargs)
    process = launch_run_worker(instance, run.run_id)
    _launched.append(process)
    return run, process


def finish(instance: Instance, run: RunRecord, process: subprocess.Popen[bytes],
           timeout: float = 40) -> tuple[RunRecord, int]:
    """Wait for the worker to exit; the stored run and the worker's exit code."""
    code = process.wait(timeout=timeout)
    stored = instance.storage.get_run(run.run_id)
    assert stored is not None
    return stored, code


def execute(instance: Instance, location: str, job_name: str = ASSET_JOB, **kwargs: Any
            ) -> tuple[RunRecord, int]:
    """Create, launch and wait for a run."""
    run, process = start(instance, location, job_name, **kwargs)
    return finish(instance, run, process)


def events(instance: Instance, run_id: str) -> list[RunEvent]:
    """Every stored event of the run, in storage order."""
    return [record.event for record in instance.storage.get_events(run_id)]


def of_type(all_events: Sequence[RunEvent], kind: EventType, step_key: str | None = None
            ) -> list[RunEvent]:
    """The events of one type (and step)."""
    return [e for e in all_events
            if e.event_type is kind and (step_key is None or e.step_key == step_key)]


def types_of_step(all_events: Sequence[RunEvent], step_key: str) -> list[str]:
    """The event type names of one step, in order."""
    return [e.event_type.value for e in all_events if e.step_key == step_key]


def stored_value(instance: Instance, *identifier: str) -> Any:
    """A value the default IO manager stored (an asset key path, or run id/step/output)."""
    import pickle

    path = FilesystemIOManager(instance.storage_dir).path_for(list(identifier))
    with open(path, "rb") as file:
        return pickle.load(file)

