"""Following a run from the instance's event log: live progress, log lines, and the verdict.

The CLI never receives events from a run worker directly: the worker writes them to storage
and the CLI polls ``get_events(run_id, after_storage_id=...)``, so following works the same
for a run launched a moment ago, one started by the daemon, or one another terminal started.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from headwater.cli.run_output import RunPrinter
from headwater.core.run_status import RunStatus
from headwater.snapshot.events import EngineData, EventType, RunEvent
from headwater.snapshot.runs import EventLogRecord, RunRecord

#: Events after which a run does not change any more.
FINAL_EVENTS = frozenset({EventType.RUN_SUCCESS, EventType.RUN_FAILURE, EventType.RUN_CANCELED})
_STEP_DONE = frozenset({EventType.STEP_SUCCESS, EventType.STEP_FAILURE, EventType.STEP_SKIPPED})
#: Exit code of a command interrupted with Ctrl-C (128 + SIGINT).
EXIT_INTERRUPTED = 130
_PAGE = 1000


@dataclass
class FollowResult:
    """How following a run ended."""

    status: RunStatus | None
    #: Why the run ended without a final event (the worker died), when it did.
    worker_error: str | None = None
    events: int = 0

    @property
    def success(self) -> bool:
        """Whether the run succeeded."""
        return self.status is RunStatus.SUCCESS and self.worker_error is None


@dataclass
class EventFollower:
    """Reads a run's new events from storage, oldest first, remembering where it stopped."""

    storage: Any
    run_id: str
    last_storage_id: int = 0
    final_event: EventType | None = None

    def poll(self) -> list[RunEvent]:
        """Every event stored since the previous call."""
        events: list[RunEvent] = []
        while True:
            records: list[EventLogRecord] = self.storage.get_events(
                self.run_id, after_storage_id=self.last_storage_id, limit=_PAGE
            )
            for record in records:
                self.last_storage_id = record.storage_id
                events.append(record.event)
                if record.event.event_type in FINAL_EVENTS:
                    self.final_event = record.event.event_type
            if len(records) < _PAGE:
                return events


@dataclass
class _Progress:
    """Steps done / total, from the plan size when known, else from the steps seen so far."""

    progress: Progress
    total: int | None
    task: TaskID = field(init=False)
    started: set[str] = field(default_factory=set)
    done: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.task = self.progress.add_task("steps", total=self.total)

    def on_event(self, event: RunEvent) -> None:
        if event.event_type is EventType.ENGINE_EVENT and isinstance(event.data, EngineData):
            count = _step_count(event.data.values)
            if count is not None:
                self.total = count
        elif event.event_type is EventType.STEP_START and event.step_key:
            self.started.add(event.step_key)
        elif event.event_type in _STEP_DONE and event.step_key:
            self.done.add(event.step_key)
        total = self.total if self.total is not None else None
        running = len(self.started - self.done)
        self.progress.update(
            self.task,
            completed=len(self.done),
            total=total,
            description=f"steps ({running} running)",
        )


def _step_count(values: dict[str, str]) -> int | None:
    """How many steps the worker announced it will execute (its plan's step keys)."""
    from headwater.execution.reexecution import STEP_KEYS

    text = values.get(STEP_KEYS)
    if text is None:
        return None
    try:
        keys = json.loads(text)
    except ValueError:
        return None
    return len(keys) if isinstance(keys, list) else None


def follow_run(
    storage: Any,
    run_id: str,
    *,
    console: Console,
    printer: RunPrinter,
    process: subprocess.Popen[bytes] | None = None,
    total_steps: int | None = None,
    interval: float = 0.05,
    get_run: Callable[[], RunRecord | None] | None = None,
) -> FollowResult:
    """Print the run's events as they are stored until it finishes.

    With ``process`` (the run's worker) a worker that exits without a final event ends the
    follow with ``worker_error``. Without one, the run's stored status says when it is over.
    ``KeyboardInterrupt`` propagates to the caller, which decides whether to cancel.
    """
    follower = EventFollower(storage, run_id)
    fetch_run = get_run or (lambda: storage.get_run(run_id))
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(
        *columns, console=console, transient=True, disable=not console.is_terminal
    ) as progress:
        tracker = _Progress(progress, total_steps)
        count = 0
        while True:
            events = follower.poll()
            for event in events:
                printer(event)
                tracker.on_event(event)
            count += len(events)
            if follower.final_event is not None:
                break
            if events:
                continue
            ended = _ended_without_final_event(follower, process, fetch_run, printer, tracker)
            if ended is not None:
                ended.events = count + ended.events
                return ended
            time.sleep(interval)
    status = _status_of(follower.final_event)
    return FollowResult(status, events=count)


def _ended_without_final_event(
    follower: EventFollower,
    process: subprocess.Popen[bytes] | None,
    fetch_run: Callable[[], RunRecord | None],
    printer: RunPrinter,
    tracker: _Progress,
) -> FollowResult | None:
    """A result when the run can make no more progress; None while it still may."""
    if process is not None:
        code = process.poll()
        if code is None:
            return None
    else:
        run = fetch_run()
        if run is None or not run.status.is_finished:
            return None
    # Drain what was written between the last poll and the exit.
    late = follower.poll()
    for event in late:
        printer(event)
        tracker.on_event(event)
    if follower.final_event is not None:
        return FollowResult(_status_of(follower.final_event), events=len(late))
    run = fetch_run()
    status = run.status if run is not None else None
    if process is None:
        return FollowResult(status, events=len(late))
    return FollowResult(
        status,
        worker_error=(
            f"The run worker (pid {process.pid}) exited with code {process.returncode} "
            "without recording the end of the run"
            + (f"; the run's stored status is {status.value}." if status else ".")
        ),
        events=len(late),
    )


def _status_of(event_type: EventType | None) -> RunStatus | None:
    return {
        EventType.RUN_SUCCESS: RunStatus.SUCCESS,
        EventType.RUN_FAILURE: RunStatus.FAILURE,
        EventType.RUN_CANCELED: RunStatus.CANCELED,
    }.get(event_type) if event_type is not None else None


def wait_for_exit(process: subprocess.Popen[bytes] | None, timeout: float) -> None:
    """Give the worker ``timeout`` seconds to record its last events and exit."""
    if process is None:
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass


def describe_worker_error(console: Console, message: str) -> None:
    """Print why a run ended without its final event."""
    console.print(f"[red]{escape(message)}[/]")
