"""In an in-process code server, a sensor that ends its process (``os._exit``) fails its own
tick, naming the sensor and how the process ended; the server goes on serving the location."""

from __future__ import annotations

from pathlib import Path

from headwater.core.run_status import RunStatus
from headwater.execution.launch import create_run
from headwater.storage.instance import Instance

from .conftest import USER_CODE, ServerFactory, origin_of, wait_for


def test_a_sensor_that_exits_fails_its_tick_not_the_server(
    start_server: ServerFactory, home: Path
) -> None:
    origin = origin_of(USER_CODE / "small.py")
    process, client = start_server(origin, in_process=True)
    first = client.wait_until_ready(30)

    result = client.evaluate_sensor("crasher")
    assert result.error is not None
    assert "Sensor 'crasher'" in result.error.message
    assert "exited with code 7" in result.error.message

    assert process.poll() is None
    info = client.server_info()
    assert info.server_id == first.server_id and info.load_error is None
    # Ticks go on (in a fresh evaluation process), and so do runs.
    assert client.evaluate_sensor("counter").cursor == "1"
    assert client.evaluate_schedule("daily", 1_772_604_000.0).run_requests
    instance = Instance.ephemeral(home)
    try:
        run = create_run(instance, origin=origin, job_name="everything")
        client.launch_run(run.run_id)

        def finished() -> RunStatus | None:
            record = instance.storage.get_run(run.run_id)
            return record.status if record is not None and record.status.is_finished else None

        assert wait_for(finished, "the run to finish", timeout=60) is RunStatus.SUCCESS
    finally:
        instance.dispose()
