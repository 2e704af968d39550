"""A ``grpc_server`` location: a code server the test runs itself, restarted and reloaded."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from headwater.codeserver.client import start_code_server_process
from headwater.core.origins import GrpcServerOrigin, PythonFileOrigin
from headwater.core.run_status import RunStatus
from headwater.snapshot.runs import RunRecord
from headwater.storage.instance import Instance
from headwater.workspace import LocationStatus, Workspace

from .conftest import GOOD, USER_CODE, asset_names, wait_for, wait_status


@pytest.fixture
def servers() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Code server processes the test starts; killed at the end."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.terminate()  # graceful: the server also stops its location process
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        process.wait(timeout=10)


def test_remote_location_is_served_survives_a_restart_and_reloads(
    tmp_path: Path, make_workspace: Callable[..., Workspace],
    servers: list[subprocess.Popen[bytes]],
) -> None:
    code = tmp_path / "remote_code.py"
    shutil.copy(GOOD.python_file, code)
    served = PythonFileOrigin("served", str(code), working_directory=str(tmp_path))
    process, address = start_code_server_process(served)
    servers.append(process)
    host, _, port = address.rpartition(":")
    origin = GrpcServerOrigin("remote", host=host, port=int(port))
    workspace = make_workspace([origin])

    first = wait_status(workspace, "remote", LocationStatus.LOADED)
    assert not first.managed and first.pid == process.pid and first.address == address
    assert {"raw_orders", "order_totals"} <= asset_names(first)

    process.terminate()
    process.wait(timeout=20)
    down = wait_status(workspace, "remote", LocationStatus.ERROR)
    assert down.error is not None and "Cannot reach the code server of location 'remote'" in (
        down.error.message)
    assert address in down.error.message

    again, _ = start_code_server_process(served, port=int(port))
    servers.append(again)
    back = wait_status(workspace, "remote", LocationStatus.LOADED, other_than=first.server_id)
    assert back.pid == again.pid and back.error is None and back.snapshot is not None

    reloaded = workspace.reload_location("remote")
    assert reloaded.status is LocationStatus.LOADED
    assert reloaded.server_id not in (first.server_id, back.server_id)
    assert again.poll() is None  # reloading a remote server never restarts the process
    assert workspace.client("remote").server_info().server_id == reloaded.server_id

    # New code that fails to load: the server keeps the old code, the entry shows the error.
    shutil.copy(USER_CODE / "syntax_error.py.txt", code)
    failed = workspace.reload_location("remote")
    assert failed.status is LocationStatus.ERROR and failed.error is not None
    assert "SyntaxError" in failed.error.to_string()
    assert failed.snapshot is not None and asset_names(failed) == asset_names(first)
    # Another host (or this one restarted) sees the failed reload too.
    other = make_workspace([origin])
    seen = wait_status(other, "remote", LocationStatus.ERROR)
    assert seen.error is not None and "SyntaxError" in seen.error.to_string()
    assert seen.server_id == failed.server_id and asset_names(seen) == asset_names(first)
    shutil.copy(GOOD.python_file, code)
    fixed = workspace.reload_location("remote")
    assert fixed.status is LocationStatus.LOADED and fixed.error is None
    # The other host notices the successful reload by polling.
    wait_status(other, "remote", LocationStatus.LOADED, other_than=failed.server_id)


def test_an_unreachable_remote_location_is_an_error_not_a_hang(
    make_workspace: Callable[..., Workspace],
) -> None:
    workspace = make_workspace([GrpcServerOrigin("nowhere", socket="/nonexistent/hw.sock")])
    entry = wait_status(workspace, "nowhere", LocationStatus.ERROR)
    assert entry.error is not None and "unix:/nonexistent/hw.sock" in entry.error.message
    assert workspace.client("nowhere").address == "unix:/nonexistent/hw.sock"


def test_a_run_without_origin_is_launched_from_the_servers_own_origin(
    tmp_path: Path, make_workspace: Callable[..., Workspace],
    servers: list[subprocess.Popen[bytes]],
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    served = PythonFileOrigin("served", GOOD.python_file, working_directory=str(tmp_path))
    process, address = start_code_server_process(served, env={"HEADWATER_HOME": str(home)})
    servers.append(process)
    host, _, port = address.rpartition(":")
    workspace = make_workspace([GrpcServerOrigin("remote", host=host, port=int(port))])
    wait_status(workspace, "remote", LocationStatus.LOADED)
    instance = Instance.ephemeral(home)
    try:
        # What the host stores for a grpc_server location: no origin, only the name.
        run = instance.storage.add_run(RunRecord(
            run_id=str(uuid.uuid4()), job_name="orders_job", location_name="remote"))
        assert workspace.client("remote").launch_run(run.run_id) > 0

        def finished() -> RunRecord | None:
            record = instance.storage.get_run(run.run_id)
            return record if record is not None and record.status.is_finished else None

        record = wait_for(finished, "the run to finish", timeout=60)
        assert record.status is RunStatus.SUCCESS, record.failure_message
        expected = dataclasses.replace(served, location_name="remote").to_dict()
        assert record.origin == expected
        materialized = instance.storage.get_latest_materializations([["order_totals"]])
        assert materialized, "the worker ran the served code"
    finally:
        instance.dispose()
