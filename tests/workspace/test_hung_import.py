"""A location whose import hangs is stopped when its startup timeout passes: its code server
and what the import started end, instead of running until the next reload."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path

from headwater.core.origins import PythonFileOrigin
from headwater.processes import pid_alive
from headwater.workspace import Workspace
from headwater.workspace.entry import LocationStatus
from polling import wait_for

from .conftest import FAST, USER_CODE

MakeWorkspace = Callable[..., Workspace]


def test_a_hung_import_is_stopped_at_the_startup_timeout(
    tmp_path: Path, make_workspace: MakeWorkspace
) -> None:
    pid_file = tmp_path / "pids"
    workspace = make_workspace(
        [PythonFileOrigin("hangs", str(USER_CODE / "hangs_at_import.py"))],
        settings=dataclasses.replace(FAST, startup_timeout=1.5),
        env={**os.environ, "HEADWATER_TEST_PID_FILE": str(pid_file)})
    wait_for(pid_file.exists, "the import to start")
    server_pid, helper_pid = (int(part) for part in pid_file.read_text().split())
    [entry] = workspace.wait_until_settled(30)
    assert entry.status is LocationStatus.ERROR
    assert entry.error is not None and "did not finish loading within 1.5 s" in entry.error.message
    wait_for(lambda: not pid_alive(server_pid), "the hung code server to be stopped", 10)
    wait_for(lambda: not pid_alive(helper_pid), "the import's child process to be stopped", 10)
    assert workspace.get("hangs").pid is None
