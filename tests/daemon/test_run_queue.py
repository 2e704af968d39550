"""The run queue: oldest first, under max_concurrent_runs and tag limits, through real code
servers; runs of a missing location fail with the reason."""

from __future__ import annotations

import pytest

from headwater.core.run_status import RunStatus
from headwater.daemon.run_queue import RunQueue
from headwater.snapshot.runs import RunRecord
from headwater.storage.daemon_config import RunQueueSettings, TagConcurrencyLimit
from headwater.storage.instance import Instance
from headwater.workspace import Workspace
from headwater.workspace.runs import submit_run

from .conftest import LOCATION, wait_run_status

DONE = {RunStatus.SUCCESS, RunStatus.FAILURE}


def occupy(instance: Instance, run_id: str, **tags: str) -> RunRecord:
    """A run in progress elsewhere (taking a slot) that the test finishes by hand."""
    return instance.storage.add_run(RunRecord(run_id=run_id, job_name="other",
                                              status=RunStatus.STARTED, tags=tags))


def queue(workspace: Workspace, instance: Instance, **tags: str) -> RunRecord:
    return submit_run(workspace, instance, location=LOCATION, job_name="hello_job", tags=tags)


def test_max_concurrent_runs_launches_oldest_first(workspace: Workspace,
                                                   instance: Instance) -> None:
    occupy(instance, "busy")
    first = queue(workspace, instance)
    second = queue(workspace, instance)
    run_queue = RunQueue(workspace, instance, RunQueueSettings(max_concurrent_runs=1))
    assert run_queue.iterate() == []
    instance.storage.update_run_status("busy", RunStatus.SUCCESS)
    assert run_queue.iterate() == [first.run_id]
    assert wait_run_status(instance, first.run_id, DONE).status is RunStatus.SUCCESS
    assert run_queue.iterate() == [second.run_id]
    assert wait_run_status(instance, second.run_id, DONE).status is RunStatus.SUCCESS


def test_a_run_over_a_tag_limit_waits_while_others_launch(workspace: Workspace,
                                                          instance: Instance) -> None:
    occupy(instance, "busy", database="warehouse")
    limited = queue(workspace, instance, database="warehouse")
    other_value = queue(workspace, instance, database="lake")
    untagged = queue(workspace, instance)
    limits = (TagConcurrencyLimit(key="database", value="warehouse", limit=1),
              TagConcurrencyLimit(key="database", limit=2))
    run_queue = RunQueue(workspace, instance, RunQueueSettings(tag_concurrency_limits=limits))
    launched = run_queue.iterate()
    assert launched == [other_value.run_id, untagged.run_id]
    assert instance.storage.get_run(limited.run_id).status is RunStatus.QUEUED  # type: ignore[union-attr]
    for run_id in launched:
        wait_run_status(instance, run_id, DONE)
    instance.storage.update_run_status("busy", RunStatus.SUCCESS)
    assert run_queue.iterate() == [limited.run_id]


@pytest.mark.parametrize("maximum", [-1, 0])
def test_no_limit_and_a_paused_queue(workspace: Workspace, instance: Instance,
                                     maximum: int) -> None:
    runs = [queue(workspace, instance) for _ in range(3)]
    launched = RunQueue(workspace, instance,
                        RunQueueSettings(max_concurrent_runs=maximum)).iterate()
    assert launched == ([run.run_id for run in runs] if maximum < 0 else [])
    for run_id in launched:
        wait_run_status(instance, run_id, DONE)


def test_a_run_of_an_unknown_location_fails_with_the_reason(workspace: Workspace,
                                                            instance: Instance) -> None:
    orphan = instance.storage.add_run(RunRecord(run_id="orphan", job_name="hello_job",
                                                location_name="gone"))
    assert RunQueue(workspace, instance).iterate() == []
    failed = instance.storage.get_run(orphan.run_id)
    assert failed is not None and failed.status is RunStatus.FAILURE
    assert "No code location named 'gone' (there are: daemon_location)" in (
        failed.failure_message or "")
