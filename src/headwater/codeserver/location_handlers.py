"""What the location process does with each call: runs, schedule and sensor ticks.

This module runs only in the location process (it imports the user's code); each handler
takes a request envelope and answers a :class:`Reply`.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from headwater.codeserver import protocol as p
from headwater.codeserver.location_process import LoadReport, Reply
from headwater.codeserver.worker_reaper import WorkerReaper
from headwater.core.origins import LocationOrigin, origin_from_dict
from headwater.errors import HeadwaterError, NotFoundError
from headwater.loading.discovery import LoadedDefinitions
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
        self._workers = WorkerReaper()
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
        from headwater.celery.launcher import launch_run  # subprocess or Celery, per config

        request = p.decode(payload, p.LaunchRunRequest)
        self._fill_in_origin(request.run_id)
        launched = launch_run(self.instance, request.run_id)
        if launched.process is not None:
            self._workers.add(request.run_id, launched.process)
        return Reply(p.encode(p.LaunchRunResult(launched.pid)))

    def _fill_in_origin(self, run_id: str) -> None:
        """Store this server's origin in a queued run submitted without one (a run of a
        ``grpc_server`` location: the host does not know where the code is)."""
        from headwater.core.run_status import RunStatus

        run = self.instance.storage.get_run(run_id)
        if run is None or run.origin is not None or run.status is not RunStatus.QUEUED:
            return  # launching reports a missing or already launched run
        origin = self.origin
        if run.location_name and run.location_name != origin.location_name:
            # The run belongs to the location as the host names it.
            origin = dataclasses.replace(origin, location_name=run.location_name)
        self.instance.storage.set_run_origin(run_id, origin.to_dict())

    def _cancel_run(self, payload: bytes) -> Reply:
        from headwater.celery.launcher import cancel_launched_run

        request = p.decode(payload, p.CancelRunRequest)
        canceled = cancel_launched_run(self.instance, request.run_id)
        return Reply(p.encode(p.CancelRunResult(canceled)))

    def _list_runs(self, payload: bytes) -> Reply:
        p.decode(payload, p.Empty)
        runs = [p.RunWorkerInfo(run_id, pid, alive)
                for run_id, pid, alive in self._workers.workers()]
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
        from headwater.definitions.automation.schedule_context import build_schedule_context

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
        request = p.decode(payload, p.SensorTickRequest)
        repository = self._repository(request.repository_name)
        sensor = repository.get_sensor(request.sensor_name)
        try:
            result = self._sensor_tick(sensor, repository, request)
        except Exception as exc:  # noqa: BLE001 - user code (or its storage): the tick's error
            return Reply(p.encode(p.TickResult(cursor=request.cursor,
                                               error=user_error_info(exc))))
        return Reply(p.encode(p.TickResult(
            run_requests=[_run_request_snap(r) for r in result.run_requests],
            skip_message=result.skip_message, cursor=result.cursor,
            dynamic_partitions_requests=[
                _partitions_request_snap(r)
                for r in getattr(result, "dynamic_partitions_requests", None) or []])))

    def _sensor_tick(self, sensor: Any, repository: Any, request: p.SensorTickRequest) -> Any:
        """Evaluate one tick of any kind of sensor; asset and run-status sensors read the
        instance (see :mod:`headwater.codeserver.storage_sensors`)."""
        from headwater.definitions.automation.asset_sensors import AssetSensorDefinition
        from headwater.definitions.automation.run_status_sensors import RunStatusSensorDefinition

        if isinstance(sensor, (AssetSensorDefinition, RunStatusSensorDefinition)):
            from headwater.codeserver import storage_sensors as ss

            scope = ss.SensorScope(self.instance, repository.name, repository.resources,
                                   self.origin)
            if isinstance(sensor, AssetSensorDefinition):
                return ss.evaluate_asset_sensor(sensor, scope, request.cursor)
            return ss.evaluate_run_status_sensor(sensor, scope, request.cursor)
        from headwater.definitions.automation.sensor_contexts import build_sensor_context

        context = build_sensor_context(
            instance=self._lazy_instance(), cursor=request.cursor,
            repository_name=repository.name, resources=repository.resources,
            last_tick_completion_time=request.last_tick_completion_time,
            last_run_key=request.last_run_key)
        return sensor.evaluate_tick(context)

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
        asset_check_selection=(
            [[*check.asset_key.path, check.name] for check in request.asset_check_keys]
            if request.asset_check_keys is not None else None),
    )


def _partitions_request_snap(request: Any) -> p.DynamicPartitionsRequestSnap:
    from headwater.definitions.partitions.dynamic import DeleteDynamicPartitionsRequest

    action = "delete" if isinstance(request, DeleteDynamicPartitionsRequest) else "add"
    return p.DynamicPartitionsRequestSnap(action=action,
                                          partitions_def_name=request.partitions_def_name,
                                          partition_keys=list(request.partition_keys))
