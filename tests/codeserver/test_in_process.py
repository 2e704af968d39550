"""``--in-process`` code servers (what a workspace starts): one process per location."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from headwater.core.run_status import RunStatus
from headwater.execution.launch import create_run
from headwater.storage.instance import Instance
from process_tree import child_pids

from .conftest import USER_CODE, ServerFactory, origin_of, wait_for, wait_gone

SHARED_USER_CODE = Path(__file__).resolve().parents[1] / "user_code"


def test_a_standalone_server_loads_the_code_in_a_child(start_server: ServerFactory) -> None:
    process, client = start_server(origin_of(USER_CODE / "small.py"))
    info = client.wait_until_ready(30)
    assert info.location_pid is not None and info.location_pid != process.pid
    assert info.location_pid in child_pids(process.pid)


def test_in_process_server_is_one_process_that_serves_ticks_and_runs(
    start_server: ServerFactory, home: Path, tmp_path: Path
) -> None:
    origin = origin_of(USER_CODE / "small.py")
    process, client = start_server(origin, in_process=True)
    info = client.wait_until_ready(30)
    assert info.load_error is None and info.location_pid == process.pid
    assert child_pids(process.pid) == set()
    assert client.snapshot().location_name == "small"
    assert client.evaluate_schedule("daily", 1_772_604_000.0).run_requests

    flag = tmp_path / "release"
    with ThreadPoolExecutor(1) as pool:  # a slow sensor does not hold up other calls
        slow = pool.submit(client.evaluate_sensor, "waits", cursor=str(flag))
        assert client.evaluate_sensor("counter").cursor == "1"
        assert not slow.done()
        flag.touch()
        assert slow.result(timeout=30).skip_message == "released"

    instance = Instance.ephemeral(home)
    try:
        run = create_run(instance, origin=origin, job_name="everything")
        pid = client.launch_run(run.run_id)
        assert [(r.run_id, r.pid) for r in client.list_runs()] == [(run.run_id, pid)]
        client.shutdown()
        assert process.wait(timeout=20) == 0

        def finished() -> RunStatus | None:
            record = instance.storage.get_run(run.run_id)
            return record.status if record is not None and record.status.is_finished else None

        assert wait_for(finished, "the run to finish", timeout=40) is RunStatus.SUCCESS
    finally:
        instance.dispose()


def test_reload_of_an_in_process_server_swaps_in_a_location_process(
    start_server: ServerFactory, small_copy: Path
) -> None:
    process, client = start_server(origin_of(small_copy), in_process=True)
    first = client.wait_until_ready(30)
    small_copy.write_text(small_copy.read_text().replace(
        "defs = hw.Definitions(assets=[numbers, total]",
        "@hw.asset\ndef extra() -> int:\n    return 1\n\n\n"
        "defs = hw.Definitions(assets=[numbers, total, extra]"))
    reloaded = client.reload()
    assert reloaded.load_error is None and reloaded.server_id != first.server_id
    info = client.server_info()
    assert info.location_pid is not None and info.location_pid in child_pids(process.pid)
    assert any(asset.key == ["extra"] for repo in client.snapshot().repositories
               for asset in repo.assets)
    assert client.evaluate_sensor("counter").cursor == "1"


def test_in_process_load_errors_are_served(start_server: ServerFactory) -> None:
    _, client = start_server(origin_of(USER_CODE / "broken.py"), in_process=True)
    info = client.wait_until_ready(30)
    assert info.load_error is not None and info.location_pid is None
    assert "the warehouse is unreachable at import" in info.load_error.message
    assert any("broken.py" in line for line in info.load_error.stack)


def test_in_process_hang_times_out_and_its_processes_go_with_the_server(
    start_server: ServerFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pid_file = tmp_path / "pids"
    monkeypatch.setenv("HEADWATER_TEST_PID_FILE", str(pid_file))
    process, client = start_server(origin_of(SHARED_USER_CODE / "hangs_at_import.py"),
                                   startup_timeout=1.0, in_process=True)
    info = client.wait_until_ready(30)
    assert info.load_error is not None and info.load_error.class_name == "TimeoutError"
    assert "did not finish loading within 1 s" in info.load_error.message
    assert "--startup-timeout" in info.load_error.message
    assert info.location_pid is None
    own, helper = (int(pid) for pid in wait_for(
        lambda: pid_file.exists() and pid_file.read_text().split(), "the pid file"))
    assert own == process.pid
    client.shutdown()  # the import still hangs: the server exits all the same
    assert process.wait(timeout=20) == 0
    wait_gone(helper)


@pytest.mark.parametrize("name", ["thread_at_import", "exits_at_import"])
def test_in_process_user_threads_and_exits(start_server: ServerFactory, name: str) -> None:
    process, client = start_server(origin_of(SHARED_USER_CODE / f"{name}.py"),
                                   in_process=True)
    if name == "exits_at_import":
        assert process.wait(timeout=20) == 3  # os._exit(3) ends the server: the host sees it
        return
    assert client.wait_until_ready(30).load_error is None
    client.shutdown()  # a thread the code started never ends: the server exits regardless
    assert process.wait(timeout=20) == 0


def test_in_process_code_may_print_and_handle_signals_at_import(
    start_server: ServerFactory, tmp_path: Path
) -> None:
    path = tmp_path / "chatty.py"
    path.write_text(  # signal handlers can only be installed from the main thread
        "import signal\n\nimport headwater as hw\n\n"
        "signal.signal(signal.SIGUSR1, lambda *_: None)\n"
        "print('hello from import ' * 2000, flush=True)\n\n\n"
        "@hw.asset\ndef one() -> int:\n    return 1\n\n\n"
        "defs = hw.Definitions(assets=[one])\n")
    _, client = start_server(origin_of(path), in_process=True)
    info = client.wait_until_ready(30)
    assert info.load_error is None, info.load_error  # no BrokenPipeError: stdout is closed
