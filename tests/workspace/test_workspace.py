"""The workspace with real code servers: isolation, restarts, reloads, runs across reloads."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from headwater.core.names import IMPLICIT_ASSET_JOB_NAME
from headwater.core.origins import PythonFileOrigin
from headwater.core.run_status import RunStatus
from headwater.definitions.asset_graph.keys import AssetKey
from headwater.errors import NotFoundError
from headwater.execution.launch import create_run
from headwater.storage.instance import Instance
from headwater.workspace import LocationEntry, LocationStatus, Workspace, WorkspaceError

from .conftest import (
    FAST,
    GOOD,
    USER_CODE,
    asset_names,
    location_file,
    pid_alive,
    wait_for,
    wait_status,
)

MakeWorkspace = Callable[..., Workspace]

def test_broken_locations_do_not_hold_back_or_break_the_others(
    tmp_path: Path, make_workspace: MakeWorkspace
) -> None:
    syntax = tmp_path / "syntax_error.py"
    shutil.copy(USER_CODE / "syntax_error.py.txt", syntax)
    origins = [
        GOOD,
        PythonFileOrigin("syntax", str(syntax)),
        PythonFileOrigin("raises", str(USER_CODE / "raises_at_import.py")),
        PythonFileOrigin("hangs", str(USER_CODE / "hangs_at_import.py")),
    ]
    started = time.monotonic()
    workspace = make_workspace(origins, settings=dataclasses.replace(FAST, startup_timeout=5.0))

    good = wait_status(workspace, "good", LocationStatus.LOADED, timeout=15)
    assert workspace.get("hangs").status is LocationStatus.LOADING  # served before it settles
    assert time.monotonic() - started < 15
    assert {"raw_orders", "order_totals"} <= asset_names(good)
    assert good.managed and good.pid is not None and good.server_id is not None
    assert good.address is not None and good.address.startswith("unix:")

    entries = {entry.name: entry for entry in workspace.wait_until_settled(30)}
    expected = {"syntax": "SyntaxError", "raises": "settings.toml has no [orders] section",
                "hangs": "did not finish loading within 5 s"}
    for name, text in expected.items():
        entry = entries[name]
        assert entry.status is LocationStatus.ERROR, entry
        assert entry.error is not None and text in entry.error.to_string(), entry.error
        assert entry.snapshot is None
    assert "code_servers.startup_timeout" in entries["hangs"].error.message  # type: ignore[union-attr]
    assert any("raises_at_import.py" in line for line in entries["raises"].error.stack)  # type: ignore[union-attr]
    assert workspace.client("good").server_info().location_name == "good"

    # kill -9 one code server: the others keep their servers, the location comes back.
    others = {name: entries[name].server_id for name in ("syntax", "raises")}
    assert good.pid is not None
    os.kill(good.pid, signal.SIGKILL)
    back = wait_status(workspace, "good", LocationStatus.LOADED, other_than=good.server_id)
    assert back.pid != good.pid and back.snapshot is not None
    assert {name: workspace.get(name).server_id for name in others} == others
    assert workspace.client("good").server_info().server_id == back.server_id


def test_a_dead_server_shows_why_then_restarts(
    tmp_path: Path, make_workspace: MakeWorkspace
) -> None:
    seen: list[LocationEntry] = []
    workspace = make_workspace([GOOD], on_change=seen.append,
                               settings=dataclasses.replace(FAST, restart_backoff_max=2.0))
    first = wait_status(workspace, "good", LocationStatus.LOADED)
    assert first.pid is not None
    os.kill(first.pid, signal.SIGKILL)
    wait_status(workspace, "good", LocationStatus.LOADED, other_than=first.server_id)
    died = [entry for entry in seen if entry.status is LocationStatus.ERROR]
    assert died and died[0].error is not None
    expected = f"(pid {first.pid}) was killed by SIGKILL (signal 9); restarting it in"
    assert expected in died[0].error.message
    assert died[0].snapshot is not None  # the last snapshot stays visible meanwhile


def test_reload_after_fixing_a_broken_file(
    tmp_path: Path, make_workspace: MakeWorkspace
) -> None:
    origin = location_file(tmp_path, "orders", """\
        from headwater import Definitions, asset

        @asset
        def orders() -> int
            return 1

        defs = Definitions(assets=[orders])
        """)
    workspace = make_workspace([origin])
    broken = wait_status(workspace, "orders", LocationStatus.ERROR)
    assert broken.error is not None and "SyntaxError" in broken.error.message
    # The server runs and serves the load error (so it could be asked to reload, too).
    assert workspace.client("orders").server_info().load_error is not None

    Path(origin.python_file).write_text(
        "from headwater import Definitions, asset\n\n\n@asset\ndef orders() -> int:\n"
        "    return 1\n\n\ndefs = Definitions(assets=[orders])\n")
    entry = workspace.reload_location("orders")
    assert entry.status is LocationStatus.LOADED, entry.error
    assert asset_names(entry) == {"orders"}
    assert entry.server_id != broken.server_id
    wait_for(lambda: not pid_alive(broken.pid or 0), "the old code server to exit", 20)


def test_a_failed_reload_shows_its_error_and_the_old_code_keeps_serving(
    tmp_path: Path, make_workspace: MakeWorkspace
) -> None:
    good = "from headwater import Definitions, asset\n\n\n@asset\ndef first() -> int:\n" \
        "    return 1\n\n\ndefs = Definitions(assets=[first])\n"
    origin = location_file(tmp_path, "loc", good)
    workspace = make_workspace([origin])
    before = wait_status(workspace, "loc", LocationStatus.LOADED)
    Path(origin.python_file).write_text(
        "def helper():\n    raise RuntimeError('warehouse unreachable at import')\n\n\n"
        "helper()\n")

    failed = workspace.reload_location("loc")
    assert failed.status is LocationStatus.ERROR and failed.error is not None
    assert "warehouse unreachable at import" in failed.error.message
    assert any("loc.py" in line for line in failed.error.stack)
    assert failed.snapshot is before.snapshot and failed.server_id == before.server_id
    assert failed.pid == before.pid and pid_alive(before.pid or 0)
    assert workspace.client("loc").server_info().server_id == before.server_id
    assert workspace.get("loc") == failed  # the supervisor leaves the failure shown

    Path(origin.python_file).write_text(good.replace("first", "second"))
    fixed = workspace.reload_location("loc")
    assert fixed.status is LocationStatus.LOADED and fixed.error is None
    assert asset_names(fixed) == {"second"} and fixed.server_id != before.server_id
    wait_for(lambda: not pid_alive(before.pid or 0), "the old code server to exit", 20)


def test_the_old_snapshot_serves_while_reloading(
    tmp_path: Path, make_workspace: MakeWorkspace
) -> None:
    seen: list[LocationEntry] = []
    origin = location_file(tmp_path, "loc", """\
        from headwater import Definitions, asset

        @asset
        def first() -> int:
            return 1

        defs = Definitions(assets=[first])
        """)
    workspace = make_workspace([origin], on_change=seen.append)
    before = wait_status(workspace, "loc", LocationStatus.LOADED)
    Path(origin.python_file).write_text(
        "import time\nfrom headwater import Definitions, asset\n\ntime.sleep(0.5)\n\n\n"
        "@asset\ndef second() -> int:\n    return 2\n\n\ndefs = Definitions(assets=[second])\n")
    seen.clear()
    after = workspace.reload_location("loc")
    loading = [entry for entry in seen if entry.status is LocationStatus.LOADING]
    assert loading and all(entry.snapshot is before.snapshot for entry in loading)
    assert after.status is LocationStatus.LOADED and asset_names(after) == {"second"}
    assert seen[-1] == after



RUN_CODE = """\
    import os
    import time
    from pathlib import Path

    from headwater import Definitions, asset

    VERSION = "{version}"


    @asset
    def slow() -> str:
        control = Path(os.environ["RUN_CONTROL_DIR"])
        (control / "started").write_text(VERSION)
        deadline = time.monotonic() + 60
        while not (control / "barrier").exists():
            if time.monotonic() > deadline:
                raise TimeoutError("no barrier")
            time.sleep(0.02)
        (control / "result").write_text(VERSION)
        return VERSION


    defs = Definitions(assets=[slow])
    """


def test_a_run_in_flight_finishes_on_the_old_code(
    tmp_path: Path, instance: Instance, make_workspace: MakeWorkspace
) -> None:
    origin = location_file(tmp_path / "code", "runs", RUN_CODE.format(version="old"))
    workspace = make_workspace([origin])
    before = wait_status(workspace, "runs", LocationStatus.LOADED)
    run = create_run(instance, origin=origin, job_name=IMPLICIT_ASSET_JOB_NAME,
                     asset_selection=[AssetKey("slow")])
    worker_pid = workspace.client("runs").launch_run(run.run_id)
    wait_for(lambda: (tmp_path / "started").exists(), "the asset to start")

    location_file(tmp_path / "code", "runs", RUN_CODE.format(version="new"))
    after = workspace.reload_location("runs")
    assert after.status is LocationStatus.LOADED and after.server_id != before.server_id
    wait_for(lambda: not pid_alive(before.pid or 0), "the old code server to exit", 20)
    assert pid_alive(worker_pid)  # stopping the old server left its run running

    (tmp_path / "barrier").write_text("go")

    def finished() -> RunStatus | None:
        stored = instance.get_run(run.run_id)
        assert stored is not None
        return stored.status if stored.status in (RunStatus.SUCCESS, RunStatus.FAILURE) else None

    assert wait_for(finished, "the run to finish") is RunStatus.SUCCESS
    assert (tmp_path / "result").read_text() == "old"


def test_names_and_missing_locations(make_workspace: MakeWorkspace) -> None:
    with pytest.raises(WorkspaceError, match="Two code locations are named 'good'"):
        Workspace([GOOD, GOOD])
    workspace = make_workspace([GOOD])
    with pytest.raises(NotFoundError, match="No code location named 'nope' .*good"):
        workspace.get("nope")
    with pytest.raises(NotFoundError):
        workspace.reload_location("nope")


def test_stop_leaves_no_code_server_behind(make_workspace: MakeWorkspace) -> None:
    workspace = make_workspace([GOOD, dataclasses.replace(GOOD, location_name="again")])
    entries = workspace.wait_until_settled(30)
    pids = [pid for entry in entries for pid in (entry.pid, entry.location_pid)]
    assert all(entry.status is LocationStatus.LOADED for entry in entries)
    workspace.stop()
    assert all(pid is not None for pid in pids)
    wait_for(lambda: not any(pid_alive(pid or 0) for pid in pids), "the processes to exit", 10)
