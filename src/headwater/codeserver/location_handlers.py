"""What the location process does with each call: runs, schedule and sensor ticks.

This module runs only in the location process (it imports the user's code); each handler
takes a request envelope and answers a :class:`Reply`.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from headwater.codeserver import protocol as p
from headwater.codeserver.location_process import LoadReport, Reply
from headwater.errors import HeadwaterError, NotFoundError
from headwater.loading.discovery import LoadedDefinitions
from headwater.loading.origins import LocationOrigin, origin_from_dict
from headwater.loading.user_errors import user_error_info
from headwater.snapshot.errors import ErrorInfo

if TYPE_CHECKING:
    from headwater.storage.instance import Instance


class LoadedLocation:
    """The user's definitions, loaded in this process, and the run workers started here."""

    def __init__(self, origin: LocationOrigin, loaded: LoadedDefinitions) -> None:
        self.origin = origin
        self.loaded = loaded
        self._instance: Instance | None = None
        self._workers: dict[str, subprocess.Popen[bytes]] = {}
        self._handlers: dict[str, Callable[[bytes], Reply]] = {
            p.LAUNCH_RUN: self._launch_run,
            p.CANCEL_RUN: self._cancel_run,
            p.EVALUATE_SCHEDULE: self._evaluate_schedule,
            p.EVALUATE_SENSOR: self._evaluate_sensor,
            p.LIST_RUNS: self._list_runs,
        }

    @classmethod
    def load(cls, origin_json: str) -> tuple[LoadedLocation | None, LoadReport]:
        """Import the location and build its snapshot; errors come back as plain data."""
        from headwater.loading.load_origin import load_origin
        from headwater.snapshot.build import build_location_snapshot
        from headwater.snapshot.versioning import encode_snapshot, gc_paused

        started = time.perf_counter()
        try:
            origin = origin_from_dict(json.loads(origin_json))
            loaded = load_origin(origin)
            with gc_paused():
                snapshot = encode_snapshot(
                    build_location_snapshot(origin.location_name, loaded.repositories))
        except BaseException as exc:  # noqa: BLE001 - SystemExit from user code fails the load
            if isinstance(exc, KeyboardInterrupt):
                raise
            return None, LoadReport(time.perf_counter() - started, None, user_error_info(exc))
        return cls(origin, loaded), LoadReport(time.perf_counter() - started, snapshot, None)

    def handle(self, method: str, payload: bytes) -> Reply:
        """Answer one call; every failure becomes an error reply."""
        handler = self._handlers.get(method)
        if handler is None:
            return Reply(error=ErrorInfo(message=f"Unknown method '{method}'.",
                                         class_name="ProtocolError"), kind="unimplemented")
        try:
            return handler(payload)
        except p.ProtocolError as exc:
            return Reply(error=ErrorInfo(message=str(exc), class_name="ProtocolError"),
                         kind="invalid_argument")
        except NotFoundError as exc:
            return Reply(error=user_error_info(exc), kind="not_found")
        except Exception as exc:  # noqa: BLE001 - reported to the caller, never fatal here
            return Reply(error=user_error_info(exc))

    # -- runs ---------------------------------------------------------------------------

    @property
    def instance(self) -> Instance:
        """The instance of ``$HEADWATER_HOME``, opened on first use."""
        if self._instance is None:
            from headwater.storage.instance import Instance

            self._instance = Instance.get()
        return self._instance

    def _launch_run(self, payload: bytes) -> Reply:
        from headwater.execution.launch import launch_run_worker

        request = p.decode(payload, p.LaunchRunRequest)
        process = launch_run_worker(self.instance, request.run_id)
        self._workers[request.run_id] = process
        return Reply(p.encode(p.LaunchRunResult(process.pid)))

    def _cancel_run(self, payload: bytes) -> Reply:
        from headwater.execution.launch import cancel_run

        request = p.decode(payload, p.CancelRunRequest)
        return Reply(p.encode(p.CancelRunResult(cancel_run(self.instance, request.run_id))))

    def _list_runs(self, payload: bytes) -> Reply:
        p.decode(payload, p.Empty)
        runs = [p.RunWorkerInfo(run_id, process.pid, process.poll() is None)
                for run_id, process in self._workers.items()]
        return Reply(p.encode(p.ListRunsResult(runs)))

    # -- ticks --------------------------------------------------------------------------

    def _repository(self, name: str | None) -> Any:
        repositories = self.loaded.repositories
        if name is None:
            return self.loaded.repository
        if name not in repositories:
            raise NotFoundError(
                f"No repository named '{name}' in location '{self.origin.location_name}'; "
                f"it has: {', '.join(sorted(repositories))}.")
        return repositories[name]

    def _evaluate_schedule(self, payload: bytes) -> Reply:
        from headwater.definitions.schedule_context import build_schedule_context

        request = p.decode(payload, p.ScheduleTickRequest)
        repository = self._repository(request.repository_name)
        schedule = repository.get_schedule(request.schedule_name)
        when = datetime.fromtimestamp(request.scheduled_execution_time, tz=timezone.utc)
        try:
            context = build_schedule_context(
                instance=self._lazy_instance(), scheduled_execution_time=when,
                resources=repository.resources, repository_name=repository.name)
            result = schedule.evaluate_tick(context)
        except Exception as exc:  # noqa: BLE001 - user code: the tick's error
            return Reply(p.encode(p.TickResult(error=user_error_info(exc))))
        return Reply(p.encode(p.TickResult(
            run_requests=[_run_request_snap(r) for r in result.run_requests],
            skip_message=result.skip_message)))

    def _evaluate_sensor(self, payload: bytes) -> Reply:
        from headwater.definitions.asset_sensors import AssetSensorDefinition
        from headwater.definitions.run_status_sensors import RunStatusSensorDefinition
        from headwater.definitions.sensor_contexts import build_sensor_context

        request = p.decode(payload, p.SensorTickRequest)
        repository = self._repository(request.repository_name)
        sensor = repository.get_sensor(request.sensor_name)
        if isinstance(sensor, (AssetSensorDefinition, RunStatusSensorDefinition)):
            raise HeadwaterError(
                f"Sensor '{request.sensor_name}' is a {type(sensor).__name__}; evaluating it "
                "through the code server is not supported by this RPC yet.")
        try:
            context = build_sensor_context(
                instance=self._lazy_instance(), cursor=request.cursor,
                repository_name=repository.name, resources=repository.resources,
                last_tick_completion_time=request.last_tick_completion_time,
                last_run_key=request.last_run_key)
            result = sensor.evaluate_tick(context)
        except Exception as exc:  # noqa: BLE001 - user code: the tick's error
            return Reply(p.encode(p.TickResult(cursor=request.cursor,
                                               error=user_error_info(exc))))
        return Reply(p.encode(p.TickResult(
            run_requests=[_run_request_snap(r) for r in result.run_requests],
            skip_message=result.skip_message, cursor=result.cursor)))

    def _lazy_instance(self) -> Instance | None:
        if self._instance is None:
            from headwater.storage.instance import Instance

            try:
                self._instance = Instance.get(lazy=True)
            except HeadwaterError:
                return None
        return self._instance


def _run_request_snap(request: Any) -> p.RunRequestSnap:
    selection = request.asset_selection
    return p.RunRequestSnap(
        run_key=request.run_key,
        job_name=request.job_name,
        run_config=dict(request.run_config),
        tags=dict(request.tags),
        asset_selection=(
            [list(key.path) for key in selection] if selection is not None else None),
        partition_key=request.partition_key,
    )
