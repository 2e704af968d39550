"""Host-side run submission: validated against the snapshot, stored QUEUED, launched through
the location's real code server."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from headwater.core.origins import PythonFileOrigin
from headwater.core.run_status import RunStatus
from headwater.snapshot.events import EventType
from headwater.storage.instance import Instance
from headwater.workspace import Workspace
from headwater.workspace.runs import RunSubmissionError, launch_queued_run, submit_run

from .conftest import LOCATION, USER_CODE, wait_run_status


def test_a_job_run_is_queued_then_launched_and_succeeds(workspace: Workspace,
                                                        instance: Instance) -> None:
    run = submit_run(workspace, instance, location=LOCATION, job_name="hello_job",
                     tags={"team": "data"})
    assert run.status is RunStatus.QUEUED
    assert run.origin is not None and run.origin["type"] == "python_file"
    assert instance.storage.get_run(run.run_id) == run
    launched = launch_queued_run(workspace, instance, run.run_id)
    assert launched.status in {RunStatus.STARTING, RunStatus.STARTED, RunStatus.SUCCESS}
    done = wait_run_status(instance, run.run_id, {RunStatus.SUCCESS, RunStatus.FAILURE})
    assert done.status is RunStatus.SUCCESS, done.failure_message
    with pytest.raises(RunSubmissionError, match="not QUEUED") as info:
        launch_queued_run(workspace, instance, run.run_id)
    assert info.value.reason == "conflict"


def test_an_asset_run_with_a_partition_uses_the_implicit_job(workspace: Workspace,
                                                             instance: Instance) -> None:
    run = submit_run(workspace, instance, location=LOCATION,
                     asset_selection=[["letter_asset"]], partition_key="b")
    assert (run.job_name, run.asset_selection, run.partition_key) == (
        "__ASSET_JOB", [["letter_asset"]], "b")
    assert run.tags["headwater/partition"] == "b"
    launch_queued_run(workspace, instance, run.run_id)
    done = wait_run_status(instance, run.run_id, {RunStatus.SUCCESS, RunStatus.FAILURE})
    assert done.status is RunStatus.SUCCESS, done.failure_message


@pytest.mark.parametrize(("kwargs", "reason", "message"), [
    ({"location": "nope", "job_name": "hello_job"}, "not_found",
     "No code location named 'nope' (there are: daemon_location)"),
    ({"job_name": "helo_job"}, "not_found", "no job 'helo_job'. Did you mean 'hello_job'"),
    ({"asset_selection": [["letter"]]}, "not_found", "no asset 'letter'"),
    ({"job_name": "letters_job", "partition_key": "zz"}, "not_found",
     "Partition key 'zz' is not in"),
    ({"job_name": "hello_job", "partition_key": "a"}, "invalid", "is not partitioned"),
    ({}, "invalid", "exactly one of a job name or an asset selection"),
    ({"job_name": "hello_job", "asset_selection": [["letter_asset"]]}, "invalid",
     "exactly one"),
])
def test_bad_requests_are_refused_with_what_exists(
    workspace: Workspace, instance: Instance, kwargs: dict[str, object], reason: str,
    message: str,
) -> None:
    arguments: dict[str, object] = {"location": LOCATION, **kwargs}
    with pytest.raises(RunSubmissionError) as info:
        submit_run(workspace, instance, **arguments)  # type: ignore[arg-type]
    assert message in str(info.value)
    assert info.value.reason == reason
    assert instance.storage.count_runs() == 0


def test_a_run_of_a_location_without_a_server_fails_with_the_reason(
    make_workspace: Callable[..., Workspace], instance: Instance,
) -> None:
    broken = PythonFileOrigin("broken", str(USER_CODE / "does_not_exist.py"))
    good = make_workspace()
    run = submit_run(good, instance, location=LOCATION, job_name="hello_job")
    # Launch it through a workspace that does not have the location at all.
    other = Workspace([broken])
    failed = launch_queued_run(other, instance, run.run_id)
    assert failed.status is RunStatus.FAILURE
    assert failed.failure_message is not None
    assert "No code location named 'daemon_location'" in failed.failure_message
    events = [e.event for e in instance.storage.get_events(run.run_id)]
    assert [e.event_type for e in events] == [EventType.RUN_FAILURE]
