"""Daemon test helpers: a real instance, real code servers in a real workspace, no sleeps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from headwater.core.origins import PythonFileOrigin
from headwater.core.run_status import RunStatus
from headwater.snapshot.runs import (
    InstigatorState,
    InstigatorStatus,
    InstigatorType,
    RunRecord,
    RunsFilter,
)
from headwater.storage.config import CodeServerSettings
from headwater.storage.instance import Instance
from headwater.workspace import LocationStatus, Workspace
from polling import wait_for

USER_CODE = Path(__file__).resolve().parent / "user_code"
LOCATION = "daemon_location"
ORIGIN = PythonFileOrigin(LOCATION, str(USER_CODE / "daemon_location.py"),
                          working_directory=str(USER_CODE))

FAST = CodeServerSettings(startup_timeout=30.0, rpc_timeout=10.0, heartbeat_interval=0.25,
                          heartbeat_timeout=5.0, restart_backoff_max=1.0)


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    """A SQLite instance in the test's folder."""
    with Instance(tmp_path / "instance") as opened:
        yield opened


@pytest.fixture
def make_workspace(instance: Instance) -> Iterator[Callable[..., Workspace]]:
    """Started workspaces whose code servers use ``instance``; stopped after the test."""
    created: list[Workspace] = []

    def make(origins: list[Any] | None = None, env: dict[str, str] | None = None,
             **kwargs: Any) -> Workspace:
        workspace = Workspace(origins or [ORIGIN], settings=kwargs.pop("settings", FAST),
                              env={"HEADWATER_HOME": str(instance.root), **(env or {})},
                              **kwargs)
        created.append(workspace)
        workspace.start()
        for entry in workspace.wait_until_settled(60):
            assert entry.status is LocationStatus.LOADED, entry.error
        return workspace

    yield make
    for workspace in created:
        workspace.stop()


@pytest.fixture
def workspace(make_workspace: Callable[..., Workspace]) -> Workspace:
    """A started workspace serving the daemon test location."""
    return make_workspace()


def turn_on(instance: Instance, name: str, kind: InstigatorType, *, since: float = 0.0,
            location: str = LOCATION) -> None:
    """Store a RUNNING state (turned on at ``since``; now when 0)."""
    instance.storage.set_instigator_state(InstigatorState(
        location_name=location, name=name, instigator_type=kind,
        status=InstigatorStatus.RUNNING, updated_at=since))


def runs_tagged(instance: Instance, **tags: str) -> list[RunRecord]:
    """Runs carrying every given tag (``/`` in tag names written as ``__``)."""
    wanted = {key.replace("__", "/"): value for key, value in tags.items()}
    return instance.storage.get_runs(RunsFilter(tags=wanted))


def wait_run_status(instance: Instance, run_id: str, statuses: set[RunStatus],
                    timeout: float = 60.0) -> RunRecord:
    """Wait until the run has one of ``statuses``."""

    def check() -> RunRecord | None:
        run = instance.storage.get_run(run_id)
        return run if run is not None and run.status in statuses else None

    return wait_for(check, f"run {run_id} to be one of {sorted(s.value for s in statuses)}",
                    timeout)
