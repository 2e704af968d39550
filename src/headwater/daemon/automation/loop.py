"""The daemon loop of automation condition sensors: one evaluation per sensor and interval.

Each tick evaluates the sensor's assets from its location's snapshot and the instance, then:

1. records a STARTED tick;
2. stores one QUEUED run per planned group, each with a run key made of the sensor, the
   evaluation id and the group (a run key already used by the sensor is skipped);
3. stores the changed evaluation trees and the new cursor (in the sensor's state);
4. finishes the tick with the runs.

A daemon killed between 2 and 3 evaluates again with the same evaluation id on restart, and
the requests it repeats carry run keys that exist already, so no run is requested twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import msgspec

from headwater.codeserver.protocol import RunRequestSnap
from headwater.core.names import SENSOR_NAME_TAG
from headwater.daemon.automation.assets import AssetCatalog
from headwater.daemon.automation.cursor import AutomationCursor
from headwater.daemon.automation.evaluator import TickEvaluation
from headwater.daemon.automation.tick import (
    AUTOMATION_SENSOR_TAG,
    EVALUATION_ID_TAG,
    build_catalog,
    evaluate_tick,
    plan_runs,
)
from headwater.daemon.instigators import (
    Instigator,
    error_info,
    find_instigators,
    finish_tick,
    load_states,
    running_state,
    start_tick,
    submit_requests,
)
from headwater.daemon.sensors import is_automation_sensor
from headwater.snapshot.automation_sensors import DEFAULT_AUTOMATION_SENSOR_NAME
from headwater.snapshot.location import SensorSnap
from headwater.snapshot.runs import InstigatorState, InstigatorType, TickStatus
from headwater.storage.sql_automation import AutomationEvaluationRecord

if TYPE_CHECKING:
    from headwater.storage.instance import Instance
    from headwater.workspace.workspace import Workspace

logger = logging.getLogger(__name__)

SENSOR = InstigatorType.SENSOR

#: Seconds between two evaluations of an automation sensor, unless configured.
DEFAULT_INTERVAL = 30.0


class AutomationLoop:
    """Evaluates due automation condition sensors; call :meth:`iterate` with the time.

    Args:
        workspace: the loaded code locations (only their snapshots are read).
        instance: where states, ticks, runs and evaluations are stored.
        clock: the time (epoch seconds).
        on_runs: called after a tick created runs (wakes the run queue).
        default_interval: the least time between two evaluations of a location's
            ``default_automation_condition_sensor`` (headwater.yaml's
            ``auto_materialize.minimum_interval_seconds``); other automation sensors use their
            own ``minimum_interval_seconds``.
    """

    def __init__(self, workspace: Workspace, instance: Instance, *,
                 clock: Callable[[], float] = time.time,
                 on_runs: Callable[[], None] = lambda: None,
                 default_interval: float = DEFAULT_INTERVAL) -> None:
        self.default_interval = default_interval
        self.workspace = workspace
        self.instance = instance
        self.clock = clock
        self.on_runs = on_runs
        self._next_due: dict[tuple[str, str, str], float] = {}
        self._cursors: dict[tuple[str, str, str], tuple[str | None, AutomationCursor]] = {}
        self._lock = threading.Lock()
        self.evaluations = 0

    def iterate(self, now: float) -> int:
        """Evaluate every due automation sensor; how many were evaluated."""
        with self._lock:
            sensors = [sensor for sensor in find_instigators(self.workspace, SENSOR)
                       if is_automation_sensor(sensor) and now >= self._due(sensor)]
            if not sensors:
                return 0
            states = load_states(self.instance, SENSOR)
            done = 0
            for sensor in sensors:
                state = running_state(self.instance, sensor, now, states)
                if state is None:
                    continue
                try:
                    self.evaluate(sensor, state, now)
                    done += 1
                except Exception:  # noqa: BLE001 - one sensor's trouble stops no other
                    logger.exception("Automation sensor '%s' of location '%s' failed",
                                     sensor.name, sensor.location)
                finally:
                    self._next_due[sensor.key] = now + self._interval(sensor)
            return done

    def _interval(self, sensor: Instigator) -> float:
        if sensor.name == DEFAULT_AUTOMATION_SENSOR_NAME:
            return self.default_interval
        return float(getattr(sensor.snap, "minimum_interval_seconds", DEFAULT_INTERVAL))

    def _due(self, sensor: Instigator) -> float:
        due = self._next_due.get(sensor.key)
        if due is None:
            ticks = self.instance.storage.get_ticks(sensor.location, sensor.name,
                                                    InstigatorType.SENSOR, limit=1)
            due = (ticks[0].timestamp + self._interval(sensor)) if ticks else 0.0
            self._next_due[sensor.key] = due
        return due

    def evaluate(self, sensor: Instigator, state: InstigatorState, now: float) -> None:
        """One tick of one automation sensor."""
        cursor = self._cursor(sensor, state)
        catalog = self._catalog(sensor, now)
        evaluation = evaluate_tick(catalog, self.instance, cursor, now)
        evaluation_id = evaluation.cursor.evaluation_id
        tick = start_tick(self.instance, sensor, now)
        run_tags = sensor.snap.run_tags if isinstance(sensor.snap, SensorSnap) else {}
        tags = {**run_tags, EVALUATION_ID_TAG: str(evaluation_id),
                AUTOMATION_SENSOR_TAG: sensor.name}
        requests = [RunRequestSnap(
            run_key=run.run_key, job_name=None, run_config={}, tags=dict(tags),
            asset_selection=run.asset_selection, partition_key=run.partition_key,
            asset_check_selection=run.asset_check_selection)
            for run in plan_runs(catalog, evaluation, sensor.name)]
        try:
            submitted = submit_requests(self.workspace, self.instance, sensor, requests,
                                        SENSOR_NAME_TAG)
        except Exception as exc:  # noqa: BLE001 - recorded as the tick's failure
            finish_tick(self.instance, tick, TickStatus.FAILURE, self.clock(),
                        error=error_info(exc))
            return
        self._store(sensor, catalog, evaluation, now)
        encoded = evaluation.cursor.encode()
        self._save_cursor(sensor, encoded, evaluation.cursor)
        self.evaluations += 1
        requested = sum(len(parts) for parts in evaluation.requested.values())
        if submitted.run_ids:
            self.on_runs()
            finish_tick(self.instance, tick, TickStatus.SUCCESS, self.clock(),
                        run_ids=submitted.run_ids, run_keys=submitted.run_keys,
                        cursor=str(evaluation_id))
            return
        reason = (f"Evaluation {evaluation_id}: {requested} asset partitions requested, "
                  "already launched before." if requested
                  else f"Evaluation {evaluation_id}: no asset's condition was true.")
        finish_tick(self.instance, tick, TickStatus.SKIPPED, self.clock(),
                    cursor=str(evaluation_id), skip_reason=reason)

    def _cursor(self, sensor: Instigator, state: InstigatorState) -> AutomationCursor:
        cached = self._cursors.get(sensor.key)
        if cached is not None and cached[0] == state.cursor:
            return cached[1]
        return AutomationCursor.decode(state.cursor)

    def _catalog(self, sensor: Instigator, now: float) -> AssetCatalog:
        assert isinstance(sensor.snap, SensorSnap)
        entry = self.workspace.get_entries_by_name()[sensor.location]
        assert entry.snapshot is not None
        repos = [(sensor.location, sensor.repository, repo)
                 for repo in entry.snapshot.repositories
                 if sensor.repository is None or repo.name == sensor.repository]
        selected = {"/".join(key) for key in sensor.snap.asset_selection or []}
        return build_catalog(repos, now, self.instance, selected)

    def _store(self, sensor: Instigator, catalog: AssetCatalog, evaluation: TickEvaluation,
               now: float) -> None:
        records = []
        for key in sorted(evaluation.changed):
            view = catalog.assets[key]
            if view.tree is None:
                continue
            records.append(AutomationEvaluationRecord(
                asset_key=view.path, evaluation_id=evaluation.cursor.evaluation_id,
                sensor_name=sensor.name, location_name=sensor.location, timestamp=now,
                num_requested=len(evaluation.requested.get(key, ())),
                tree=evaluation.traces[key].to_tree(view.tree), check_name=view.check_name))
        self.instance.storage.add_automation_evaluations(records)

    def _save_cursor(self, sensor: Instigator, encoded: str, cursor: AutomationCursor) -> None:
        storage = self.instance.storage
        current = storage.get_instigator_state(sensor.location, sensor.name,
                                               InstigatorType.SENSOR)
        if current is not None:
            storage.set_instigator_state(msgspec.structs.replace(current, cursor=encoded))
        self._cursors[sensor.key] = (encoded, cursor)
