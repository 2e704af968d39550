"""What ``headwater dev``/``webserver`` start once the web server answers.

Opening the instance's storage costs ~0.3 s (SQLAlchemy's import, the schema check), and the
daemon needs it. Neither is needed to serve the first page or ``/api/locations``, so they
start in a background thread as soon as the server answers; a request that needs storage
meanwhile waits for it to open. If the storage cannot be opened, the server is stopped and
the command exits with the error, as it did when the storage opened first.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("headwater")


class BackgroundStart:
    """Opens ``instance``'s storage, then (``with_daemon``) starts the daemon and run log.

    Args:
        workspace: the code locations the daemon works with.
        instance: the instance to open.
        with_daemon: run the daemon's loops in this process (``headwater dev``).
        on_failure: called (from the background thread) when the storage cannot be opened.
    """

    def __init__(self, workspace: Any, instance: Any, *, with_daemon: bool,
                 on_failure: Callable[[], None]) -> None:
        self.workspace = workspace
        self.instance = instance
        self.with_daemon = with_daemon
        self.on_failure = on_failure
        #: Why the storage could not be opened (raised again by the command).
        self.error: Exception | None = None
        self._stops: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._stopping = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Begin in a background thread; returns at once."""
        self._thread = threading.Thread(target=self._run, name="headwater-start", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Wait for the start to finish, then stop what it started (latest first)."""
        with self._lock:
            self._stopping = True
        if self._thread is not None:
            self._thread.join(timeout)
        with self._lock:
            stops, self._stops = self._stops, []
        for stop in reversed(stops):
            try:
                stop()
            except Exception:
                logger.exception("Stopping failed")

    def _run(self) -> None:
        from headwater.errors import HeadwaterError

        try:
            _ = self.instance.storage
        except HeadwaterError as exc:
            self.error = exc
            self.on_failure()
            return
        if self.with_daemon:
            self._start_daemon()

    def _start_daemon(self) -> None:
        from headwater.daemon import Daemon, DaemonAlreadyRunningError
        from headwater.webserver.run_log import RunLog

        with self._lock:
            if self._stopping:
                return
            daemon = Daemon(self.workspace, self.instance)
            try:
                daemon.start()
            except DaemonAlreadyRunningError as exc:
                logger.error("Not starting a daemon here: %s", exc)
                return
            self._stops.append(daemon.stop)
            logger.info("Daemon started: schedules, sensors, run queue, run monitor.")
            run_log = RunLog(self.instance)
            run_log.start()
            self._stops.append(run_log.stop)
