"""The sensor loop: evaluate each running sensor every ``minimum_interval_seconds``.

Evaluations run in a thread pool, each through the sensor's code server, so one slow sensor
never delays the others. An evaluation slower than ``evaluation_timeout`` gets a FAILURE tick
at once; its late answer is ignored and the sensor is evaluated again once that call ended.
The cursor a tick returns is stored with the sensor's state; run requests whose run key the
sensor requested before are skipped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import msgspec

from headwater.codeserver.protocol import TickResult
from headwater.core.names import SENSOR_NAME_TAG
from headwater.daemon.instigators import (
    Instigator,
    StateMap,
    error_info,
    find_instigators,
    finish_tick,
    load_states,
    running_state,
    start_tick,
    submit_requests,
)
from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.location import SensorSnap, SensorType
from headwater.snapshot.runs import InstigatorState, InstigatorType, TickRecord, TickStatus
from headwater.storage.daemon_config import SensorSettings
from headwater.workspace.runs import RunSubmissionError

if TYPE_CHECKING:
    from headwater.storage.instance import Instance
    from headwater.workspace.workspace import Workspace

logger = logging.getLogger(__name__)

Key = tuple[str, str, str]


@dataclass
class _Flight:
    """One evaluation in progress."""

    started: float
    future: Future[None] | None = None
    tick: TickRecord | None = None
    abandoned: bool = False
    finishing: bool = False


@dataclass
class _History:
    """What the next evaluation of a sensor needs from the previous ones."""

    next_due: float = 0.0
    last_completion: float | None = None
    last_run_key: str | None = None
    loaded: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


class SensorLoop:
    """Submits due sensor evaluations; call :meth:`iterate` with the current time.

    Args:
        workspace: where the sensors' code servers are.
        instance: where states, ticks and runs are stored.
        settings: the evaluation timeout and the number of evaluations at once.
        clock: the time (epoch seconds) for tick timestamps and intervals.
        on_runs: called after a tick created runs (wakes the run queue).
    """

    def __init__(self, workspace: Workspace, instance: Instance,
                 settings: SensorSettings | None = None, *,
                 clock: Callable[[], float] = time.time,
                 on_runs: Callable[[], None] = lambda: None) -> None:
        self.workspace = workspace
        self.instance = instance
        self.settings = settings or SensorSettings()
        self.clock = clock
        self.on_runs = on_runs
        self._pool = ThreadPoolExecutor(max_workers=self.settings.max_workers,
                                        thread_name_prefix="headwater-sensor")
        self._lock = threading.Lock()
        self._flights: dict[Key, _Flight] = {}
        self._history: dict[Key, _History] = {}
        self.evaluations = 0

    def iterate(self, now: float) -> int:
        """Time out slow evaluations and submit the due ones; how many were submitted."""
        self._reap(now)
        due = [sensor for sensor in find_instigators(self.workspace, InstigatorType.SENSOR)
               if not is_automation_sensor(sensor) and self._is_due(sensor, now)]
        if not due:
            return 0
        states = load_states(self.instance, InstigatorType.SENSOR)
        submitted = 0
        for sensor in due:
            try:
                if self._submit(sensor, now, states):
                    submitted += 1
            except Exception:  # noqa: BLE001 - one sensor's storage trouble stops no other
                logger.exception("Sensor '%s' of location '%s' could not be submitted",
                                 sensor.name, sensor.location)
        return submitted

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no evaluation is in progress (tests); whether that happened."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if not self._flights:
                    return True
            time.sleep(0.005)
        return False

    def shutdown(self) -> None:
        """Stop accepting evaluations; running ones finish in the background."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _is_due(self, sensor: Instigator, now: float) -> bool:
        with self._lock:
            if sensor.key in self._flights:
                return False
            history = self._history.setdefault(sensor.key, _History())
        return now >= history.next_due

    def _submit(self, sensor: Instigator, now: float, states: StateMap) -> bool:
        assert isinstance(sensor.snap, SensorSnap)
        history = self._history[sensor.key]
        state = running_state(self.instance, sensor, now, states)
        if state is None:
            history.next_due = now + 1.0  # look again in a second whether it was turned on
            return False
        if not history.loaded:
            self._load_history(sensor, history)
            if now < history.next_due:
                return False
        interval = sensor.snap.minimum_interval_seconds
        # Keep the rhythm (no drift by the loop's polling delay) unless evaluation fell behind.
        history.next_due = (history.next_due if now - history.next_due < interval
                            else now) + interval
        flight = _Flight(started=time.monotonic())
        with self._lock:
            self._flights[sensor.key] = flight
        flight.future = self._pool.submit(self._evaluate, sensor, state, now, flight, history)
        return True

    def _load_history(self, sensor: Instigator, history: _History) -> None:
        assert isinstance(sensor.snap, SensorSnap)
        ticks = self.instance.storage.get_ticks(sensor.location, sensor.name,
                                                InstigatorType.SENSOR, limit=20)
        if ticks:
            history.next_due = ticks[0].timestamp + sensor.snap.minimum_interval_seconds
            history.last_completion = ticks[0].end_timestamp
            if ticks[0].status is TickStatus.STARTED:  # a daemon stopped mid-evaluation
                finish_tick(self.instance, ticks[0], TickStatus.FAILURE, self.clock(),
                            error=ErrorInfo(message="The daemon stopped before this "
                                                    "evaluation finished.",
                                            class_name="DaemonInterrupted"))
        for tick in ticks:
            if tick.run_keys:
                history.last_run_key = tick.run_keys[-1]
                break
        history.loaded = True

    def _reap(self, now: float) -> None:
        timeout = self.settings.evaluation_timeout
        expired: list[_Flight] = []
        with self._lock:
            for flight in self._flights.values():
                if (not flight.abandoned and not flight.finishing and flight.tick is not None
                      and time.monotonic() - flight.started > timeout):
                    flight.abandoned = True
                    expired.append(flight)
        for flight in expired:
            assert flight.tick is not None
            finish_tick(self.instance, flight.tick, TickStatus.FAILURE, now, error=ErrorInfo(
                message=f"The sensor evaluation did not finish within {timeout:g} s (sensors."
                        "evaluation_timeout in headwater.yaml); it is evaluated again once the "
                        "slow call ends.",
                class_name="SensorTimeoutError"))

    def _evaluate(self, sensor: Instigator, state: InstigatorState, now: float,
                  flight: _Flight, history: _History) -> None:
        try:
            tick = start_tick(self.instance, sensor, now)
            with self._lock:
                flight.tick = tick
            result = self._call(sensor, state, history)
            with self._lock:
                if flight.abandoned:
                    return
                flight.finishing = True
            self._record(sensor, tick, result, history)
        except Exception:  # noqa: BLE001 - a thread pool swallows it otherwise
            logger.exception("Evaluating sensor '%s' failed", sensor.name)
        finally:
            with self._lock:
                self.evaluations += 1
                if self._flights.get(sensor.key) is flight:
                    del self._flights[sensor.key]

    def _call(self, sensor: Instigator, state: InstigatorState,
              history: _History) -> TickResult | Exception:
        try:
            client = self.workspace.client(sensor.location)
            return client.evaluate_sensor(
                sensor.name, state.cursor, last_tick_completion_time=history.last_completion,
                last_run_key=history.last_run_key, repository_name=sensor.repository)
        except Exception as exc:  # noqa: BLE001 - recorded as the tick's failure
            return exc

    def _record(self, sensor: Instigator, tick: TickRecord, result: TickResult | Exception,
                history: _History) -> None:
        finished = self.clock()
        history.last_completion = finished
        if isinstance(result, Exception):
            finish_tick(self.instance, tick, TickStatus.FAILURE, finished,
                        error=error_info(result), cursor=tick.cursor)
            return
        self._store_cursor(sensor, result.cursor)
        if result.error is not None:
            finish_tick(self.instance, tick, TickStatus.FAILURE, finished, error=result.error,
                        cursor=result.cursor)
            return
        apply_partitions_requests(self.instance, result.dynamic_partitions_requests)
        if not result.run_requests:
            finish_tick(self.instance, tick, TickStatus.SKIPPED, finished, cursor=result.cursor,
                        skip_reason=result.skip_message)
            return
        try:
            submitted = submit_requests(self.workspace, self.instance, sensor,
                                        result.run_requests, SENSOR_NAME_TAG)
        except RunSubmissionError as exc:
            finish_tick(self.instance, tick, TickStatus.FAILURE, finished,
                        error=error_info(exc), cursor=result.cursor)
            return
        if submitted.run_keys:
            history.last_run_key = submitted.run_keys[-1]
        if submitted.run_ids:
            self.on_runs()
            finish_tick(self.instance, tick, TickStatus.SUCCESS, finished,
                        run_ids=submitted.run_ids, run_keys=submitted.run_keys,
                        cursor=result.cursor)
            return
        finish_tick(self.instance, tick, TickStatus.SKIPPED, finished, cursor=result.cursor,
                    skip_reason="Runs with these run keys were requested before: "
                                + ", ".join(submitted.already_requested) + ".")

    def _store_cursor(self, sensor: Instigator, cursor: str | None) -> None:
        storage = self.instance.storage
        current = storage.get_instigator_state(sensor.location, sensor.name,
                                               InstigatorType.SENSOR)
        if current is not None and current.cursor != cursor:
            storage.set_instigator_state(msgspec.structs.replace(current, cursor=cursor))


def is_automation_sensor(sensor: Instigator) -> bool:
    """Whether the daemon evaluates this sensor itself (automation conditions)."""
    return isinstance(sensor.snap, SensorSnap) and sensor.snap.sensor_type is SensorType.AUTOMATION


def apply_partitions_requests(instance: Instance, requests: Sequence[Any]) -> None:
    """Add and delete dynamic partition keys a sensor asked for, in order (before its runs)."""
    storage = instance.storage
    for request in requests:
        if request.action == "delete":
            for key in request.partition_keys:
                storage.delete_dynamic_partition(request.partitions_def_name, key)
        else:  # the storage keeps a key added twice once
            storage.add_dynamic_partitions(request.partitions_def_name, request.partition_keys)
