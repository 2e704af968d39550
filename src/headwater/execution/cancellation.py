"""Cancelling a run that is executing: a token the executors check, set from a signal handler.

A run worker installs :func:`install_sigterm_handler`; SIGTERM then sets the token. Executors
stop starting steps once it is set. While user code of an in-process step runs inside
:meth:`Cancellation.interruptible`, the handler also raises :class:`RunInterrupted` in it, so a
long step stops at once instead of at its end.

Everything the handler does is signal-safe: it sets a flag and writes one byte to a pipe
(which wakes an executor waiting in ``select``); it takes no lock.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from headwater.errors import ExecutionInterruptedError


class RunInterrupted(ExecutionInterruptedError):
    """Raised inside a running step when its run is canceled.

    A ``BaseException``, like ``KeyboardInterrupt``: user code catching ``Exception`` does not
    swallow it, and the user-code boundary does not wrap it.
    """


class Cancellation:
    """Whether the run has been asked to stop; settable from a signal handler."""

    def __init__(self) -> None:
        self._requested = False
        self._interruptible = 0
        self._deferred = 0
        self._pending_interrupt = False
        self._read_fd, self._write_fd = os.pipe()
        os.set_blocking(self._read_fd, False)
        os.set_blocking(self._write_fd, False)

    @property
    def requested(self) -> bool:
        """Whether cancellation has been requested."""
        return self._requested

    def fileno(self) -> int:
        """A descriptor that becomes readable once cancellation is requested (for ``select``)."""
        return self._read_fd

    def request(self) -> None:
        """Ask the run to stop; raises ``RunInterrupted`` when called (by a signal handler) on
        the main thread while it is inside an interruptible block."""
        self._requested = True
        try:
            os.write(self._write_fd, b"x")
        except OSError:  # pipe full or closed: the flag is what counts
            pass
        if self._interruptible and threading.current_thread() is threading.main_thread():
            if self._deferred:
                self._pending_interrupt = True
                return
            raise RunInterrupted("The run was canceled.")

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``, waking early when cancellation is requested; returns it."""
        import select

        if not self._requested and seconds > 0:
            select.select([self._read_fd], [], [], seconds)
        return self._requested

    @contextmanager
    def interruptible(self) -> Iterator[None]:
        """Let a cancellation interrupt the block (main thread only) with ``RunInterrupted``."""
        if self._requested:
            raise RunInterrupted("The run was canceled.")
        self._interruptible += 1
        try:
            yield
        finally:
            self._interruptible -= 1

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Hold back an interruption until the block ends (e.g. while writing one event)."""
        if threading.current_thread() is not threading.main_thread():
            yield  # interruptions only ever happen on the main thread
            return
        self._deferred += 1
        try:
            yield
        finally:
            self._deferred -= 1
            if not self._deferred and self._pending_interrupt:
                self._pending_interrupt = False
                if self._interruptible:
                    raise RunInterrupted("The run was canceled.")

    def close(self) -> None:
        """Close the wake-up pipe."""
        for fd in (self._read_fd, self._write_fd):
            try:
                os.close(fd)
            except OSError:
                pass


def install_sigterm_handler(cancellation: Cancellation) -> None:
    """Make SIGTERM (and SIGINT) request cancellation instead of killing the process."""

    def handler(signum: int, frame: FrameType | None) -> None:
        cancellation.request()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
