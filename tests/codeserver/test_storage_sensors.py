"""Asset sensors and run-status sensors evaluated by a real code server against storage."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from headwater.codeserver.client import CodeServerClient
from headwater.core.run_status import RunStatus
from headwater.execution.launch import create_run
from headwater.snapshot.events import EventType, RunEvent
from headwater.snapshot.runs import RunRecord
from headwater.storage.instance import Instance

from .conftest import USER_CODE, ServerFactory, origin_of, wait_for

ORIGIN = origin_of(USER_CODE / "storage_sensors.py")


def _run(instance: Instance, client: CodeServerClient, job: str) -> RunRecord:
    """Launch a run of ``job`` through the code server and wait until it finishes."""
    run = create_run(instance, origin=ORIGIN, job_name=job)
    client.launch_run(run.run_id)

    def finished() -> RunRecord | None:
        record = instance.storage.get_run(run.run_id)
        return record if record is not None and record.status.is_finished else None

    return wait_for(finished, f"the run of {job} to finish", timeout=60)


@pytest.fixture
def instance(home: Path) -> Instance:
    return Instance.ephemeral(home)


@pytest.mark.slow
@pytest.mark.parametrize("in_process", [False, True], ids=["child", "in_process"])
def test_asset_and_run_status_sensors_follow_storage(
    start_server: ServerFactory, instance: Instance, in_process: bool
) -> None:
    _, client = start_server(ORIGIN, in_process=in_process)
    assert client.wait_until_ready(30).load_error is None
    try:
        nothing = client.evaluate_sensor("on_numbers")
        assert nothing.error is None and nothing.run_requests == []
        assert nothing.skip_message is not None and "numbers" in nothing.skip_message
        started = client.evaluate_sensor("after_everything")
        assert started.error is None and started.run_requests == [] and started.cursor == "0"
        failure_cursor = client.evaluate_sensor("on_failure").cursor

        ok = _run(instance, client, "everything")
        assert ok.status is RunStatus.SUCCESS, ok.failure_message

        fired = client.evaluate_sensor("on_numbers")
        assert fired.error is None, fired.error
        [request] = fired.run_requests
        latest = instance.storage.get_latest_materializations([["numbers"]])[("numbers",)]
        assert request.run_key == f"numbers-{latest.storage_id}"
        assert request.tags["seen_run"] == ok.run_id and request.job_name == "everything"
        assert fired.cursor == str(latest.storage_id)
        again = client.evaluate_sensor("on_numbers", cursor=fired.cursor)
        assert again.run_requests == [] and again.cursor == fired.cursor

        success = client.evaluate_sensor("after_everything", cursor=started.cursor)
        assert success.error is None, success.error
        assert [r.run_key for r in success.run_requests] == [f"after-{ok.run_id}"]
        assert success.run_requests[0].job_name == "failing"
        quiet = client.evaluate_sensor("after_everything", cursor=success.cursor)
        assert quiet.run_requests == [] and quiet.skip_message is not None
        assert quiet.cursor == success.cursor

        no_failure = client.evaluate_sensor("on_failure", cursor=failure_cursor)
        assert no_failure.run_requests == [] and no_failure.error is None

        bad = _run(instance, client, "failing")
        assert bad.status is RunStatus.FAILURE
        # A failed run elsewhere: only the sensor watching every location reports it.
        instance.storage.add_run(RunRecord(run_id="other-run", job_name="everything",
                                           location_name="elsewhere"))
        instance.storage.store_event(RunEvent("other-run", EventType.RUN_FAILURE, time.time(),
                                              message="failed elsewhere"))

        failed = client.evaluate_sensor("on_failure", cursor=no_failure.cursor)
        assert failed.error is None, failed.error
        assert [r.run_key for r in failed.run_requests] == [f"failed-{bad.run_id}"]
        assert failed.run_requests[0].job_name == "everything"
        anywhere = client.evaluate_sensor("any_failure", cursor=no_failure.cursor)
        assert anywhere.skip_message is not None
        assert bad.run_id in anywhere.skip_message and "other-run" in anywhere.skip_message
        after_failure = client.evaluate_sensor("after_everything", cursor=quiet.cursor)
        assert after_failure.run_requests == []

        # Two materializations after the cursor: one request each, oldest first, one tick.
        second = _run(instance, client, "everything")
        both = client.evaluate_sensor("on_numbers", cursor="0")
        assert [r.tags["seen_run"] for r in both.run_requests] == [ok.run_id, second.run_id]
        assert both.cursor == str(
            instance.storage.get_latest_materializations([["numbers"]])[("numbers",)].storage_id)
    finally:
        instance.dispose()


def test_a_cursor_that_is_not_a_storage_id_is_a_clear_tick_error(
    start_server: ServerFactory, instance: Instance
) -> None:
    _, client = start_server(ORIGIN)
    client.wait_until_ready(30)
    try:
        result = client.evaluate_sensor("on_numbers", cursor="not-a-number")
        assert result.error is not None and result.cursor == "not-a-number"
        assert "must be the storage id" in result.error.message
    finally:
        instance.dispose()
