"""The celery executor: each step of a run is a Celery task on a ``headwater celery worker``.

It runs in the run worker and schedules like the multiprocess executor: steps whose
upstream steps finished are sent as ``headwater.execute_step`` tasks (run id, step key,
attempt: plain data, json), at most ``max_concurrent`` queued or running at once, each on its
step's queue (tag ``headwater/celery_queue``) and priority (tag ``headwater/celery_priority``).
Workers store the step's events in the shared instance; the executor learns each outcome
from the result backend, reading the states of every task in flight in one round trip.

A worker that dies under a step is noticed two ways: its pool process dying marks the task
failed with ``WorkerLostError``; the whole worker vanishing leaves the task STARTED on a
host that no longer answers pings for ``worker_lost_timeout`` seconds. Either way the step
is retried on another worker when its ``RetryPolicy`` allows (STEP_UP_FOR_RETRY naming the
lost worker), and fails with that reason otherwise. Every task has a fresh id, and a worker
executes a task id at most once (see ``claim_task``), so no attempt's events are written
twice.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from headwater.celery.app import STEP_TASK, celery_app, celery_priority
from headwater.celery.settings import QUEUE_TAG, CeleryConnection, step_priority
from headwater.celery.step_task import SUCCESS
from headwater.errors import StepFailure
from headwater.execution.dynamic_plan import dynamic_keys_payload
from headwater.execution.in_process_executor import report_step_failure
from headwater.execution.plan import ExecutionStep
from headwater.execution.run_context import RunContext
from headwater.execution.step_progress import StepProgress
from headwater.snapshot.events import EngineData, EventType, StepRetryData

_MIN_POLL_SECONDS = 0.002
_MAX_POLL_SECONDS = 0.05
#: How often the hosts executing steps are pinged.
_PING_EVERY_SECONDS = 1.0
#: After this long without any worker taking a step, say so once in the event log.
_UNCLAIMED_WARNING_SECONDS = 30.0
_READY_STATES = frozenset({"SUCCESS", "FAILURE", "REVOKED"})


class CeleryWorkerLost(StepFailure):
    """The Celery worker executing a step died or stopped answering."""


@dataclass
class _Dispatch:
    """One task sent for a step."""

    step_key: str
    task_id: str
    first_attempt: int
    queue: str
    hostname: str | None = None
    pid: int | None = None


@dataclass
class _Hosts:
    """When each worker host last answered a ping."""

    last_seen: dict[str, float] = field(default_factory=dict)
    last_ping: float = 0.0


class CeleryExecutor:
    """Executes each step as a Celery task; resources are set up per step on the worker."""

    per_step_resources = True

    def __init__(self, connection: CeleryConnection, max_concurrent: int,
                 worker_lost_timeout: float, terminate_grace_seconds: float = 10.0,
                 flush: Callable[[], None] | None = None) -> None:
        self.connection = connection
        #: Stores the run worker's queued events now (before a retry's events can follow).
        self.flush = flush
        self.max_concurrent = max(1, max_concurrent)
        self.worker_lost_timeout = worker_lost_timeout
        self.terminate_grace_seconds = terminate_grace_seconds

    def execute(self, run: RunContext) -> list[str]:
        """Execute the plan on Celery workers; returns the keys of the steps that failed."""
        app = celery_app(self.connection.broker, self.connection.backend)
        # Results are read in bulk (see _states); subscribing to each task's result channel,
        # as the Redis backend does on every send, would only pile up unread messages.
        app.backend.on_task_call = _no_subscription
        return _Schedule(self, app, run).run()


def _no_subscription(producer: Any, task_id: str) -> None:
    return None


class _Schedule:
    """The state of one execution: what is waiting, in flight, done."""

    def __init__(self, executor: CeleryExecutor, app: Any, run: RunContext) -> None:
        self.executor = executor
        self.app = app
        self.run_ctx = run
        self.steps = StepProgress(run)
        self.in_flight: dict[str, _Dispatch] = {}
        self.hosts = _Hosts()
        #: When a worker last had one of this run's steps (or nothing waited).
        self.quiet_since = time.monotonic()

    def run(self) -> list[str]:
        run = self.run_ctx
        pause = _MIN_POLL_SECONDS
        try:
            while self.steps.ready or self.in_flight:
                if run.cancel_requested:
                    self._cancel()
                    break
                self._send_ready()
                changed = self._collect()
                self._check_hosts()
                pause = _MIN_POLL_SECONDS if changed else min(pause * 2, _MAX_POLL_SECONDS)
                if self.in_flight and not self.steps.ready:
                    self._sleep(pause)
        finally:
            if self.in_flight:  # an unexpected error here: leave no task behind
                self._revoke(list(self.in_flight), terminate=True)
        return self.steps.failed

    def _sleep(self, seconds: float) -> None:
        if self.run_ctx.cancellation is not None:
            self.run_ctx.cancellation.wait(seconds)
        else:
            time.sleep(seconds)

    # Sending --------------------------------------------------------------------------------

    def _send_ready(self) -> None:
        run = self.run_ctx
        while len(self.in_flight) < self.executor.max_concurrent:
            step = self.steps.next_to_start()
            if step is None:
                return
            try:
                self._send(step, first_attempt=0)
            except Exception as exc:  # noqa: BLE001 - a broker problem fails the step
                report_step_failure(run, step, StepFailure(
                    f"Could not send step '{step.key}' to Celery at "
                    f"{self.executor.connection.broker}: {type(exc).__name__}: {exc}"
                ))
                self.steps.fail(step.key)

    def _send(self, step: ExecutionStep, first_attempt: int, countdown: float = 0.0) -> None:
        connection = self.executor.connection
        task_id = f"hw-{self.run_ctx.run_id}-{step.key}-{uuid.uuid4().hex[:12]}"
        priority = step_priority(step.tags, step.key)
        queue = step.tags.get(QUEUE_TAG) or connection.queue
        plan = self.run_ctx.plan
        collects = step.mapping_key is None and any(i.is_fan_in for i in step.inputs)
        dynamic = dynamic_keys_payload(plan) if collects and plan.dynamic_keys else None
        self.app.send_task(
            STEP_TASK,
            args=[self.run_ctx.run_id, step.key, first_attempt],
            kwargs={"dynamic": dynamic} if dynamic else None,
            task_id=task_id,
            queue=queue,
            priority=celery_priority(connection.broker, priority),
            countdown=countdown or None,
        )
        self.in_flight[step.key] = _Dispatch(step.key, task_id, first_attempt, queue)

    # Collecting -----------------------------------------------------------------------------

    def _collect(self) -> bool:
        """Settle the steps whose tasks ended; True if anything changed."""
        if not self.in_flight:
            return False
        dispatches = list(self.in_flight.values())
        states = task_states(self.app, [d.task_id for d in dispatches])
        changed = False
        for dispatch, (state, info) in zip(dispatches, states, strict=True):
            if state == "STARTED" and isinstance(info, dict) and dispatch.hostname is None:
                dispatch.hostname = str(info.get("hostname") or "") or None
                dispatch.pid = info.get("pid")
                if dispatch.hostname is not None:
                    self.hosts.last_seen.setdefault(dispatch.hostname, time.monotonic())
            elif state in _READY_STATES:
                del self.in_flight[dispatch.step_key]
                self._settle(dispatch, state, info)
                changed = True
        return changed

    def _settle(self, dispatch: _Dispatch, state: str, info: Any) -> None:
        key = dispatch.step_key
        if state == "SUCCESS" and isinstance(info, dict):
            if info.get("status") == SUCCESS:
                self.steps.succeeded(key, set(info.get("outputs") or []),
                                     info.get("mapping_keys") or {})
                return
            if info.get("status") == "failure":
                self.steps.fail(key)
                return
            reason = f"the worker did not execute it ({info.get('reason', 'no reason given')})"
        elif state == "FAILURE" and type(info).__name__ == "WorkerLostError":
            self._lost(dispatch, f"the worker process executing it died ({info})")
            return
        elif state == "REVOKED":
            reason = "its Celery task was revoked"
        else:
            reason = f"its Celery task ended {state}: {type(info).__name__}: {info}"
        report_step_failure(self.run_ctx, self.run_ctx.plan.steps[key], StepFailure(
            f"Step '{key}' did not complete: {reason}."
        ))
        self.steps.fail(key)

    # Lost workers ---------------------------------------------------------------------------

    def _check_hosts(self) -> None:
        now = time.monotonic()
        self._warn_if_nothing_starts(now)
        busy = {d.hostname for d in self.in_flight.values() if d.hostname is not None}
        if not busy or now - self.hosts.last_ping < _PING_EVERY_SECONDS:
            return
        self.hosts.last_ping = now
        for reply in self.app.control.ping(destination=sorted(busy), timeout=1.0) or []:
            for hostname in reply:
                self.hosts.last_seen[hostname] = time.monotonic()
        limit = self.executor.worker_lost_timeout
        for dispatch in list(self.in_flight.values()):
            host = dispatch.hostname
            if host is not None and now - self.hosts.last_seen.get(host, now) > limit:
                del self.in_flight[dispatch.step_key]
                self._revoke([dispatch.step_key], terminate=False, dispatches=[dispatch])
                self._lost(dispatch, f"Celery worker {host} stopped answering for more than "
                                     f"{limit:g}s")

    def _warn_if_nothing_starts(self, now: float) -> None:
        """Say so (at most every 30 s) when queued steps wait and no worker starts any."""
        waiting = [d for d in self.in_flight.values() if d.hostname is None]
        if len(waiting) < len(self.in_flight) or not waiting:
            self.quiet_since = now  # something runs, or nothing waits
            return
        if now - self.quiet_since < _UNCLAIMED_WARNING_SECONDS:
            return
        self.quiet_since = now
        queues = sorted({d.queue for d in waiting})
        self.run_ctx.emit(
            EventType.ENGINE_EVENT,
            f"{len(waiting)} step(s) have waited {_UNCLAIMED_WARNING_SECONDS:g}s or more and no "
            f"Celery worker has started any; is `headwater celery worker` running for queue(s) "
            f"{', '.join(queues)} at {self.executor.connection.broker}?",
            level=logging.WARNING,
            data=EngineData(values={"waiting_steps": ",".join(d.step_key for d in waiting)}))

    def _lost(self, dispatch: _Dispatch, why: str) -> None:
        """Retry the step of a lost worker when its policy allows, else fail it."""
        run = self.run_ctx
        step = run.plan.steps[dispatch.step_key]
        where = f" (pid {dispatch.pid})" if dispatch.pid else ""
        started = max(dispatch.first_attempt + 1, self._attempts_started(step.key))
        policy = step.retry_policy
        message = (f"Step '{step.key}' was lost on attempt {started}: {why}{where}")
        if policy is not None and started - 1 < policy.max_retries:
            delay = policy.seconds_before_attempt(started)
            run.emit(
                EventType.STEP_UP_FOR_RETRY,
                f"{message}; it will be retried (attempt {started + 1}"
                f"{f' in {delay:.1f}s' if delay else ''}).",
                step_key=step.key, level=logging.WARNING,
                data=StepRetryData(attempt=started, seconds_to_wait=delay),
            )
            if self.executor.flush is not None:
                self.executor.flush()  # stored before the next attempt's STEP_RESTARTED
            self._send(step, first_attempt=started, countdown=delay)
            return
        retries = "" if policy is None else f" and its RetryPolicy allows {policy.max_retries}"
        report_step_failure(run, step, CeleryWorkerLost(
            f"{message}; it is not retried (no retries left{retries})."
        ))
        self.steps.fail(step.key)

    def _attempts_started(self, step_key: str) -> int:
        instance = self.run_ctx.instance
        if instance is None:
            return 0
        records = instance.storage.get_events(
            self.run_ctx.run_id, event_types=[EventType.STEP_START, EventType.STEP_RESTARTED])
        return sum(1 for record in records if record.event.step_key == step_key)

    # Cancellation ---------------------------------------------------------------------------

    def _cancel(self) -> None:
        """Revoke every task in flight; wait (up to the grace period) for the running ones."""
        if not self.in_flight:
            return
        self._revoke(list(self.in_flight), terminate=True)
        deadline = time.monotonic() + self.executor.terminate_grace_seconds
        while self.in_flight and time.monotonic() < deadline:
            self._collect()
            for dispatch in list(self.in_flight.values()):
                if dispatch.hostname is None:  # never started: revoked before it ran
                    del self.in_flight[dispatch.step_key]
            time.sleep(_MAX_POLL_SECONDS)
        for dispatch in list(self.in_flight.values()):
            del self.in_flight[dispatch.step_key]
            report_step_failure(self.run_ctx, self.run_ctx.plan.steps[dispatch.step_key],
                                StepFailure(
                f"Step '{dispatch.step_key}' was terminated on Celery worker "
                f"{dispatch.hostname} because its run was canceled, and did not report."
            ))
            self.steps.failed.append(dispatch.step_key)

    def _revoke(self, step_keys: list[str], terminate: bool,
                dispatches: list[_Dispatch] | None = None) -> None:
        chosen = dispatches or [self.in_flight[key] for key in step_keys if key in self.in_flight]
        if not chosen:
            return
        try:
            self.app.control.revoke([d.task_id for d in chosen], terminate=terminate,
                                    signal="SIGTERM")
        except Exception as exc:  # noqa: BLE001 - the run goes on; say what was not revoked
            tasks = ",".join(d.task_id for d in chosen)
            self.run_ctx.emit(EventType.ENGINE_EVENT,
                              f"Could not revoke Celery task(s): {type(exc).__name__}: {exc}",
                              level=logging.WARNING, data=EngineData(values={"tasks": tasks}))


def task_states(app: Any, task_ids: list[str]) -> list[tuple[str, Any]]:
    """(state, result or meta) of each task, in one round trip when the backend allows."""
    backend = app.backend
    if not task_ids:
        return []
    try:
        keys = [backend.get_key_for_task(task_id) for task_id in task_ids]
        values = backend.mget(keys)
    except (AttributeError, NotImplementedError):
        results = [app.AsyncResult(task_id) for task_id in task_ids]
        return [(result.state, result.info) for result in results]
    states: list[tuple[str, Any]] = []
    for value in values:
        if value is None:
            states.append(("PENDING", None))
            continue
        meta = backend.decode_result(value)
        states.append((meta["status"], meta.get("result")))
    return states
