"""The scheduler against a real code server, with an injected clock: due ticks, DST, catch-up
after downtime, idempotency after a crash mid-tick, and unreachable code servers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import pytest

from headwater import ScheduleDefinition, job, op
from headwater.daemon.instigators import Instigator, find_instigators, start_tick
from headwater.daemon.scheduler import Scheduler, next_tick_time
from headwater.errors import InvalidDefinitionError
from headwater.snapshot.location import ScheduleSnap
from headwater.snapshot.runs import InstigatorType, TickRecord, TickStatus
from headwater.storage.daemon_config import SchedulerSettings
from headwater.storage.instance import Instance
from headwater.workspace import LocationStatus, Workspace
from headwater.workspace.runs import create_queued_run

from .conftest import LOCATION, runs_tagged, turn_on

SCHEDULE = InstigatorType.SCHEDULE


def utc(*parts: int) -> float:
    return datetime(*parts, tzinfo=timezone.utc).timestamp()  # type: ignore[misc]


def ticks(instance: Instance, name: str) -> list[TickRecord]:
    return list(reversed(instance.storage.get_ticks(LOCATION, name, SCHEDULE)))


def test_each_due_tick_launches_one_run_once(workspace: Workspace, instance: Instance) -> None:
    turn_on(instance, "every_minute", SCHEDULE, since=utc(2024, 3, 1, 11, 59, 30))
    scheduler = Scheduler(workspace, instance)
    assert scheduler.iterate(utc(2024, 3, 1, 11, 59, 59)) == []
    [tick] = scheduler.iterate(utc(2024, 3, 1, 12, 0, 2))
    assert (tick.timestamp, tick.status) == (utc(2024, 3, 1, 12), TickStatus.SUCCESS)
    [run] = runs_tagged(instance, headwater__schedule_name="every_minute")
    assert tick.run_ids == [run.run_id]
    assert run.tags["headwater/run_key"] == str(int(utc(2024, 3, 1, 12)))
    assert run.job_name == "hello_job"
    assert scheduler.iterate(utc(2024, 3, 1, 12, 0, 30)) == []  # nothing new is due
    assert Scheduler(workspace, instance).iterate(utc(2024, 3, 1, 12, 0, 59)) == []
    [second] = scheduler.iterate(utc(2024, 3, 1, 12, 1, 0))
    assert second.timestamp == utc(2024, 3, 1, 12, 1)
    assert len(runs_tagged(instance, headwater__schedule_name="every_minute")) == 2


def test_a_stopped_schedule_does_not_tick(workspace: Workspace, instance: Instance) -> None:
    assert Scheduler(workspace, instance).iterate(utc(2024, 3, 1, 12, 0, 2)) == []
    assert instance.storage.count_runs() == 0


def test_after_downtime_only_the_newest_missed_tick_runs(workspace: Workspace,
                                                         instance: Instance) -> None:
    turn_on(instance, "every_minute", SCHEDULE, since=utc(2024, 3, 1, 10))
    scheduler = Scheduler(workspace, instance)
    scheduler.iterate(utc(2024, 3, 1, 10, 5, 1))
    # The daemon was down for almost an hour: one tick on restart, not 55.
    restarted = Scheduler(workspace, instance)
    [tick] = restarted.iterate(utc(2024, 3, 1, 11, 0, 30))
    assert tick.timestamp == utc(2024, 3, 1, 11)
    assert [t.timestamp for t in ticks(instance, "every_minute")] == [
        utc(2024, 3, 1, 10, 5), utc(2024, 3, 1, 11)]


def test_missed_ticks_older_than_the_catchup_window_are_not_launched(
    workspace: Workspace, instance: Instance,
) -> None:
    turn_on(instance, "every_minute", SCHEDULE, since=utc(2024, 3, 1, 10))
    settings = SchedulerSettings(catchup_window=20)
    scheduler = Scheduler(workspace, instance, settings)
    scheduler.iterate(utc(2024, 3, 1, 10, 0, 1))
    assert scheduler.iterate(utc(2024, 3, 1, 10, 5, 30)) == []  # 10:05 is 30 s old
    [tick] = scheduler.iterate(utc(2024, 3, 1, 10, 6, 1))
    assert tick.timestamp == utc(2024, 3, 1, 10, 6)


def test_new_york_schedule_follows_daylight_saving(workspace: Workspace,
                                                   instance: Instance) -> None:
    turn_on(instance, "new_york_night", SCHEDULE, since=utc(2024, 3, 9, 12))
    scheduler = Scheduler(workspace, instance)
    # 2024-03-10: 02:30 does not exist in New York; the tick is at 03:00 EDT (07:00 UTC).
    assert scheduler.iterate(utc(2024, 3, 10, 6, 59, 59)) == []
    [spring] = scheduler.iterate(utc(2024, 3, 10, 7, 0, 1))
    assert spring.timestamp == utc(2024, 3, 10, 7)
    [next_day] = scheduler.iterate(utc(2024, 3, 11, 6, 30, 1))  # 02:30 EDT
    assert next_day.timestamp == utc(2024, 3, 11, 6, 30)


def test_new_york_schedule_fires_once_on_the_fall_back_day(workspace: Workspace,
                                                           instance: Instance) -> None:
    turn_on(instance, "new_york_night", SCHEDULE, since=utc(2024, 11, 2, 12))
    scheduler = Scheduler(workspace, instance)
    fired = [tick.timestamp for hour in range(0, 12)
             for tick in scheduler.iterate(utc(2024, 11, 3, hour, 59, 59))]
    assert fired == [utc(2024, 11, 3, 7, 30)]  # 02:30 EST, once


def test_a_restart_mid_tick_resumes_it_without_a_second_run(workspace: Workspace,
                                                            instance: Instance) -> None:
    due = utc(2024, 3, 1, 12)
    turn_on(instance, "every_minute", SCHEDULE, since=due - 30)
    [schedule] = [s for s in find_instigators(workspace, SCHEDULE) if s.name == "every_minute"]
    # What a daemon SIGKILLed between creating the run and finishing the tick leaves behind.
    interrupted = start_tick(instance, schedule, due)
    earlier = create_queued_run(
        workspace, instance, location=LOCATION, job_name="hello_job", asset_selection=None,
        tags={"headwater/schedule_name": "every_minute", "headwater/run_key": str(int(due))})
    [tick] = Scheduler(workspace, instance).iterate(due + 5)
    assert (tick.tick_id, tick.status, tick.run_ids) == (
        interrupted.tick_id, TickStatus.SUCCESS, [earlier.run_id])
    assert [r.run_id for r in runs_tagged(instance, headwater__schedule_name="every_minute")
            ] == [earlier.run_id]


def test_a_started_tick_without_runs_is_completed_once(workspace: Workspace,
                                                       instance: Instance) -> None:
    due = utc(2024, 3, 1, 12)
    turn_on(instance, "every_minute", SCHEDULE, since=due - 30)
    [schedule] = [s for s in find_instigators(workspace, SCHEDULE) if s.name == "every_minute"]
    start_tick(instance, schedule, due)
    scheduler = Scheduler(workspace, instance)
    scheduler.iterate(due + 5)
    scheduler.iterate(due + 6)
    assert [t.status for t in ticks(instance, "every_minute")] == [TickStatus.SUCCESS]
    assert len(runs_tagged(instance, headwater__schedule_name="every_minute")) == 1


def test_skips_and_several_requests_are_recorded(workspace: Workspace,
                                                 instance: Instance) -> None:
    for name in ("skipping_schedule", "two_partitions_schedule"):
        turn_on(instance, name, SCHEDULE, since=utc(2024, 3, 1, 11, 30))
    Scheduler(workspace, instance).iterate(utc(2024, 3, 1, 12, 0, 1))
    [skipped] = ticks(instance, "skipping_schedule")
    assert (skipped.status, skipped.skip_reason) == (TickStatus.SKIPPED, "no data this hour")
    [two] = ticks(instance, "two_partitions_schedule")
    runs = runs_tagged(instance, headwater__schedule_name="two_partitions_schedule")
    assert two.status is TickStatus.SUCCESS and sorted(two.run_ids) == sorted(
        r.run_id for r in runs)
    assert sorted((r.partition_key, r.tags["headwater/run_key"]) for r in runs) == [
        ("a", "a-12"), ("b", "b-12")]


def test_an_unreachable_code_server_fails_the_tick_which_is_retried(
    make_workspace: Callable[..., Workspace], instance: Instance,
) -> None:
    due = utc(2024, 3, 1, 12)
    turn_on(instance, "every_minute", SCHEDULE, since=due - 30)
    down = make_workspace()
    down.stop()  # its entries keep their snapshots, but no code server answers
    assert down.get(LOCATION).snapshot is not None
    [failed] = Scheduler(down, instance, SchedulerSettings(retry_interval=10)).iterate(due + 1)
    assert failed.status is TickStatus.FAILURE and failed.error is not None
    assert "has no running code server" in failed.error.message
    up = make_workspace()
    assert up.get(LOCATION).status is LocationStatus.LOADED
    scheduler = Scheduler(up, instance, SchedulerSettings(retry_interval=10))
    assert scheduler.iterate(due + 5) == []  # not before the retry interval
    [retried] = scheduler.iterate(due + 12)
    assert (retried.timestamp, retried.status) == (due, TickStatus.SUCCESS)
    assert len(runs_tagged(instance, headwater__schedule_name="every_minute")) == 1


def test_schedules_listed_by_find_instigators(workspace: Workspace) -> None:
    found = {s.name: s for s in find_instigators(workspace, SCHEDULE)}
    assert set(found) == {"every_minute", "new_york_night", "skipping_schedule",
                          "two_partitions_schedule"}
    assert isinstance(found["every_minute"], Instigator)
    assert found["every_minute"].repository is None


@op
def noop() -> None:
    return None


@job
def some_job() -> None:
    noop()


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"cron_schedule": "61 * * * *"}, "nightly"),
    ({"cron_schedule": "0 6 * * *", "execution_timezone": "Mars/Olympus"}, "Mars/Olympus"),
])
def test_invalid_cron_or_time_zone_is_rejected_naming_the_schedule(
    kwargs: dict[str, str], expected: str,
) -> None:
    with pytest.raises(InvalidDefinitionError) as info:
        ScheduleDefinition(name="nightly", job=some_job, **kwargs)  # type: ignore[arg-type]
    assert expected in str(info.value) and "nightly" in str(info.value)


def test_next_tick_time_is_in_the_schedule_time_zone() -> None:
    snap = ScheduleSnap(name="s", cron_schedule=["30 2 * * *"], job_name="j",
                        execution_timezone="America/New_York")
    assert next_tick_time(snap, utc(2024, 3, 10, 0)) == utc(2024, 3, 10, 7)
    assert next_tick_time(snap, utc(2024, 3, 10, 7)) == utc(2024, 3, 11, 6, 30)
