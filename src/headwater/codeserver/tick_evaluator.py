"""Schedule and sensor ticks of an in-process code server, evaluated in a child process.

An in-process code server imports the location in its own process to serve runs, but a
sensor or schedule runs user code on every tick, and user code may end its process
(``os._exit``, a crashing extension). So ticks go to a location process of their own (the
same child a standalone server uses), started on the first tick and again after one ended
it. A tick whose evaluation ended the process fails on its own, with an error naming the
sensor or schedule and how the process ended; the server keeps serving the location.
"""

from __future__ import annotations

import threading

from headwater.codeserver import protocol as p
from headwater.codeserver.location_process import LocationProcess, Reply
from headwater.core.origins import LocationOrigin
from headwater.processes import describe_exit
from headwater.snapshot.errors import ErrorInfo

#: The calls answered by the evaluation process.
TICK_METHODS = frozenset({p.EVALUATE_SCHEDULE, p.EVALUATE_SENSOR})


class TickEvaluator:
    """Starts (and restarts) the evaluation process and forwards ticks to it."""

    def __init__(self, origin: LocationOrigin, startup_timeout: float = 180.0) -> None:
        self.origin = origin
        self.startup_timeout = startup_timeout
        self._process: LocationProcess | None = None
        self._lock = threading.Lock()
        self._stopped = False

    @property
    def pid(self) -> int | None:
        """The evaluation process's id while it runs."""
        process = self._process
        return process.running_pid if process is not None else None

    def call(self, method: str, payload: bytes) -> Reply:
        """Evaluate one tick in the evaluation process."""
        process = self._current()
        if process is None:
            return Reply(error=ErrorInfo(message="The code server is stopping.",
                                         class_name="LoadError"), kind="unavailable")
        if process.load_error is not None:
            self._discard(process)  # the next tick tries again
            return Reply(error=process.load_error)
        reply = process.call(method, payload)
        if not process.broken:
            return reply
        process.kill()
        self._discard(process)
        return _ended_tick(method, payload, describe_exit(_returncode(process)))

    def stop(self) -> None:
        """Stop the evaluation process (ticks in flight fail)."""
        with self._lock:
            self._stopped = True
            process, self._process = self._process, None
        if process is not None:
            process.stop(wait=False)

    def _current(self) -> LocationProcess | None:
        with self._lock:
            if self._stopped:
                return None
            if self._process is None:
                self._process = LocationProcess.start(self.origin, self.startup_timeout)
            return self._process

    def _discard(self, process: LocationProcess) -> None:
        with self._lock:
            if self._process is process:
                self._process = None
        process.stop(wait=False)


def _returncode(process: LocationProcess) -> int | None:
    popen = process._process  # noqa: SLF001 - the handle's own process, to say how it ended
    return popen.poll() if popen is not None else None


def _ended_tick(method: str, payload: bytes, how: str) -> Reply:
    """The failed tick of an evaluation that ended its process."""
    if method == p.EVALUATE_SENSOR:
        sensor = p.decode(payload, p.SensorTickRequest)
        kind, name, cursor = "Sensor", sensor.sensor_name, sensor.cursor
    else:
        schedule = p.decode(payload, p.ScheduleTickRequest)
        kind, name, cursor = "Schedule", schedule.schedule_name, None
    error = ErrorInfo(
        message=f"{kind} '{name}' ended the process evaluating it: the process {how}. The "
                "tick failed; the code server goes on serving the location, and the next "
                f"tick is evaluated in a new process. Check what the {kind.lower()} calls "
                "(os._exit, sys.exit in a thread, a crashing extension module).",
        class_name="TickProcessExited")
    return Reply(p.encode(p.TickResult(cursor=cursor, error=error)))
