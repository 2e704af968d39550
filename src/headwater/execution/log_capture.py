"""Capturing records of ``get_logger()`` loggers into the event log of the running step."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from headwater.definitions.ops.logger import USER_LOGGER_NAME
from headwater.snapshot.events import EventType

if TYPE_CHECKING:
    from headwater.execution.run_context import RunContext

_current_step: ContextVar[tuple[RunContext, str] | None] = ContextVar(
    "headwater_current_step", default=None
)
#: Set while a run's event is handed to its configured loggers: a logger under
#: ``headwater.user`` must not turn that record into another event (and so on, forever).
_forwarding: ContextVar[bool] = ContextVar("headwater_forwarding_to_loggers", default=False)


class _StepEventHandler(logging.Handler):
    """Turns a log record into a LOG event of the step running on this thread/context."""

    def emit(self, record: logging.LogRecord) -> None:
        current = _current_step.get()
        if current is None or _forwarding.get():
            return
        run, step_key = current
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not fail the step
            message = str(record.msg)
        if record.exc_info:
            message = f"{message}\n{logging.Formatter().formatException(record.exc_info)}"
        run.emit(EventType.LOG, message, step_key=step_key, level=record.levelno)


_handler = _StepEventHandler()


def install_capture() -> None:
    """Attach the capturing handler to the ``headwater.user`` logger (once)."""
    logger = logging.getLogger(USER_LOGGER_NAME)
    if _handler not in logger.handlers:
        logger.addHandler(_handler)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.DEBUG)


@contextmanager
def forwarding() -> Iterator[None]:
    """Mark the block as handing an event to the run's loggers (see ``_forwarding``)."""
    token = _forwarding.set(True)
    try:
        yield
    finally:
        _forwarding.reset(token)


@contextmanager
def capturing_step_logs(run: RunContext, step_key: str) -> Iterator[None]:
    """Route ``get_logger()`` records to ``step_key``'s events while the block runs."""
    token = _current_step.set((run, step_key))
    try:
        yield
    finally:
        _current_step.reset(token)
