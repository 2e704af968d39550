"""A location loaded in the code server's own process (``--in-process``).

The code servers a workspace starts itself serve code that the host replaces by starting a
new server on every reload, so they need no separate location process: the server imports
the location in its main thread (as a location process would: code may install signal
handlers at import) while gRPC threads already answer health checks, then answers runs and
ticks by calling the handlers directly, each in its gRPC thread, so a slow launch never holds
up anything. This halves the processes, and the memory, per location without schedules and
sensors. Their ticks run user code that may end its process, so they are evaluated in a child
location process started on the first tick (:mod:`headwater.codeserver.tick_evaluator`).

:class:`InProcessLocation` offers what the server uses of a
:class:`~headwater.codeserver.location_process.LocationProcess`; a Reload call on such a
server still starts a location process with the new code and swaps it in.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import threading
import time
import uuid
from typing import TYPE_CHECKING

from headwater.codeserver.location_process import LoadReport, Reply
from headwater.codeserver.tick_evaluator import TICK_METHODS, TickEvaluator
from headwater.core.origins import LocationOrigin
from headwater.processes import flush_std_streams
from headwater.snapshot.errors import ErrorInfo

if TYPE_CHECKING:
    from headwater.codeserver.location_handlers import LoadedLocation


class InProcessLocation:
    """The location, loaded (or failing to load) in this process by :meth:`load`."""

    def __init__(self, origin: LocationOrigin) -> None:
        self.origin = origin
        self.server_id = str(uuid.uuid4())
        self.load_time = time.time()
        self.load_seconds = 0.0
        self.load_error: ErrorInfo | None = None
        self.snapshot: bytes | None = None
        #: Never set: a location in this process cannot die without the server.
        self.broken = False
        self._location: LoadedLocation | None = None
        self._lock = threading.Lock()
        self._settled = threading.Event()
        self._started = time.perf_counter()
        #: Schedule and sensor ticks run in a child process (user code may end its process).
        self._ticks = TickEvaluator(origin)

    @property
    def running_pid(self) -> int | None:
        """This process's id while the loaded location serves calls; ``None`` otherwise."""
        return os.getpid() if self._location is not None else None

    def load(self) -> None:
        """Import the location and build its snapshot in the calling thread.

        Switches the collector back on afterwards (the server starts with it off). A load
        that ends after the startup timeout changes nothing: the timeout error stays.
        """
        from headwater.codeserver.location_handlers import LoadedLocation
        from headwater.loading.user_errors import user_error_info

        location: LoadedLocation | None
        try:
            location, report = LoadedLocation.load(json.dumps(self.origin.to_dict()))
        except BaseException as exc:  # noqa: BLE001 - KeyboardInterrupt from user code
            location, report = None, LoadReport(time.perf_counter() - self._started, None,
                                                user_error_info(exc))
        finally:
            # What loaded lives as long as the process: keep it out of collections.
            gc.freeze()
            gc.enable()
        with self._lock:
            if self._settled.is_set():
                return  # the startup timeout passed: its error is what the server shows
            self._location = location
            self.snapshot = report.snapshot
            self.load_error = report.error
            self._finish()

    def _finish(self) -> None:
        self.load_seconds = time.perf_counter() - self._started
        self.load_time = time.time()
        self._settled.set()

    def wait_until_loaded(self, startup_timeout: float) -> None:
        """Wait until :meth:`load` (running in another thread) ends, at most the timeout.

        An import still running at the timeout keeps running (it cannot be stopped in this
        process); the location's error then says so.
        """
        self._ticks.startup_timeout = startup_timeout
        if self._settled.wait(startup_timeout):
            return
        with self._lock:
            if self._settled.is_set():
                return
            label = f"Location '{self.origin.location_name}' ({self.origin.describe()})"
            self.load_error = ErrorInfo(
                message=f"{label} did not finish loading within {startup_timeout:g} s (its "
                        f"import still runs in the code server, pid {os.getpid()}, until "
                        "the server stops). Does its module block at import? Raise the "
                        "limit with --startup-timeout.",
                class_name="TimeoutError")
            self._finish()
        gc.enable()

    def call(self, method: str, payload: bytes) -> Reply:
        """Answer one call in the calling thread (calls run concurrently)."""
        location = self._location
        if location is None:
            return Reply(error=ErrorInfo(
                message=f"Location '{self.origin.location_name}' is not running; reload it.",
                class_name="LoadError"), kind="unavailable")
        if method in TICK_METHODS:
            return self._ticks.call(method, payload)
        try:
            return location.handle(method, payload)
        except BaseException as exc:  # noqa: BLE001 - SystemExit from user code: its error
            from headwater.loading.user_errors import user_error_info

            return Reply(error=user_error_info(exc))

    def stop(self, wait: bool = True, grace: float = 2.0) -> None:
        """Stop serving calls (the imported code stays in memory until the process exits)."""
        del wait, grace  # calls in flight finish in their own threads
        self._location = None
        self._ticks.stop()

    def kill(self) -> None:
        """Stop serving calls at once."""
        self.stop(wait=False)


def exit_in_process_server(code: int) -> None:
    """End an in-process server's process now, with ``code``.

    Threads of the user's code (a hung import, a thread started at import, a slow sensor)
    must not keep it alive, so it exits without waiting for them; processes the user's code
    started in the server's process group are killed when the server leads its own session,
    as a location process's group would be (run workers run in sessions of their own and
    keep running).
    """
    flush_std_streams()
    # Only a server leading a session of its own (as hosts start them) owns its group: in
    # a shell's job, the group may hold the other commands of a pipeline.
    if os.name == "posix" and os.getsid(0) == os.getpid():
        for pid in _others_in_own_group():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    os._exit(code)


def _others_in_own_group() -> list[int]:
    """The other processes of this process's group (Linux ``/proc``; none elsewhere)."""
    me, group = os.getpid(), os.getpgrp()
    found = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and fields[2] == str(group):
            found.append(int(entry))
    return found
