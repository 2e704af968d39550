"""How a run worker (and each step process) gets its events into storage, and its heartbeat.

:class:`EventWriter` is the event sink: ``emit`` appends to a queue and wakes a background
thread that stores everything queued in one transaction, so a burst of events costs one
write and an event reaches storage within one write's time. ``emit`` takes no lock (a deque
append and a byte written to a pipe), so it is safe even when a cancellation interrupts the
step that emits.

When storage cannot be reached the writer keeps every event and retries with backoff: it
never drops one. It says so once per outage on stderr (and once when storage answers again).
Past ``spool_after_seconds`` of outage, or with more than ``max_in_memory`` events waiting,
the queued events move to a file on local disk (:class:`~headwater.execution.event_spool.
EventSpool`), replayed in order before anything newer. Closing the writer waits until
everything is stored.

Every storage call of the background threads happens under ``io_lock``; while forking a
step process the worker holds that lock (:meth:`EventWriter.paused`), so no thread is inside
the database driver (holding its locks) when the process is copied. The lock is released
between retries, so an outage does not hold up forks.
"""

from __future__ import annotations

import os
import select
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from headwater.execution.event_spool import EventSpool
from headwater.snapshot.events import EventType, RunEvent
from headwater.storage.base import Storage

#: Events stored synchronously by ``emit`` (see :meth:`EventWriter.emit`).
DURABLE_AT_ONCE = frozenset({EventType.RUN_START})
#: Most events stored in one transaction.
MAX_BATCH = 1000
#: How long the writer lets events gather after the first one before it stores them.
DEFAULT_LINGER_SECONDS = 0.05
#: Environment variable: seconds of failing writes after which queued events go to disk.
SPOOL_AFTER_ENV = "HEADWATER_EVENT_SPOOL_AFTER_SECONDS"
DEFAULT_SPOOL_AFTER_SECONDS = 60.0
#: Most events kept in memory while storage fails; past it they go to disk at once.
MAX_IN_MEMORY = 10_000
#: Longest wait between two attempts while storage fails.
MAX_RETRY_DELAY_SECONDS = 2.0
#: Environment variable: seconds between worker heartbeats.
HEARTBEAT_ENV = "HEADWATER_WORKER_HEARTBEAT_SECONDS"
DEFAULT_HEARTBEAT_SECONDS = 5.0


class EventWriter:
    """Stores a run's events in order from a background thread, in small batches.

    Args:
        storage: where the events go.
        io_lock: held around each storage call (see the module docstring).
        linger_seconds: how long a burst may gather before it is written.
        spool_after_seconds: how long storage may fail before queued events go to disk
            (default ``$HEADWATER_EVENT_SPOOL_AFTER_SECONDS``, else 60).
        spool_dir: the folder of the spool file (default: the system's temporary folder).
        max_in_memory: most events kept in memory while storage fails.
    """

    def __init__(self, storage: Storage, io_lock: threading.Lock | None = None,
                 linger_seconds: float = DEFAULT_LINGER_SECONDS, *,
                 spool_after_seconds: float | None = None, spool_dir: Path | None = None,
                 max_in_memory: int = MAX_IN_MEMORY) -> None:
        self.storage = storage
        self.io_lock = io_lock or threading.Lock()
        self.linger_seconds = linger_seconds
        self.spool_after_seconds = (spool_after_seconds if spool_after_seconds is not None
                                    else positive_env(SPOOL_AFTER_ENV,
                                                      DEFAULT_SPOOL_AFTER_SECONDS))
        self.spool_dir = spool_dir or Path(tempfile.gettempdir()) / "headwater-spool"
        self.max_in_memory = max_in_memory
        self._pending: deque[RunEvent] = deque()
        #: The batch being written (taken from ``_pending``), kept until it is stored.
        self._inflight: list[RunEvent] = []
        self._spool: EventSpool | None = None
        #: One writer at a time, through its retries, so events are stored in order.
        self._write_lock = threading.Lock()
        self._outage = _Outage("storage is unreachable", "events")
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self._closing = False
        self._idle = False
        self._thread: threading.Thread | None = None
        #: Highest storage id written so far (0 before the first write).
        self.last_storage_id = 0
        #: Events moved to the spool file so far (0 unless storage failed for long).
        self.spooled = 0

    def start(self) -> EventWriter:
        """Start the background thread."""
        self._thread = threading.Thread(
            target=self._loop, name="headwater-event-writer", daemon=True
        )
        self._thread.start()
        return self

    def emit(self, event: RunEvent) -> None:
        """Queue ``event`` for storage (the event sink).

        RUN_START is stored at once (with anything queued before it), so a worker that user
        code kills early (``os._exit``, a segfault) still leaves a STARTED run with its pid
        for the run monitor. Other events follow within one linger period; storing each step
        start synchronously would cost a commit per step (~1 ms on SQLite, ~8 ms on
        PostgreSQL), so an in-process step that kills its worker may lose its last ~50 ms of
        events. The multiprocess executor has no such gap: the worker outlives its steps.
        """
        self._pending.append(event)
        if event.event_type in DURABLE_AT_ONCE:
            self.flush()
        elif self._idle:  # wake the writer only when it waits for work
            self._wake()

    def _wake(self) -> None:
        try:
            os.write(self._wake_write, b"\0")
        except OSError:  # the pipe is full: the writer is awake anyway
            pass

    def flush(self) -> None:
        """Store everything queued so far, now, in this thread (waiting for storage)."""
        with self._write_lock:
            self._write_pending()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Keep the background threads out of storage while the block runs (e.g. a fork)."""
        with self.io_lock:
            yield

    def close(self) -> None:
        """Store what is left (waiting for storage if it is down) and stop the thread."""
        self._closing = True
        self._wake()
        if self._thread is not None:
            self._thread.join()
        self.flush()
        for fd in (self._wake_read, self._wake_write):
            try:
                os.close(fd)
            except OSError:
                pass

    def _loop(self) -> None:
        while True:
            # ``emit`` checks ``_idle`` after appending: either it sees True and wakes us, or
            # we see its event here and do not wait.
            self._idle = True
            if not self._pending and not self._closing:
                self._sleep(0.5)
            self._idle = False
            if self._pending and not self._closing and self.linger_seconds:
                # Let a burst gather: one transaction for all of it.
                deadline = time.monotonic() + self.linger_seconds
                while not self._closing and (left := deadline - time.monotonic()) > 0:
                    self._sleep(left)
            with self._write_lock:
                self._write_pending()
            if self._closing and not self._pending:
                return

    def _sleep(self, seconds: float) -> None:
        """Wait up to ``seconds`` for a wake-up byte, and drain the pipe."""
        select.select([self._wake_read], [], [], seconds)
        try:
            while os.read(self._wake_read, 4096):
                pass
        except OSError:
            pass

    def _next_batch(self) -> tuple[list[RunEvent], bool]:
        """The oldest events not stored yet, and whether they come from the spool."""
        if self._spool is not None and len(self._spool):
            return self._spool.peek(MAX_BATCH), True
        if not self._inflight:
            while self._pending and len(self._inflight) < MAX_BATCH:
                self._inflight.append(self._pending.popleft())
        return self._inflight, False

    def _write_pending(self) -> None:
        """Store queued events in order, in batches, retrying while storage fails (caller
        holds ``_write_lock``)."""
        delay = 0.05
        while True:
            batch, from_spool = self._next_batch()
            if not batch:
                return
            try:
                with self.io_lock:
                    ids = self.storage.store_events(batch)
            except Exception as exc:  # noqa: BLE001 - storage trouble must not kill the run
                self._outage.failed(exc, batch[0].run_id)
                if self._spool_due():
                    self._spill(batch[0].run_id)
                time.sleep(delay)
                delay = min(delay * 2, MAX_RETRY_DELAY_SECONDS)
                continue
            if from_spool:
                assert self._spool is not None
                self._spool.advance()
            else:
                self._inflight = []
            self._outage.recovered(batch[0].run_id)
            delay = 0.05
            if ids:
                self.last_storage_id = max(self.last_storage_id, max(ids))

    def _spool_due(self) -> bool:
        waiting = len(self._pending) + len(self._inflight)
        return waiting > 0 and (self._outage.seconds() >= self.spool_after_seconds
                                or waiting > self.max_in_memory)

    def _spill(self, run_id: str) -> None:
        """Move the in-memory events (oldest first) to the spool file."""
        if self._spool is None:
            name = f"run-{run_id}-{os.getpid()}.events"
            self._spool = EventSpool(self.spool_dir / name)
        events = self._inflight
        self._inflight = []
        while self._pending:
            events.append(self._pending.popleft())
        first = self.spooled == 0
        self.spooled += self._spool.append(events)
        if first:
            _say(f"headwater: run {run_id}: storage still unreachable after "
                 f"{self._outage.seconds():.0f} s; its events are kept in {self._spool.path} "
                 "until storage answers again (nothing is dropped).")


class _Outage:
    """Reports a failing storage once when it starts failing and once when it recovers."""

    def __init__(self, what: str, kept: str) -> None:
        self.what = what
        self.kept = kept
        self.since: float | None = None

    def seconds(self) -> float:
        """How long storage has been failing (0 when it is not)."""
        return 0.0 if self.since is None else time.monotonic() - self.since

    def failed(self, exc: Exception, run_id: str) -> None:
        if self.since is None:
            self.since = time.monotonic()
            _say(f"headwater: run {run_id}: {self.what} ({type(exc).__name__}: "
                 f"{_first_line(exc)}); keeping its {self.kept}, retrying until it answers.")

    def quiet_recovery(self) -> None:
        """Storage answers again (the event writer says so)."""
        self.since = None

    def recovered(self, run_id: str) -> None:
        if self.since is not None:
            _say(f"headwater: run {run_id}: storage is reachable again after "
                 f"{self.seconds():.1f} s; the delayed {self.kept} are stored.")
            self.since = None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Heartbeat:
    """Records every few seconds that the worker of a run is alive."""

    def __init__(self, storage: Storage, run_id: str, io_lock: threading.Lock,
                 interval: float | None = None) -> None:
        self.storage = storage
        self.run_id = run_id
        self.io_lock = io_lock
        self.interval = interval if interval is not None else heartbeat_interval()
        self._stop = threading.Event()
        self._outage = _Outage("its heartbeat could not be stored", "heartbeat going")
        self._thread = threading.Thread(target=self._loop, name="headwater-heartbeat",
                                        daemon=True)

    def start(self) -> Heartbeat:
        """Beat once now, then every ``interval`` seconds in a background thread."""
        self._beat()
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop beating."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._beat()

    def _beat(self) -> None:
        try:
            with self.io_lock:
                self.storage.heartbeat_run(self.run_id, time.time())
        except Exception as exc:  # noqa: BLE001 - a missed beat is reported once, not fatal
            self._outage.failed(exc, self.run_id)
            return
        self._outage.quiet_recovery()


def heartbeat_interval() -> float:
    """Seconds between heartbeats: ``$HEADWATER_WORKER_HEARTBEAT_SECONDS``, default 5."""
    return positive_env(HEARTBEAT_ENV, DEFAULT_HEARTBEAT_SECONDS)


def positive_env(name: str, default: float) -> float:
    """The positive number of seconds in environment variable ``name``, else ``default``."""
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if value <= 0:
        print(
            f"headwater: ignoring {name}={raw!r}: it must be a positive number of "
            f"seconds; using {default:g}.",
            file=sys.stderr,
        )
        return default
    return value
