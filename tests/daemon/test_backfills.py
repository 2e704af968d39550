"""Backfills: one queued run per partition, idempotent submission, status per partition,
completion, cancellation and bad requests."""

from __future__ import annotations

import msgspec
import pytest

from headwater.core.run_status import RunStatus
from headwater.daemon.run_queue import RunQueue
from headwater.snapshot.runs import BackfillStatus
from headwater.storage.instance import Instance
from headwater.workspace import Workspace
from headwater.workspace.backfills import (
    advance_backfill,
    backfill_runs,
    cancel_backfill,
    create_backfill,
    partition_statuses,
)
from headwater.workspace.runs import RunSubmissionError
from polling import wait_for

from .conftest import LOCATION


def test_a_range_backfill_runs_each_partition_and_completes(workspace: Workspace,
                                                            instance: Instance) -> None:
    backfill = create_backfill(workspace, instance, location=LOCATION, job_name="letters_job",
                               partition_range=("a", "c"), tags={"team": "data"})
    assert (backfill.partition_keys, backfill.status) == (["a", "b", "c"],
                                                          BackfillStatus.REQUESTED)
    assert partition_statuses(instance, backfill) == {key: (None, None) for key in "abc"}
    advanced = advance_backfill(workspace, instance, backfill)
    assert advanced.submitted == 3
    runs = backfill_runs(instance, backfill.backfill_id)
    assert sorted(r.partition_key or "" for r in runs) == ["a", "b", "c"]
    assert all(r.status is RunStatus.QUEUED and r.tags["team"] == "data"
               and r.tags["headwater/backfill"] == backfill.backfill_id for r in runs)
    RunQueue(workspace, instance).iterate()

    def finished() -> bool:
        return all(status is RunStatus.SUCCESS
                   for status, _ in partition_statuses(instance, backfill).values())

    wait_for(finished, "every partition's run to succeed", 60)
    done = advance_backfill(workspace, instance, advanced)
    assert done.status is BackfillStatus.COMPLETED and done.end_timestamp is not None
    assert instance.storage.get_backfill(backfill.backfill_id) == done


def test_submission_resumes_without_duplicate_runs(workspace: Workspace,
                                                   instance: Instance) -> None:
    backfill = create_backfill(workspace, instance, location=LOCATION,
                               asset_selection=[["letter_asset"]], partition_keys=["b", "a"])
    advanced = advance_backfill(workspace, instance, backfill)
    # A daemon killed after creating the runs but before recording its progress.
    instance.storage.update_backfill(msgspec.structs.replace(advanced, submitted=0))
    again = advance_backfill(workspace, instance, instance.storage.get_backfill(
        backfill.backfill_id) or advanced)
    assert again.submitted == 2
    runs = backfill_runs(instance, backfill.backfill_id)
    assert sorted(r.partition_key or "" for r in runs) == ["a", "b"]
    assert all(r.asset_selection == [["letter_asset"]] for r in runs)


def test_cancel_stops_queued_runs_and_the_backfill(workspace: Workspace,
                                                   instance: Instance) -> None:
    backfill = create_backfill(workspace, instance, location=LOCATION, job_name="letters_job",
                               partition_keys=["a", "b"])
    advance_backfill(workspace, instance, backfill)
    canceled = cancel_backfill(instance, backfill.backfill_id)
    assert canceled.status is BackfillStatus.CANCELED
    assert {status for status, _ in partition_statuses(instance, canceled).values()} == {
        RunStatus.CANCELED}
    assert advance_backfill(workspace, instance, canceled) == canceled
    assert cancel_backfill(instance, backfill.backfill_id) == canceled
    with pytest.raises(RunSubmissionError, match="No backfill with id 'nope'"):
        cancel_backfill(instance, "nope")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"job_name": "hello_job", "partition_keys": ["a"]}, "it is not partitioned"),
    ({"job_name": "letters_job", "partition_keys": ["a", "q"]}, "Partition key 'q' is not in"),
    ({"job_name": "letters_job", "partition_range": ("c", "a")}, "starts after it ends"),
    ({"job_name": "letters_job", "partition_keys": ["a"], "partition_range": ("a", "b")},
     "exactly one of a list of partition keys or a partition range"),
    ({"job_name": "letters_job", "partition_keys": []}, "is empty"),
    ({"job_name": "nope", "partition_keys": ["a"]}, "no job 'nope'"),
])
def test_bad_backfills_are_refused(workspace: Workspace, instance: Instance,
                                   kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(RunSubmissionError) as info:
        create_backfill(workspace, instance, location=LOCATION, **kwargs)  # type: ignore[arg-type]
    assert message in str(info.value)
    assert instance.storage.get_backfills() == []
