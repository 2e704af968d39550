"""How a run worker (and each step process) gets its events into storage, and its heartbeat.

:class:`EventWriter` is the event sink: ``emit`` appends to a queue and wakes a background
thread that stores everything queued in one transaction, so a burst of events costs one
write and an event reaches storage within one write's time. ``emit`` takes no lock (a deque
append and a byte written to a pipe), so it is safe even when a cancellation interrupts the
step that emits.

Every storage call of the background threads happens under ``io_lock``; while forking a
step process the worker holds that lock (:meth:`EventWriter.paused`), so no thread is inside
the database driver (holding its locks) when the process is copied.
"""

from __future__ import annotations

import os
import select
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from headwater.snapshot.events import EventType, RunEvent
from headwater.storage.base import Storage

#: Events stored synchronously by ``emit`` (see :meth:`EventWriter.emit`).
DURABLE_AT_ONCE = frozenset({EventType.RUN_START})
#: Most events stored in one transaction.
MAX_BATCH = 1000
#: How long the writer lets events gather after the first one before it stores them.
DEFAULT_LINGER_SECONDS = 0.05
#: How long the writer keeps retrying a failing write before giving up on those events.
GIVE_UP_AFTER_SECONDS = 60.0
#: Environment variable: seconds between worker heartbeats.
HEARTBEAT_ENV = "HEADWATER_WORKER_HEARTBEAT_SECONDS"
DEFAULT_HEARTBEAT_SECONDS = 5.0


class EventWriter:
    """Stores a run's events in order from a background thread, in small batches."""

    def __init__(self, storage: Storage, io_lock: threading.Lock | None = None,
                 linger_seconds: float = DEFAULT_LINGER_SECONDS) -> None:
        self.storage = storage
        self.io_lock = io_lock or threading.Lock()
        self.linger_seconds = linger_seconds
        self._pending: deque[RunEvent] = deque()
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self._closing = False
        self._idle = False
        self._thread: threading.Thread | None = None
        #: Highest storage id written so far (0 before the first write).
        self.last_storage_id = 0
        #: Events that could not be stored (storage kept failing).
        self.lost = 0

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
        """Store everything queued so far, now, in this thread."""
        with self.io_lock:
            self._write_pending()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Keep the background threads out of storage while the block runs (e.g. a fork)."""
        with self.io_lock:
            yield

    def close(self) -> None:
        """Store what is left and stop the thread."""
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
            with self.io_lock:
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

    def _write_pending(self) -> None:
        """Store queued events in batches (caller holds ``io_lock``)."""
        while self._pending:
            batch: list[RunEvent] = []
            while self._pending and len(batch) < MAX_BATCH:
                batch.append(self._pending.popleft())
            self._store(batch)

    def _store(self, batch: list[RunEvent]) -> None:
        started = time.monotonic()
        delay = 0.05
        while True:
            try:
                ids = self.storage.store_events(batch)
            except Exception as exc:  # noqa: BLE001 - storage trouble must not kill the run
                if time.monotonic() - started > GIVE_UP_AFTER_SECONDS:
                    self.lost += len(batch)
                    print(
                        f"headwater: could not store {len(batch)} event(s) of run "
                        f"{batch[0].run_id}: {type(exc).__name__}: {exc}",
                        file=sys.stderr,
                    )
                    return
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
                continue
            if ids:
                self.last_storage_id = max(self.last_storage_id, max(ids))
            return


class Heartbeat:
    """Records every few seconds that the worker of a run is alive."""

    def __init__(self, storage: Storage, run_id: str, io_lock: threading.Lock,
                 interval: float | None = None) -> None:
        self.storage = storage
        self.run_id = run_id
        self.io_lock = io_lock
        self.interval = interval if interval is not None else heartbeat_interval()
        self._stop = threading.Event()
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
        except Exception as exc:  # noqa: BLE001 - a missed beat is reported, not fatal
            print(f"headwater: heartbeat of run {self.run_id} failed: {exc}", file=sys.stderr)


def heartbeat_interval() -> float:
    """Seconds between heartbeats: ``$HEADWATER_WORKER_HEARTBEAT_SECONDS``, default 5."""
    raw = os.environ.get(HEARTBEAT_ENV)
    if not raw:
        return DEFAULT_HEARTBEAT_SECONDS
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if value <= 0:
        print(
            f"headwater: ignoring {HEARTBEAT_ENV}={raw!r}: it must be a positive number of "
            f"seconds; using {DEFAULT_HEARTBEAT_SECONDS}.",
            file=sys.stderr,
        )
        return DEFAULT_HEARTBEAT_SECONDS
    return value
