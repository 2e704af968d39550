"""``headwater run list|show|logs|cancel|reexecute``: runs stored in the instance."""

from __future__ import annotations

import logging
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from rich.console import Console

    from headwater.snapshot.events import RunEvent
    from headwater.snapshot.runs import EventLogRecord, RunRecord

_STATUSES = ("QUEUED", "STARTING", "STARTED", "SUCCESS", "FAILURE", "CANCELING", "CANCELED")
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
#: Characters of a run id shown in narrow terminals; shortest prefix the commands accept.
_SHORT_ID = 8
_MIN_PREFIX = 4
#: How many recent runs a prefix is looked up among.
_PREFIX_SCAN = 5000
_STATUS_STYLE = {
    "SUCCESS": "green",
    "FAILURE": "red",
    "CANCELED": "yellow",
    "CANCELING": "yellow",
    "STARTED": "cyan",
    "STARTING": "cyan",
    "QUEUED": "dim",
}


@click.group("run")
def run_group() -> None:
    """Inspect, follow, cancel and re-execute runs stored in the instance."""


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def _instance() -> Any:
    from headwater.cli.execute_common import open_existing_instance

    return open_existing_instance()


def _get_run(instance: Any, run_id: str) -> RunRecord:
    """The stored run with this id (or unique id prefix); a usage error naming it if none."""
    from headwater.cli.execute_common import storage_errors

    with storage_errors():
        run: RunRecord | None = instance.storage.get_run(run_id)
        if run is None and len(run_id) >= _MIN_PREFIX:
            recent: list[RunRecord] = instance.storage.get_runs(limit=_PREFIX_SCAN)
            matches = [r for r in recent if r.run_id.startswith(run_id)]
            if len(matches) > 1:
                raise click.BadParameter(
                    f"'{run_id}' is the start of several run ids "
                    f"({', '.join(r.run_id for r in matches[:5])}); give more of it.",
                    param_hint="RUN_ID",
                )
            run = matches[0] if matches else None
    if run is None:
        raise click.BadParameter(
            f"No run with id '{run_id}' in the instance at {instance.root}. "
            "`headwater run list` shows the stored runs.",
            param_hint="RUN_ID",
        )
    return run


def format_time(timestamp: float | None, *, short: bool = False) -> str:
    """Local date and time to the second (``short``: month to minute), or an empty string."""
    if not timestamp:
        return ""
    return datetime.fromtimestamp(timestamp).strftime("%m-%d %H:%M" if short else
                                                      "%Y-%m-%d %H:%M:%S")


def format_duration(seconds: float | None) -> str:
    """``850 ms``, ``12.3 s``, ``4m 05s``, ``2h 03m``."""
    if seconds is None:
        return ""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def run_duration(run: RunRecord) -> float | None:
    """Seconds from start to end (to now while the run is in progress)."""
    if run.start_time is None:
        return None
    end = run.end_time if run.end_time is not None else (
        None if run.status.is_finished else time.time()
    )
    return None if end is None else max(0.0, end - run.start_time)


def _status_text(status: str) -> str:
    style = _STATUS_STYLE.get(status, "")
    return f"[{style}]{status}[/]" if style else status


def _tags_summary(tags: dict[str, str], width: int = 40) -> str:
    text = ", ".join(f"{k}={v}" for k, v in sorted(tags.items()))
    return text if len(text) <= width else text[: width - 1] + "…"


# -- list ----------------------------------------------------------------------------------------


@run_group.command("list")
@click.option("--status", "statuses", multiple=True,
              type=click.Choice(_STATUSES, case_sensitive=False),
              help="Only runs with this status (repeatable).")
@click.option("--job", "job_name", help="Only runs of this job.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="At most this many runs, newest first.")
def list_command(statuses: tuple[str, ...], job_name: str | None, limit: int) -> None:
    """List runs, newest first."""
    from rich.markup import escape
    from rich.table import Table

    from headwater.cli.execute_common import storage_errors
    from headwater.core.run_status import RunStatus
    from headwater.snapshot.runs import RunsFilter

    instance = _instance()
    filters = RunsFilter(
        job_name=job_name,
        statuses=[RunStatus(s.upper()) for s in statuses] or None,
    )
    with storage_errors():
        runs: list[RunRecord] = instance.storage.get_runs(filters, limit=limit)
        total: int = instance.storage.count_runs(filters)
    console = _console()
    if not runs:
        console.print(f"No runs in the instance at {escape(str(instance.root))}"
                      + (" matching the filters." if statuses or job_name else "."))
        return
    narrow = console.width < 110
    table = Table(show_header=True, header_style="bold", box=None)
    table.add_column("run id", no_wrap=True)
    table.add_column("job", overflow="fold", min_width=10)
    table.add_column("status", no_wrap=True)
    table.add_column("created", no_wrap=True)
    table.add_column("duration", no_wrap=True, justify="right")
    table.add_column("tags", overflow="fold")
    for run in runs:
        table.add_row(
            run.run_id[:_SHORT_ID] if narrow else run.run_id,
            escape(_job_label(run)),
            _status_text(run.status.value),
            format_time(run.created_at, short=narrow),
            format_duration(run_duration(run)),
            escape(_tags_summary(run.tags)),
        )
    console.print(table)
    if total > len(runs):
        console.print(f"[dim]{len(runs)} of {total} runs; --limit shows more.[/]")
    if narrow:
        console.print("[dim]Run ids are shortened to fit the terminal; the other run commands "
                      "accept any unique prefix.[/]")


def _job_label(run: RunRecord) -> str:
    from headwater.core.names import IMPLICIT_ASSET_JOB_NAME

    if run.job_name == IMPLICIT_ASSET_JOB_NAME and run.asset_selection:
        count = len(run.asset_selection)
        return f"assets ({count})" if count > 1 else "asset " + "/".join(run.asset_selection[0])
    return run.job_name


# -- show ----------------------------------------------------------------------------------------


@run_group.command("show")
@click.argument("run_id")
def show_command(run_id: str) -> None:
    """A run's fields, the timing of each step, and what it materialized."""
    from headwater.cli.execute_common import storage_errors
    from headwater.snapshot.events import EventType

    instance = _instance()
    run = _get_run(instance, run_id)
    wanted = [
        EventType.STEP_START, EventType.STEP_SUCCESS, EventType.STEP_FAILURE,
        EventType.STEP_SKIPPED, EventType.STEP_UP_FOR_RETRY, EventType.ASSET_MATERIALIZATION,
        EventType.ASSET_CHECK_EVALUATION,
    ]
    with storage_errors():
        records: list[EventLogRecord] = instance.storage.get_events(
            run.run_id, event_types=wanted
        )
    console = _console()
    _print_fields(console, run)
    _print_steps(console, [r.event for r in records])
    _print_assets(console, [r.event for r in records])


def _print_fields(console: Console, run: RunRecord) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    rows: list[tuple[str, str]] = [
        ("run id", run.run_id),
        ("job", _job_label(run)),
        ("status", run.status.value),
        ("location", run.location_name or ""),
        ("partition", run.partition_key or ""),
        ("created", format_time(run.created_at)),
        ("started", format_time(run.start_time)),
        ("ended", format_time(run.end_time)),
        ("duration", format_duration(run_duration(run))),
        ("tags", ", ".join(f"{k}={v}" for k, v in sorted(run.tags.items()))),
        ("parent run", run.parent_run_id or ""),
        ("root run", run.root_run_id or ""),
        ("steps to execute", ", ".join(run.step_keys_to_execute or [])),
        ("worker pid", str(run.worker_pid) if run.worker_pid else ""),
        ("failure", run.failure_message or ""),
    ]
    for name, value in rows:
        if value:
            shown = _status_text(value) if name == "status" else escape(value)
            table.add_row(name, shown)
    console.print(table)


def _print_steps(console: Console, events: list[RunEvent]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from headwater.snapshot.events import EventType

    outcome = {
        EventType.STEP_SUCCESS: "SUCCESS",
        EventType.STEP_FAILURE: "FAILURE",
        EventType.STEP_SKIPPED: "SKIPPED",
        EventType.STEP_UP_FOR_RETRY: "RETRY",
    }
    steps: dict[str, dict[str, Any]] = {}
    for event in events:
        if not event.step_key:
            continue
        step = steps.setdefault(event.step_key, {"status": "", "start": None, "end": None})
        if event.event_type is EventType.STEP_START:
            step["start"] = step["start"] or event.timestamp
            step["status"] = "STARTED"
        elif event.event_type in outcome:
            step["status"] = outcome[event.event_type]
            step["end"] = event.timestamp
    if not steps:
        console.print("[dim]No step has started.[/]")
        return
    table = Table(title="steps", title_justify="left", show_header=True, header_style="bold",
                  box=None)
    for column in ("step", "status", "started", "duration"):
        table.add_column(column, justify="right" if column == "duration" else "left")
    for key, step in steps.items():
        start, end = step["start"], step["end"]
        duration = end - start if start is not None and end is not None else None
        table.add_row(escape(key), _status_text(step["status"]),
                      _clock(start), format_duration(duration))
    console.print(table)


def _print_assets(console: Console, events: list[RunEvent]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from headwater.snapshot.events import AssetCheckData, AssetEventData

    rows: list[tuple[str, str, str]] = []
    for event in events:
        data = event.data
        if isinstance(data, AssetEventData):
            rows.append(("/".join(data.asset_key), data.partition or "", "materialized"))
        elif isinstance(data, AssetCheckData):
            verdict = "passed" if data.passed else f"failed ({data.severity})"
            name = f"{'/'.join(data.asset_key)}:{data.check_name}"
            rows.append((name, data.partition or "", f"check {verdict}"))
    if not rows:
        return
    table = Table(title="assets", title_justify="left", show_header=True, header_style="bold",
                  box=None)
    for column in ("asset", "partition", "event"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    console.print(table)


def _clock(timestamp: float | None) -> str:
    if timestamp is None:
        return ""
    return datetime.fromtimestamp(timestamp).strftime("%H:%M:%S.%f")[:-3]


# -- logs ----------------------------------------------------------------------------------------


@run_group.command("logs")
@click.argument("run_id")
@click.option("--follow", "-F", "follow", is_flag=True,
              help="Keep printing new events until the run ends.")
@click.option("--level", type=click.Choice(_LEVELS, case_sensitive=False), default="DEBUG",
              show_default=True, help="Only events at this level or above.")
def logs_command(run_id: str, follow: bool, level: str) -> None:
    """Print a run's event log: time, level, step, event type and message."""
    from headwater.cli.execute_common import storage_errors
    from headwater.cli.follow import EXIT_INTERRUPTED, EventFollower

    instance = _instance()
    run = _get_run(instance, run_id)
    threshold = logging.getLevelName(level.upper())
    console = _console()
    follower = EventFollower(instance.storage, run.run_id)
    try:
        with storage_errors():
            while True:
                for event in follower.poll():
                    if event.level >= threshold:
                        _print_log_line(console, event)
                if not follow or follower.final_event is not None:
                    break
                current = instance.storage.get_run(run.run_id)
                if current is None or current.status.is_finished:
                    for event in follower.poll():
                        if event.level >= threshold:
                            _print_log_line(console, event)
                    break
                time.sleep(0.05)
    except KeyboardInterrupt:
        raise SystemExit(EXIT_INTERRUPTED) from None


def _print_log_line(console: Console, event: RunEvent) -> None:
    from rich.markup import escape

    name = logging.getLevelName(event.level)
    style = {"WARNING": "yellow", "ERROR": "red", "CRITICAL": "bold red", "DEBUG": "dim"}.get(
        name, ""
    )
    text = (f"{_clock(event.timestamp)} {name:<8} {event.event_type.value:<22} "
            f"{event.step_key or '-'}  {event.message}")
    console.print(f"[{style}]{escape(text)}[/]" if style else escape(text))


# -- cancel and re-execute -------------------------------------------------------------------------


@run_group.command("cancel")
@click.argument("run_id")
@click.option("--wait/--no-wait", default=True, show_default=True,
              help="Wait until the run has stopped.")
@click.option("--timeout", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="Seconds to wait for the run to stop.")
def cancel_command(run_id: str, wait: bool, timeout: float) -> None:
    """Cancel a queued or running run (its worker stops and records CANCELED)."""
    from headwater.cli.execute_common import fail, storage_errors
    from headwater.execution.launch import cancel_run

    instance = _instance()
    run = _get_run(instance, run_id)
    run_id = run.run_id
    console = _console()
    if run.status.is_finished:
        fail(f"Run {run_id} already finished ({run.status.value}); nothing to cancel.")
    with storage_errors():
        requested = cancel_run(instance, run_id)
    if not requested:
        current = instance.storage.get_run(run_id)
        status = current.status.value if current is not None else "unknown"
        fail(f"Run {run_id} could not be canceled (status {status}).")
    console.print(f"Cancellation of run {run_id} requested.")
    if not wait:
        return
    deadline = time.monotonic() + timeout
    with storage_errors():
        while True:
            current = instance.storage.get_run(run_id)
            if current is None or current.status.is_finished:
                break
            if time.monotonic() > deadline:
                fail(f"Run {run_id} is still {current.status.value} after {timeout:g} s.")
            time.sleep(0.05)
    final = current.status.value if current is not None else "deleted"
    console.print(f"Run {run_id} {_status_text(final)}.")


@run_group.command("reexecute")
@click.argument("run_id")
@click.option("--from-failure", is_flag=True,
              help="Only the steps that failed or did not run (default: every step).")
@click.option("-v", "--verbose", is_flag=True, help="Also print DEBUG log lines.")
def reexecute_command(run_id: str, from_failure: bool, verbose: bool) -> None:
    """Re-execute a finished run in a new run worker, following its progress."""
    from headwater.cli.execute_common import launch_and_follow
    from headwater.errors import HeadwaterError
    from headwater.execution.launch import create_reexecution_run

    instance = _instance()
    parent = _get_run(instance, run_id)
    try:
        run = create_reexecution_run(instance, parent.run_id, from_failure=from_failure)
    except HeadwaterError as exc:
        raise click.UsageError(str(exc)) from exc
    steps = run.step_keys_to_execute
    what = f"{len(steps)} step(s): {', '.join(steps)}" if steps else "every step"
    kind = " from its failures" if from_failure else ""
    launch_and_follow(
        instance, run, verbose=verbose, total_steps=len(steps) if steps else None,
        description=f"re-execution of run {parent.run_id}{kind}, {what}",
    )
