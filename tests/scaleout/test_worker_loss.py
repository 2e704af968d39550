"""A Celery worker killed under a step: retried elsewhere when allowed, else a clear failure."""

from __future__ import annotations

import os
import signal
from collections import Counter

import pytest

from headwater.core.run_status import RunStatus
from headwater.snapshot.events import EventType
from polling import wait_for

from .conftest import Cluster, executing_host, of_type

pytestmark = pytest.mark.slow

LEAVES = [*(f"leaf_{index}" for index in range(20)), "total"]


def _start(cluster: Cluster, job_name: str, step: str) -> tuple[str, str, object]:
    cluster.env["HW_FLEET_LEAVES"] = "20"
    first = cluster.start_worker("w1")
    second = cluster.start_worker("w2")
    run = cluster.create_run(job_name)
    process = cluster.run_worker(run)
    marker = cluster.shared / f"started-{step}-0"
    wait_for(marker.exists, f"step {step} to start")
    host = wait_for(lambda: executing_host(cluster.events(run.run_id), step),
                    f"the worker of {step}")
    other = second if host == first else first
    return host, other, (run, process, int(marker.read_text()))


@pytest.mark.parametrize("kill", ["whole worker", "pool process"])
def test_a_killed_worker_s_step_is_retried_on_another_worker(cluster: Cluster,
                                                              kill: str) -> None:
    host, other, (run, process, step_pid) = _start(cluster, "holding", "hold")
    if kill == "whole worker":
        cluster.kill_worker(host)
    else:
        os.kill(step_pid, signal.SIGKILL)
    assert process.wait(timeout=60) == 0  # type: ignore[attr-defined]

    stored = cluster.instance.storage.get_run(run.run_id)  # type: ignore[attr-defined]
    assert stored is not None and stored.status is RunStatus.SUCCESS
    events = cluster.events(stored.run_id)
    kinds = [e.event_type for e in events if e.step_key == "hold"
             and e.event_type is not EventType.ENGINE_EVENT and e.event_type is not EventType.LOG]
    assert kinds[:2] == [EventType.STEP_START, EventType.STEP_UP_FOR_RETRY], kinds
    assert kinds.count(EventType.STEP_RESTARTED) == 1
    assert kinds.count(EventType.STEP_SUCCESS) == 1
    assert EventType.STEP_FAILURE not in kinds
    retry = of_type(events, EventType.STEP_UP_FOR_RETRY, "hold")[0]
    assert "was lost on attempt 1" in retry.message
    assert (host in retry.message) if kill == "whole worker" else ("died" in retry.message)
    if kill == "whole worker":
        assert executing_host(events, "hold") == other
    successes = Counter(e.step_key for e in of_type(events, EventType.STEP_SUCCESS))
    assert successes == Counter([*LEAVES, "hold", "after_hold"])
    starts = Counter(e.step_key for e in of_type(events, EventType.STEP_START))
    assert starts == Counter([*LEAVES, "hold", "after_hold"])


def test_a_killed_worker_fails_a_step_without_retries_with_the_reason(cluster: Cluster) -> None:
    host, _, (run, process, _) = _start(cluster, "holding_once", "hold_once")
    cluster.kill_worker(host)
    assert process.wait(timeout=60) == 1  # type: ignore[attr-defined]

    stored = cluster.instance.storage.get_run(run.run_id)  # type: ignore[attr-defined]
    assert stored is not None and stored.status is RunStatus.FAILURE
    events = cluster.events(stored.run_id)
    [failure] = of_type(events, EventType.STEP_FAILURE)
    assert failure.step_key == "hold_once"
    assert f"Celery worker {host} stopped answering" in failure.message
    assert "not retried" in failure.message
    successes = Counter(e.step_key for e in of_type(events, EventType.STEP_SUCCESS))
    assert successes == Counter(LEAVES)
    assert of_type(events, EventType.RUN_FAILURE)
