"""Helpers for the workspace tests: real code server processes, real gRPC, no sleeps."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from headwater.core.origins import LocationOrigin, PythonFileOrigin
from headwater.processes import pid_alive  # noqa: F401 - re-exported to the tests here
from headwater.storage.config import CodeServerSettings
from headwater.storage.instance import Instance
from headwater.workspace import LocationEntry, LocationStatus, Workspace
from polling import wait_for  # noqa: F401 - re-exported to the tests here

T = TypeVar("T")

USER_CODE = Path(__file__).resolve().parents[1] / "user_code"

#: A healthy location with two assets, a job, a schedule and a sensor.
GOOD = PythonFileOrigin("good", str(USER_CODE / "good_location.py"))

#: Short periods so deaths, restarts and redeploys show within a second or two.
FAST = CodeServerSettings(startup_timeout=20.0, rpc_timeout=10.0, heartbeat_interval=0.25,
                          heartbeat_timeout=3.0, restart_backoff_max=1.0)




def wait_status(workspace: Workspace, name: str, status: LocationStatus,
                timeout: float = 30.0, *, other_than: str | None = None) -> LocationEntry:
    """Wait until location ``name`` has ``status`` (and a server id other than ``other_than``)."""

    def check() -> LocationEntry | None:
        entry = workspace.get(name)
        if entry.status is status and (other_than is None or entry.server_id != other_than):
            return entry
        return None

    return wait_for(check, f"location {name!r} to be {status.value}", timeout)


def asset_names(entry: LocationEntry) -> set[str]:
    """The ``/``-joined keys of the assets in the entry's snapshot."""
    assert entry.snapshot is not None
    return {"/".join(asset.key) for repo in entry.snapshot.repositories
            for asset in repo.assets}


def location_file(folder: Path, name: str, body: str) -> PythonFileOrigin:
    """Write ``folder/<name>.py`` and return its origin (working directory: ``folder``)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(body))
    return PythonFileOrigin(name, str(path), working_directory=str(folder))


@pytest.fixture
def make_workspace() -> Iterator[Callable[..., Workspace]]:
    """Build and start workspaces; all are stopped when the test ends."""
    created: list[Workspace] = []

    def make(origins: list[LocationOrigin], **kwargs: Any) -> Workspace:
        kwargs.setdefault("settings", FAST)
        workspace = Workspace(origins, **kwargs)
        created.append(workspace)
        workspace.start()
        return workspace

    yield make
    for workspace in created:
        workspace.stop()


@pytest.fixture
def instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Instance]:
    """A SQLite instance the code servers (and their run workers) find via HEADWATER_HOME."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HEADWATER_HOME", str(home))
    monkeypatch.setenv("RUN_CONTROL_DIR", str(tmp_path))
    created = Instance.ephemeral(home)
    yield created
    created.dispose()
