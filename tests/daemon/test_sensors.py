"""The sensor loop against a real code server: cursors, run-key deduplication, skip reasons,
failing and wrong-typed sensors, a slow sensor that must not hold up the others."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from headwater.daemon.instigators import find_instigators, start_tick
from headwater.daemon.sensors import SensorLoop
from headwater.snapshot.runs import InstigatorType, TickRecord, TickStatus
from headwater.storage.daemon_config import SensorSettings
from headwater.storage.instance import Instance
from headwater.workspace import Workspace
from polling import wait_for

from .conftest import LOCATION, runs_tagged, turn_on

SENSOR = InstigatorType.SENSOR
T0 = 1_700_000_000.0


def ticks(instance: Instance, name: str) -> list[TickRecord]:
    return list(reversed(instance.storage.get_ticks(LOCATION, name, SENSOR)))


@pytest.fixture
def loops(workspace: Workspace, instance: Instance) -> Iterator[Callable[..., SensorLoop]]:
    made: list[SensorLoop] = []

    def make(settings: SensorSettings | None = None, space: Workspace | None = None
             ) -> SensorLoop:
        loop = SensorLoop(space or workspace, instance, settings)
        made.append(loop)
        return loop

    yield make
    for loop in made:
        loop.shutdown()


def evaluate(loop: SensorLoop, now: float) -> int:
    submitted = loop.iterate(now)
    assert loop.wait_idle(30)
    return submitted


def test_cursor_is_kept_and_run_keys_are_not_requested_twice(
    loops: Callable[..., SensorLoop], instance: Instance,
) -> None:
    turn_on(instance, "counting_sensor", SENSOR)
    loop = loops()
    assert evaluate(loop, T0) == 1
    assert evaluate(loop, T0 + 0.5) == 0  # minimum_interval_seconds is 1
    evaluate(loop, T0 + 1)
    evaluate(loop, T0 + 2)
    state = instance.storage.get_instigator_state(LOCATION, "counting_sensor", SENSOR)
    assert state is not None and state.cursor == "3"
    recorded = ticks(instance, "counting_sensor")
    assert [(t.status, t.run_keys, t.cursor) for t in recorded] == [
        (TickStatus.SUCCESS, ["key-1"], "1"), (TickStatus.SUCCESS, ["key-2"], "2"),
        (TickStatus.SKIPPED, [], "3")]
    assert recorded[2].skip_reason == "Runs with these run keys were requested before: key-2."
    runs = runs_tagged(instance, headwater__sensor_name="counting_sensor")
    assert sorted(r.tags["headwater/run_key"] for r in runs) == ["key-1", "key-2"]
    assert sorted(recorded[0].run_ids + recorded[1].run_ids) == sorted(r.run_id for r in runs)
    # A restarted daemon carries on from the stored cursor and the last tick's time.
    restarted = loops()
    assert evaluate(restarted, T0 + 2.5) == 0
    evaluate(restarted, T0 + 3)
    assert ticks(instance, "counting_sensor")[-1].cursor == "4"
    assert len(runs_tagged(instance, headwater__sensor_name="counting_sensor")) == 2


def test_skip_reasons_and_failures_are_recorded_and_evaluation_goes_on(
    loops: Callable[..., SensorLoop], instance: Instance,
) -> None:
    for name in ("skip_sensor", "raising_sensor", "wrong_type_sensor",
                 "missing_partition_sensor"):
        turn_on(instance, name, SENSOR)
    loop = loops()
    evaluate(loop, T0)
    evaluate(loop, T0 + 1)
    [first, second] = ticks(instance, "skip_sensor")
    assert (first.status, first.skip_reason) == (TickStatus.SKIPPED, "nothing new upstream")
    raised = ticks(instance, "raising_sensor")
    assert [t.status for t in raised] == [TickStatus.FAILURE, TickStatus.FAILURE]
    error = raised[0].error
    assert error is not None and "the upstream API said no" in error.message
    assert any("in raising_sensor" in line for line in error.stack)  # the user's traceback
    wrong = ticks(instance, "wrong_type_sensor")[0]
    assert wrong.status is TickStatus.FAILURE and wrong.error is not None
    assert "returned 42" in wrong.error.message
    assert "must return RunRequests" in wrong.error.message
    missing = ticks(instance, "missing_partition_sensor")[0]
    assert missing.status is TickStatus.FAILURE and missing.error is not None
    assert "requested partition 'zzz'" in missing.error.message
    assert instance.storage.count_runs() == 0


@pytest.mark.slow
def test_a_slow_sensor_times_out_without_delaying_the_others(
    loops: Callable[..., SensorLoop], instance: Instance,
) -> None:
    turn_on(instance, "slow_sensor", SENSOR)
    turn_on(instance, "skip_sensor", SENSOR)
    loop = loops(SensorSettings(evaluation_timeout=1.0, max_workers=4))
    started = time.time()

    def progressed() -> bool:
        loop.iterate(time.time())
        slow = ticks(instance, "slow_sensor")
        skipped = [t for t in ticks(instance, "skip_sensor") if t.status is TickStatus.SKIPPED]
        return bool(slow) and slow[0].status is TickStatus.FAILURE and len(skipped) >= 2

    wait_for(progressed, "the slow sensor to time out while the other is evaluated", 30)
    [slow] = ticks(instance, "slow_sensor")
    assert slow.error is not None and "did not finish within 1 s" in slow.error.message
    fast = ticks(instance, "skip_sensor")
    assert [t.status for t in fast[:2]] == [TickStatus.SKIPPED, TickStatus.SKIPPED]
    # The other sensor kept its one-second rhythm while the slow call was stuck.
    assert fast[1].timestamp - fast[0].timestamp < 1.5
    assert fast[0].timestamp - started < 1.0


def test_an_unreachable_code_server_fails_the_tick_and_is_retried(
    make_workspace: Callable[..., Workspace], loops: Callable[..., SensorLoop],
    instance: Instance,
) -> None:
    turn_on(instance, "skip_sensor", SENSOR)
    down = make_workspace()
    down.stop()
    loop = loops(space=down)
    evaluate(loop, T0)
    evaluate(loop, T0 + 1)
    failed = ticks(instance, "skip_sensor")
    assert [t.status for t in failed] == [TickStatus.FAILURE, TickStatus.FAILURE]
    assert failed[0].error is not None
    assert "has no running code server" in failed[0].error.message


def test_a_tick_left_started_by_a_killed_daemon_is_marked_failed(
    loops: Callable[..., SensorLoop], workspace: Workspace, instance: Instance,
) -> None:
    turn_on(instance, "skip_sensor", SENSOR)
    [sensor] = [s for s in find_instigators(workspace, SENSOR) if s.name == "skip_sensor"]
    start_tick(instance, sensor, T0)
    evaluate(loops(), T0 + 5)
    interrupted, next_tick = ticks(instance, "skip_sensor")
    assert interrupted.status is TickStatus.FAILURE and interrupted.error is not None
    assert "daemon stopped before this evaluation finished" in interrupted.error.message
    assert next_tick.status is TickStatus.SKIPPED
