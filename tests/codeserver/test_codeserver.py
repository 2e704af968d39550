"""Code servers as real processes, over real gRPC."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import grpc
import pytest

from headwater.codeserver import protocol as p
from headwater.codeserver.client import CodeServerError, CodeServerUnavailableError
from headwater.core.run_status import RunStatus
from headwater.execution.launch import create_run
from headwater.snapshot.location import LocationSnapshot
from headwater.storage.instance import Instance

from .conftest import USER_CODE, ServerFactory, origin_of, wait_for, wait_gone

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _asset_keys(snapshot: LocationSnapshot) -> set[str]:
    return {"/".join(asset.key) for repo in snapshot.repositories for asset in repo.assets}


def test_server_info_health_and_snapshot(start_server: ServerFactory) -> None:
    process, client = start_server(origin_of(USER_CODE / "small.py"))
    info = client.wait_until_ready(30)
    assert info.location_name == "small"
    assert info.load_error is None
    assert info.pid == process.pid
    assert info.location_pid is not None and info.location_pid != process.pid
    assert client.health()
    snapshot = client.snapshot()
    assert snapshot.location_name == "small"
    assert _asset_keys(snapshot) == {"numbers", "total"}
    assert client.list_runs() == []
    assert client.server_info().server_id == info.server_id
    raw = client._channel.unary_unary(f"/{p.SERVICE_NAME}/{p.LAUNCH_RUN}")
    with pytest.raises(grpc.RpcError) as caught:
        raw(b"not msgpack", timeout=10)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "Malformed code server payload" in caught.value.details()


def test_a_hanging_location_fails_at_the_startup_timeout(start_server: ServerFactory) -> None:
    hangs = Path(__file__).resolve().parents[1] / "user_code" / "hangs_at_import.py"
    _, client = start_server(origin_of(hangs), startup_timeout=1.0)
    info = client.wait_until_ready(30)
    assert info.load_error is not None
    assert info.load_error.class_name == "TimeoutError"
    assert "--startup-timeout" in info.load_error.message
    assert info.location_pid is None


def test_large_snapshot_streams_in_chunks(start_server: ServerFactory, tmp_path: Path) -> None:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        from generated_location import write_location
    finally:
        sys.path.remove(str(BENCHMARKS))
    path = write_location(tmp_path, 20_000)
    _, client = start_server(origin_of(path, "big"))
    assert client.wait_until_ready(60).load_error is None
    keys = _asset_keys(client.snapshot())
    assert len(keys) == 20_000
    assert {"asset_0", "asset_19999"} <= keys


def test_schedule_and_sensor_ticks(start_server: ServerFactory) -> None:
    _, client = start_server(origin_of(USER_CODE / "small.py"))
    client.wait_until_ready(30)
    when = time.mktime((2026, 3, 4, 6, 0, 0, 0, 0, -1))
    result = client.evaluate_schedule("daily", when)
    assert result.error is None
    [request] = result.run_requests
    assert request.job_name == "everything"
    assert request.run_key == time.strftime("%Y-%m-%d", time.gmtime(when))
    assert request.tags["headwater/schedule_name"] == "daily"

    first = client.evaluate_sensor("counter")
    assert [r.run_key for r in first.run_requests] == ["tick-0"]
    assert first.cursor == "1"
    second = client.evaluate_sensor("counter", cursor=first.cursor,
                                    last_tick_completion_time=time.time(),
                                    last_run_key="tick-0")
    assert second.run_requests == []
    assert second.skip_message == "odd tick 1"
    assert second.cursor == "2"

    with pytest.raises(CodeServerError, match="No sensor named 'nope'"):
        client.evaluate_sensor("nope")


def test_a_slow_tick_does_not_hold_up_other_calls(start_server: ServerFactory,
                                                   tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    _, client = start_server(origin_of(USER_CODE / "small.py"))
    client.wait_until_ready(30)
    flag = tmp_path / "release"
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(client.evaluate_sensor, "waits", cursor=str(flag))
        assert client.evaluate_sensor("counter").cursor == "1"
        assert client.list_runs() == []
        assert not slow.done()
        flag.touch()
        assert slow.result(timeout=30).skip_message == "released"


def test_launch_run_executes_in_the_instance(start_server: ServerFactory, home: Path) -> None:
    origin = origin_of(USER_CODE / "small.py")
    process, client = start_server(origin)
    client.wait_until_ready(30)
    instance = Instance.ephemeral(home)
    try:
        run = create_run(instance, origin=origin, job_name="everything")
        pid = client.launch_run(run.run_id)
        assert pid > 0
        assert [(r.run_id, r.pid) for r in client.list_runs()] == [(run.run_id, pid)]
        # A graceful shutdown leaves the run worker running to the end.
        client.shutdown()
        assert process.wait(timeout=20) == 0

        def finished() -> bool:
            record = instance.storage.get_run(run.run_id)
            return record is not None and record.status.is_finished

        wait_for(finished, "the run to finish", timeout=40)
        record = instance.storage.get_run(run.run_id)
        assert record is not None and record.status is RunStatus.SUCCESS
    finally:
        instance.dispose()


def test_broken_location_serves_its_error(start_server: ServerFactory, tmp_path: Path) -> None:
    socket_path = str(tmp_path / "broken.sock")
    _, client = start_server(origin_of(USER_CODE / "broken.py"), socket_path=socket_path)
    assert client.address == f"unix:{socket_path}"
    info = client.wait_until_ready(30)
    assert info.load_error is not None
    assert "the warehouse is unreachable at import" in info.load_error.message
    assert any("broken.py" in line for line in info.load_error.stack)
    assert client.health()
    with pytest.raises(CodeServerError, match="failed to load"):
        client.snapshot()
    with pytest.raises(CodeServerError, match="failed to load"):
        client.launch_run("any")


def test_reload_swaps_and_a_failed_reload_keeps_the_old_code(
    start_server: ServerFactory, small_copy: Path
) -> None:
    _, client = start_server(origin_of(small_copy))
    first = client.wait_until_ready(30)
    source = small_copy.read_text()
    small_copy.write_text(source.replace(
        "defs = hw.Definitions(assets=[numbers, total]",
        "@hw.asset\ndef extra() -> int:\n    return 1\n\n\n"
        "defs = hw.Definitions(assets=[numbers, total, extra]"))
    reloaded = client.reload()
    assert reloaded.load_error is None
    assert reloaded.server_id != first.server_id
    assert client.server_info().server_id == reloaded.server_id
    assert "extra" in _asset_keys(client.snapshot())
    old_location_pid = first.location_pid
    assert old_location_pid is not None
    wait_gone(old_location_pid)

    small_copy.write_text("def broken(:\n")
    failed = client.reload()
    assert failed.load_error is not None
    assert "SyntaxError" in failed.load_error.message
    assert failed.server_id == reloaded.server_id
    info = client.server_info()
    assert info.server_id == reloaded.server_id and info.load_error is None
    assert info.reload_error is not None and "SyntaxError" in info.reload_error.message
    assert "extra" in _asset_keys(client.snapshot())
    assert client.evaluate_sensor("counter").cursor == "1"

    small_copy.write_text(source)
    fixed = client.reload()
    assert fixed.load_error is None and fixed.server_id != reloaded.server_id
    assert client.server_info().reload_error is None


def test_heartbeat_timeout_stops_server_and_location(start_server: ServerFactory) -> None:
    process, client = start_server(origin_of(USER_CODE / "small.py"), heartbeat_timeout=1.5)
    info = client.wait_until_ready(30)
    for _ in range(3):
        client.heartbeat()
    assert process.poll() is None
    assert process.wait(timeout=20) == 0
    assert info.location_pid is not None
    wait_gone(info.location_pid)


def test_a_crashed_location_process_is_replaced(start_server: ServerFactory) -> None:
    _, client = start_server(origin_of(USER_CODE / "small.py"))
    first = client.wait_until_ready(30)
    with pytest.raises(CodeServerUnavailableError, match="exited while answering"):
        client.evaluate_sensor("crasher")
    replaced = wait_for(lambda: client.server_info().server_id != first.server_id and
                        client.server_info(), "a new location process")
    assert replaced.load_error is None and replaced.location_pid != first.location_pid
    assert client.evaluate_sensor("counter").cursor == "1"


def test_kill_9_of_the_server_leaves_no_location_process(start_server: ServerFactory) -> None:
    process, client = start_server(origin_of(USER_CODE / "small.py"))
    info = client.wait_until_ready(30)
    assert info.location_pid is not None
    process.kill()
    process.wait()
    wait_gone(info.location_pid)


def test_a_port_in_use_is_refused(start_server: ServerFactory) -> None:
    _, client = start_server(origin_of(USER_CODE / "small.py"))
    client.wait_until_ready(30)  # health is SERVING only once the location has loaded
    port = int(client.address.rsplit(":", 1)[1])
    with pytest.raises(CodeServerUnavailableError, match="exited with code 2 before listening"):
        start_server(origin_of(USER_CODE / "small.py"), port=port)
    assert client.health()


def test_cli_start_serves_a_python_file(tmp_path: Path, home: Path) -> None:
    import os
    import subprocess

    from headwater.codeserver.client import CodeServerClient
    from headwater.codeserver.protocol import LISTENING_MARKER

    env = {**os.environ, "HEADWATER_HOME": str(home)}
    process = subprocess.Popen(
        [sys.executable, "-m", "headwater.cli.main", "code-server", "start",
         "-f", str(USER_CODE / "small.py"), "--location-name", "renamed", "--port", "0"],
        stdout=subprocess.PIPE, env=env, start_new_session=True,
    )
    try:
        assert process.stdout is not None
        marker, address = process.stdout.readline().decode().split()
        assert marker == LISTENING_MARKER and address.startswith("127.0.0.1:")
        with CodeServerClient(address, timeout=30) as client:
            assert client.wait_until_ready(30).location_name == "renamed"
            client.shutdown()
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
