"""What steps print is recorded as STEP_STDOUT / STEP_STDERR events, in every executor."""

from __future__ import annotations

import pytest

from headwater.core.run_status import RunStatus
from headwater.snapshot.events import EventType, StepFailureData
from headwater.storage.instance import Instance

from .conftest import ASSET_JOB, MULTIPROCESS_2, events, execute, keys, of_type


def _text(instance: Instance, run_id: str, kind: EventType, step_key: str) -> str:
    return "".join(e.message for e in of_type(events(instance, run_id), kind, step_key))


@pytest.mark.parametrize("job_name", [ASSET_JOB, "in_process_job"])
def test_stdout_and_stderr_of_each_step_are_stored(instance: Instance, job_name: str) -> None:
    # The asset job runs each step in its own process; the other job runs them in the worker.
    if job_name == ASSET_JOB:
        stored, code = execute(instance, "prints", job_name,
                               asset_selection=keys("talkative", "broken"),
                               run_config=MULTIPROCESS_2)
    else:
        stored, code = execute(instance, "prints", job_name)

    assert (code, stored.status) == (1, RunStatus.FAILURE)
    stdout = _text(instance, stored.run_id, EventType.STEP_STDOUT, "talkative")
    assert stdout.splitlines() == ["hello from talkative", *[f"line {i}" for i in range(200)]]
    # 201 lines written in a burst are coalesced into a few events, not one per line.
    assert len(of_type(events(instance, stored.run_id), EventType.STEP_STDOUT, "talkative")) < 20
    assert _text(instance, stored.run_id, EventType.STEP_STDERR, "talkative") == (
        "a warning on stderr\n")
    assert _text(instance, stored.run_id, EventType.STEP_STDOUT, "broken") == "about to fail\n"
    # The output is recorded before the failure it led to.
    broken = [e.event_type for e in events(instance, stored.run_id) if e.step_key == "broken"]
    assert broken.index(EventType.STEP_STDOUT) < broken.index(EventType.STEP_FAILURE)
    [failure] = of_type(events(instance, stored.run_id), EventType.STEP_FAILURE, "broken")
    assert isinstance(failure.data, StepFailureData)
    assert failure.data.error.cause is not None
    assert failure.data.error.cause.class_name == "KeyError"
