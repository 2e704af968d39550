"""Capturing what a step prints (``sys.stdout`` / ``sys.stderr``) into the run's event log.

While a step runs, text written to ``sys.stdout``/``sys.stderr`` from the step's own
thread/context still reaches the terminal and is also recorded as STEP_STDOUT /
STEP_STDERR events of the step, so it lands in the instance's storage and streams live to
the UI like any other event. Complete lines are sent as soon as they are written unless an
event of that stream went out less than :data:`COALESCE_SECONDS` ago (then they are sent
with the next write or when the step ends), so a chatty loop makes few events. Output of
subprocesses and of C code writing to the file descriptors directly is not captured.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO, TYPE_CHECKING, Any

from headwater.snapshot.events import EventType

if TYPE_CHECKING:
    from headwater.execution.run_context import RunContext

#: Lines written within this many seconds of the previous event are sent together.
COALESCE_SECONDS = 0.2
#: A buffer this large is sent whether or not it ends a line.
FLUSH_CHARS = 16_384
#: Past this many characters per step and stream, output is no longer recorded.
MAX_CHARS = 10_000_000

_EVENT_TYPES = {"stdout": EventType.STEP_STDOUT, "stderr": EventType.STEP_STDERR}


class _StepOutput:
    """What one step wrote to one stream and has not sent yet."""

    def __init__(self, run: RunContext, step_key: str, stream: str) -> None:
        self.run = run
        self.step_key = step_key
        self.stream = stream
        self.pending: list[str] = []
        self.pending_chars = 0
        self.sent_chars = 0
        self.last_sent = 0.0
        self.truncated = False

    def write(self, text: str) -> None:
        if self.truncated or not text:
            return
        self.pending.append(text)
        self.pending_chars += len(text)
        due = time.monotonic() - self.last_sent >= COALESCE_SECONDS
        if self.pending_chars >= FLUSH_CHARS or ("\n" in text and due):
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        text = "".join(self.pending)
        self.pending, self.pending_chars = [], 0
        room = MAX_CHARS - self.sent_chars
        if len(text) > room:
            text = text[:room] + f"\n[headwater: {self.stream} of this step truncated after " \
                                 f"{MAX_CHARS} characters]\n"
            self.truncated = True
        self.sent_chars += len(text)
        self.last_sent = time.monotonic()
        self.run.emit(_EVENT_TYPES[self.stream], text, step_key=self.step_key)


_current: ContextVar[dict[str, _StepOutput] | None] = ContextVar(
    "headwater_step_output", default=None
)
# Set while this thread records an event, so that anything the event sink prints is not
# captured again (it would recurse).
_sending = threading.local()


class _CapturingStream:
    """Stands in for ``sys.stdout``/``sys.stderr``: passes every write through, and records
    it for the step running in the writer's context."""

    def __init__(self, wrapped: IO[str], stream: str) -> None:
        self._wrapped = wrapped
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            written = self._wrapped.write(text)
        except ValueError:  # the wrapped stream was closed (e.g. a test's capture ended)
            written = len(text)
        outputs = _current.get()
        if outputs is not None and not getattr(_sending, "active", False):
            _sending.active = True
            try:
                outputs[self._stream].write(text)
            finally:
                _sending.active = False
        return written

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        try:
            self._wrapped.flush()
        except ValueError:
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)


def _install() -> None:
    if not isinstance(sys.stdout, _CapturingStream) and sys.stdout is not None:
        sys.stdout = _CapturingStream(sys.stdout, "stdout")
    if not isinstance(sys.stderr, _CapturingStream) and sys.stderr is not None:
        sys.stderr = _CapturingStream(sys.stderr, "stderr")


@contextmanager
def capturing_step_output(run: RunContext, step_key: str) -> Iterator[None]:
    """Record what ``step_key`` prints while the block runs; send the rest when it ends."""
    _install()
    outputs = {name: _StepOutput(run, step_key, name) for name in _EVENT_TYPES}
    token = _current.set(outputs)
    try:
        yield
    finally:
        _current.reset(token)
        for output in outputs.values():
            _sending.active = True
            try:
                output.flush()
            finally:
                _sending.active = False
