"""State shared by the steps of one run, and the event helpers they use."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from headwater.definitions.ops.jobs import JobDefinition
from headwater.execution.plan import ExecutionPlan
from headwater.snapshot.events import EventData, EventType, RunEvent

if TYPE_CHECKING:
    from headwater.execution.cancellation import Cancellation

EventSink = Callable[[RunEvent], None]


class StepExecutor(Protocol):
    """Executes the steps of a run's plan (in this process, or one process per step)."""

    #: False: the run's resources are initialised once around ``execute`` (``run.resources``);
    #: True: the executor initialises what each step needs where the step runs.
    per_step_resources: bool

    def execute(self, run: RunContext) -> list[str]:
        """Execute the plan's steps, emitting their events; returns the keys that failed."""
        ...


@dataclass
class RunContext:
    """What every step of a run shares."""

    run_id: str
    job: JobDefinition
    plan: ExecutionPlan
    emit_event: EventSink
    resources: Any = None
    step_configs: Mapping[str, Any] = field(default_factory=dict)
    #: Run config of inputs loaded by their type's loader, by op config path and input name.
    input_configs: Mapping[tuple[str, ...], Mapping[str, Any]] = field(default_factory=dict)
    partition_key: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    instance: Any = None
    #: When set, every produced output value is kept here by (step key, output name).
    captured_outputs: dict[tuple[str, str], Any] | None = None
    #: The exception each failed step ended with, by step key (kept for raise_on_error).
    step_errors: dict[str, BaseException] = field(default_factory=dict)
    #: Set when the run can be canceled while it executes (run workers).
    cancellation: Cancellation | None = None
    #: Resource definitions and their run config, for executors that initialise per step.
    resource_defs: Mapping[str, object] = field(default_factory=dict)
    resource_run_config: Mapping[str, Any] = field(default_factory=dict)
    #: False when the executor's config says ``retries: {disabled: {}}``.
    retries_enabled: bool = True

    @property
    def partition_keys(self) -> list[str] | None:
        """The partitions the run covers (its key, or its range), None when unpartitioned."""
        cached = self.__dict__.get("_partition_keys_cache")
        if cached is None:
            from headwater.execution.partition_inputs import run_partition_keys

            cached = (run_partition_keys(self.partition_key, self.tags,
                                         self.plan.partitions_def, self.instance),)
            self.__dict__["_partition_keys_cache"] = cached
        keys: list[str] | None = cached[0]
        return keys

    @property
    def cancel_requested(self) -> bool:
        """Whether someone asked this run to stop."""
        return self.cancellation is not None and self.cancellation.requested

    def emit(
        self,
        event_type: EventType,
        message: str = "",
        *,
        step_key: str | None = None,
        data: EventData | None = None,
        level: int = logging.INFO,
    ) -> RunEvent:
        """Build an event of this run and hand it to the sink."""
        event = RunEvent(
            run_id=self.run_id,
            event_type=event_type,
            timestamp=time.time(),
            message=message,
            level=level,
            job_name=self.job.name,
            step_key=step_key,
            data=data,
        )
        self.emit_event(event)
        return event


class StepLogger:
    """``context.log``: each call becomes a LOG event of the step.

    It does not go through the ``headwater.user`` Python logger, whose records are captured
    into the same events (see ``log_capture``) and would otherwise be recorded twice.
    """

    def __init__(self, run: RunContext, step_key: str) -> None:
        self._run = run
        self._step_key = step_key
        self._logger = logging.getLogger("headwater.user")

    def _log(self, level: int, msg: object, args: tuple[Any, ...], exc_info: Any = None) -> None:
        text = str(msg) % args if args else str(msg)
        if exc_info:
            import traceback

            text = f"{text}\n{traceback.format_exc()}"
        self._run.emit(EventType.LOG, text, step_key=self._step_key, level=level)

    def debug(self, msg: object, *args: Any) -> None:
        """Log at DEBUG."""
        self._log(logging.DEBUG, msg, args)

    def info(self, msg: object, *args: Any) -> None:
        """Log at INFO."""
        self._log(logging.INFO, msg, args)

    def warning(self, msg: object, *args: Any) -> None:
        """Log at WARNING."""
        self._log(logging.WARNING, msg, args)

    warn = warning

    def error(self, msg: object, *args: Any) -> None:
        """Log at ERROR."""
        self._log(logging.ERROR, msg, args)

    def exception(self, msg: object, *args: Any) -> None:
        """Log at ERROR with the current exception's traceback."""
        self._log(logging.ERROR, msg, args, exc_info=True)

    def critical(self, msg: object, *args: Any) -> None:
        """Log at CRITICAL."""
        self._log(logging.CRITICAL, msg, args)

    def log(self, level: int, msg: object, *args: Any) -> None:
        """Log at ``level``."""
        self._log(level, msg, args)

    def isEnabledFor(self, level: int) -> bool:  # noqa: N802 - logging.Logger's name
        """Always true: the run's event log keeps every level."""
        return True
