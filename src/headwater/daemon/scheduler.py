"""The scheduler: launch each running schedule's cron ticks through its code server.

Every iteration, for each running schedule, the newest cron tick that is due (after the last
recorded tick, after the schedule was turned on, and within the catch-up window) is evaluated
by the location's code server and its run requests are stored QUEUED. Only the newest missed
tick is launched after a pause, never a burst of every missed one.

Idempotency: the tick is recorded (STARTED, with its scheduled time) before anything is
launched, and each run carries a run key (the request's, else the tick's timestamp). A daemon
killed mid-tick finds the STARTED tick on restart and evaluates it again; runs whose key the
schedule already requested are not created twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from headwater.core.cron import cron_tick_timestamps
from headwater.core.names import SCHEDULE_NAME_TAG
from headwater.daemon.instigators import (
    Instigator,
    StateMap,
    error_info,
    find_instigators,
    finish_tick,
    load_states,
    running_state,
    start_tick,
    submit_requests,
)
from headwater.snapshot.location import ScheduleSnap
from headwater.snapshot.runs import InstigatorType, TickRecord, TickStatus
from headwater.storage.daemon_config import SchedulerSettings
from headwater.workspace.runs import RunSubmissionError

if TYPE_CHECKING:
    from headwater.storage.instance import Instance
    from headwater.workspace.workspace import Workspace

logger = logging.getLogger(__name__)

#: Errors that say the code server could not be asked (not that the schedule failed): the
#: tick is tried again after ``retry_interval``.
RETRYABLE_ERRORS = frozenset({"CodeServerUnavailableError", "WorkspaceError"})


@dataclass
class _Due:
    """When a schedule next needs attention (cached so idle iterations read nothing)."""

    marker: tuple[float, float]
    next_at: float


class Scheduler:
    """Evaluates due schedule ticks; call :meth:`iterate` with the current time.

    Args:
        workspace: where the schedules' code servers are.
        instance: where states, ticks and runs are stored.
        settings: the catch-up window, and the seconds before a tick that failed because
            the code server could not be reached is tried again.
        on_runs: called after a tick created runs (wakes the run queue).
    """

    def __init__(self, workspace: Workspace, instance: Instance,
                 settings: SchedulerSettings | None = None, *,
                 on_runs: Callable[[], None] = lambda: None) -> None:
        self.workspace = workspace
        self.instance = instance
        self.settings = settings or SchedulerSettings()
        self.on_runs = on_runs
        self.retry_interval = self.settings.retry_interval
        self._due: dict[tuple[str, str, str], _Due] = {}

    def iterate(self, now: float) -> list[TickRecord]:
        """Evaluate every due tick of every running schedule; the ticks recorded."""
        ticks: list[TickRecord] = []
        schedules = find_instigators(self.workspace, InstigatorType.SCHEDULE)
        states = load_states(self.instance, InstigatorType.SCHEDULE) if schedules else {}
        for schedule in schedules:
            try:
                tick = self._process(schedule, now, states)
            except Exception:  # noqa: BLE001 - one schedule's storage trouble stops no other
                logger.exception("Schedule '%s' of location '%s' could not be processed",
                                 schedule.name, schedule.location)
                continue
            if tick is not None:
                ticks.append(tick)
        return ticks

    def _process(self, schedule: Instigator, now: float,
                 states: StateMap) -> TickRecord | None:
        state = running_state(self.instance, schedule, now, states)
        if state is None:
            self._due.pop(schedule.key, None)
            return None
        cached = self._due.get(schedule.key)
        if cached is not None and cached.marker[0] == state.updated_at and now < cached.next_at:
            return None
        storage = self.instance.storage
        recent = storage.get_ticks(schedule.location, schedule.name, InstigatorType.SCHEDULE,
                                   limit=1)
        latest = recent[0] if recent else None
        if latest is not None and latest.status is TickStatus.STARTED:
            return self._run_tick(schedule, latest.timestamp, now, latest)
        retry_at = self._retry_at(latest, now)
        if retry_at is not None and retry_at <= now:
            return self._run_tick(schedule, latest.timestamp if latest else now, now)
        window_start = now - self.settings.catchup_window
        start = max(state.updated_at, window_start,
                    latest.timestamp if latest is not None else window_start)
        assert isinstance(schedule.snap, ScheduleSnap)
        due, upcoming = _due_ticks(schedule.snap, start, now)
        self._due[schedule.key] = _Due((state.updated_at, start),
                                       min(upcoming, retry_at or upcoming))
        if due is None:
            return None
        self._due.pop(schedule.key, None)
        return self._run_tick(schedule, float(due), now)

    def _retry_at(self, latest: TickRecord | None, now: float) -> float | None:
        """When a tick that failed because the code server was unreachable is tried again."""
        if (latest is None or latest.status is not TickStatus.FAILURE or latest.error is None
                or latest.error.class_name not in RETRYABLE_ERRORS
                or now - latest.timestamp > self.settings.catchup_window):
            return None
        return (latest.end_timestamp or latest.timestamp) + self.retry_interval

    def _run_tick(self, schedule: Instigator, scheduled: float, now: float,
                  resumed: TickRecord | None = None) -> TickRecord:
        tick = resumed or start_tick(self.instance, schedule, scheduled)
        try:
            client = self.workspace.client(schedule.location)
            result = client.evaluate_schedule(schedule.name, scheduled,
                                              repository_name=schedule.repository)
        except Exception as exc:  # noqa: BLE001 - recorded as the tick's failure
            return finish_tick(self.instance, tick, TickStatus.FAILURE, now,
                               error=error_info(exc))
        if result.error is not None:
            return finish_tick(self.instance, tick, TickStatus.FAILURE, now, error=result.error)
        if not result.run_requests:
            return finish_tick(self.instance, tick, TickStatus.SKIPPED, now,
                               skip_reason=result.skip_message or "The schedule requested no "
                                                                  "runs.")
        count = len(result.run_requests)

        def default_key(index: int) -> str:
            return f"{int(scheduled)}" if count == 1 else f"{int(scheduled)}:{index}"

        try:
            submitted = submit_requests(self.workspace, self.instance, schedule,
                                        result.run_requests, SCHEDULE_NAME_TAG, default_key)
        except RunSubmissionError as exc:
            return finish_tick(self.instance, tick, TickStatus.FAILURE, now,
                               error=error_info(exc))
        run_ids = submitted.run_ids + (submitted.existing_run_ids if resumed else [])
        if submitted.run_ids:
            self.on_runs()
        if not run_ids:
            keys = ", ".join(submitted.already_requested)
            return finish_tick(self.instance, tick, TickStatus.SKIPPED, now,
                               skip_reason=f"Runs with these run keys were requested "
                                           f"before: {keys}.")
        return finish_tick(self.instance, tick, TickStatus.SUCCESS, now, run_ids=run_ids,
                           run_keys=submitted.run_keys + (
                               submitted.already_requested if resumed else []))


def _due_ticks(snap: ScheduleSnap, start: float, now: float) -> tuple[int | None, float]:
    """The newest tick in ``(start, now]`` (or None) and the first tick after ``now``."""
    newest: int | None = None
    after = datetime.fromtimestamp(start, timezone.utc)
    for tick in cron_tick_timestamps(snap.cron_schedule, after, snap.execution_timezone):
        if tick > now:
            return newest, float(tick)
        newest = tick
    return newest, float("inf")


def next_tick_time(snap: ScheduleSnap, now: float) -> float | None:
    """When the schedule next ticks after ``now`` (None if never)."""
    _, upcoming = _due_ticks(snap, now, now)
    return None if upcoming == float("inf") else upcoming
