"""The Celery run launcher: whole runs executed by Celery workers; cancelling them."""

from __future__ import annotations

import pytest

from headwater.celery.launcher import REMOTE_PID, cancel_launched_run, launch_run
from headwater.core.run_status import RunStatus
from headwater.snapshot.events import EventType
from polling import wait_for

from .conftest import Cluster, of_type

pytestmark = pytest.mark.slow

SMALL = [["leaf_0"], ["leaf_1"], ["total"]]


def test_a_launched_run_executes_on_a_celery_worker(launcher_cluster: Cluster) -> None:
    cluster = launcher_cluster
    cluster.start_worker("w1")
    run = cluster.create_run("fleet", in_process=True, asset_selection=SMALL)
    launched = launch_run(cluster.instance, run.run_id)
    assert launched.pid == REMOTE_PID and launched.process is None
    wait_for(lambda: cluster.status(run.run_id) is RunStatus.SUCCESS, "the run to succeed")

    events = cluster.events(run.run_id)
    assert len(of_type(events, EventType.STEP_SUCCESS)) == 3
    assert len(of_type(events, EventType.RUN_START)) == 1
    stored = cluster.instance.storage.get_run(run.run_id)
    assert stored is not None and stored.worker_pid not in (None, REMOTE_PID)


def test_cancelling_a_running_run_terminates_it_on_its_worker(launcher_cluster: Cluster
                                                              ) -> None:
    cluster = launcher_cluster
    cluster.start_worker("w1")
    run = cluster.create_run("holding_once", in_process=True, asset_selection=[["hold_once"]])
    launch_run(cluster.instance, run.run_id)
    wait_for((cluster.shared / "started-hold_once-0").exists, "the step to start")

    assert cancel_launched_run(cluster.instance, run.run_id)
    wait_for(lambda: cluster.status(run.run_id) is RunStatus.CANCELED, "the run to be canceled")
    events = cluster.events(run.run_id)
    [failure] = of_type(events, EventType.STEP_FAILURE)
    assert "canceled" in failure.message
    assert len(of_type(events, EventType.RUN_CANCELED)) == 1
    assert not cancel_launched_run(cluster.instance, run.run_id)  # finished: nothing to do


def test_cancelling_a_run_no_worker_took_yet_revokes_it(launcher_cluster: Cluster) -> None:
    cluster = launcher_cluster
    run = cluster.create_run("fleet", in_process=True, asset_selection=SMALL)
    launch_run(cluster.instance, run.run_id)
    assert cluster.status(run.run_id) is RunStatus.STARTING

    assert cancel_launched_run(cluster.instance, run.run_id)
    assert cluster.status(run.run_id) is RunStatus.CANCELED
    # A worker that starts now, and never heard of the revocation, must not execute it.
    hostname = cluster.start_worker("late")
    result = cluster.app.AsyncResult(f"hw-run-{run.run_id}")
    wait_for(lambda: result.state in ("SUCCESS", "REVOKED"), "the task to be dealt with")
    events = cluster.events(run.run_id)
    assert [e.event_type for e in events] == [EventType.RUN_CANCELING, EventType.RUN_CANCELED]
    assert hostname.startswith("late@")
