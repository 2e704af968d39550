"""The asset list, fast: cached items per location snapshot plus the latest state from storage.

``GET /api/assets`` must answer in milliseconds for thousands of assets. The static part of
each item (key, group, deps, ...) is built once per location snapshot. The dynamic part
(latest materialization, latest run status, data versions) comes from one query for every
asset's latest materialization and one for its latest observation, repeated when runs changed
(one of the newest changed status, or the set of runs in progress changed) or after
:data:`MAX_STALENESS` seconds; while runs are in progress, only the assets they target are
re-read (only runs materialize or observe). The encoded response is reused while none of this
changed.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import msgspec

from headwater.core.run_status import RunStatus
from headwater.snapshot.location import AssetSnap, LocationSnapshot
from headwater.snapshot.runs import AssetCheckRecord, AssetEventRecord, RunRecord, RunsFilter
from headwater.storage.instance import Instance
from headwater.webserver.asset_health import (
    DataVersions,
    blocking_checks,
    check_items,
    check_status,
    data_versions,
    materialization_code_version,
    running_steps,
    stale_reasons,
)
from headwater.workspace import LocationStatus, Workspace

#: How many of the newest runs give the assets' latest run status.
RECENT_RUNS = 25

#: With more runs in progress than this, every request re-reads every materialization.
MAX_ACTIVE_RUNS = 100

#: Re-read the latest materializations at least this often (seconds), whatever else happens
#: (events stored by other means than runs).
MAX_STALENESS = 60.0

_IN_PROGRESS = [RunStatus.STARTING, RunStatus.STARTED, RunStatus.CANCELING]

_encoder = msgspec.json.Encoder()

Key = tuple[str, ...]


def base_asset_item(location: str, asset: AssetSnap) -> dict[str, Any]:
    """The fields of an asset item that only change with its location's code."""
    return {
        "key": list(asset.key),
        "location": location,
        "group": asset.group_name,
        "description": asset.description,
        "kinds": list(asset.kinds),
        "deps": [list(dep) for dep in asset.deps],
        "partitioned": asset.partitions is not None,
        "is_executable": asset.is_executable,
        "check_names": list(asset.check_names),
        "tags": dict(asset.tags),
        "owners": list(asset.owners),
    }


@dataclass
class _LocationAssets:
    snapshot: LocationSnapshot
    server_id: str | None
    items: list[tuple[Key, dict[str, Any]]]
    #: job name -> the asset keys it materializes (to attribute a job run's status).
    job_assets: dict[str, list[Key]]
    #: asset key -> (op computing it, code version, deps, check names).
    facts: dict[Key, tuple[str | None, str | None, list[Key], list[str]]]
    blocking: dict[Key, dict[str, bool]]
    #: Whether the location failed its last reload (its items are the last good code's).
    reload_failed: bool = False


def _location_assets(location: str, snapshot: LocationSnapshot,
                     server_id: str | None) -> _LocationAssets:
    items: list[tuple[Key, dict[str, Any]]] = []
    job_assets: dict[str, list[Key]] = {}
    facts: dict[Key, tuple[str | None, str | None, list[Key], list[str]]] = {}
    for repo in snapshot.repositories:
        for asset in repo.assets:
            items.append((tuple(asset.key), base_asset_item(location, asset)))
            facts[tuple(asset.key)] = (asset.node_name, asset.code_version,
                                       [tuple(dep) for dep in asset.deps],
                                       list(asset.check_names))
        for job in repo.jobs:
            job_assets[job.name] = [tuple(key) for key in job.asset_selection]
    return _LocationAssets(snapshot, server_id, items, job_assets, facts,
                           blocking_checks(snapshot))


class AssetIndex:
    """Builds (and caches) the ``GET /api/assets`` response of a workspace."""

    def __init__(self, workspace: Workspace, instance: Instance) -> None:
        self.workspace = workspace
        self.instance = instance
        self._lock = threading.Lock()
        self._locations: dict[str, _LocationAssets] = {}
        self._materializations: dict[Key, dict[str, Any]] = {}
        self._materialization_ids: dict[Key, int] = {}
        self._materialized_at = 0.0
        self._version = 0
        self._runs_signature: tuple[tuple[str, str], ...] | None = None
        self._active_ids: frozenset[str] = frozenset()
        self._run_status: dict[tuple[str | None, Key], str] = {}
        self._response_key: tuple[Any, ...] | None = None
        self._response = b""
        self._latest: dict[Key, tuple[int, str | None]] = {}
        self._records: dict[Key, AssetEventRecord] = {}
        self._observations: dict[Key, AssetEventRecord] = {}
        self._versions = DataVersions()
        self._check_id = -1
        self._checks: dict[Key, dict[str, AssetCheckRecord]] = {}
        self._running: dict[str, set[str]] = {}
        self._items_cache: list[dict[str, Any]] = []

    def response(self) -> bytes:
        """The encoded ``{"assets": [...]}`` document."""
        with self._lock:
            locations = self._current_locations()
            self._refresh_state(locations)
            key = (tuple((name, id(found.snapshot), found.reload_failed)
                         for name, found in locations.items()),
                   self._version, self._runs_signature, self._check_id,
                   tuple(sorted((name, tuple(sorted(steps)))
                                for name, steps in self._running.items())))
            if key != self._response_key:
                self._items_cache = self._items(locations)
                self._response = _encoder.encode({"assets": self._items_cache})
                self._response_key = key
            return self._response

    def items(self) -> list[dict[str, Any]]:
        """The items of the last :meth:`response` (call that first to refresh them)."""
        with self._lock:
            return list(self._items_cache)

    def partitioned_response(self) -> bytes:
        """``{"assets": [...]}`` of the partitioned assets only (for backfill forms)."""
        self.response()
        with self._lock:
            return _encoder.encode({"assets": [item for item in self._items_cache
                                               if item["partitioned"]]})

    def health(self, location: str, key: list[str]) -> dict[str, Any]:
        """The health fields of one asset (see :mod:`asset_health`), from fresh state."""
        with self._lock:
            locations = self._current_locations()
            self._refresh_state(locations)
            found = locations.get(location)
            if found is None or tuple(key) not in found.facts:
                return {}
            return self._health(found, tuple(key), self._running.get(location, set()))

    def _current_locations(self) -> dict[str, _LocationAssets]:
        current: dict[str, _LocationAssets] = {}
        for entry in self.workspace.get_entries():
            if entry.snapshot is None:
                continue
            cached = self._locations.get(entry.name)
            if cached is None or cached.snapshot is not entry.snapshot or (
                    cached.server_id != entry.server_id):
                cached = _location_assets(entry.name, entry.snapshot, entry.server_id)
            cached.reload_failed = entry.status is LocationStatus.ERROR
            current[entry.name] = cached
        self._locations = current
        return current

    def _refresh_state(self, locations: dict[str, _LocationAssets]) -> None:
        storage = self.instance.storage
        runs = storage.get_runs(limit=RECENT_RUNS)
        signature = tuple((run.run_id, run.status.value) for run in runs)
        active = storage.get_runs(RunsFilter(statuses=_IN_PROGRESS), limit=MAX_ACTIVE_RUNS + 1)
        active_ids = frozenset(run.run_id for run in active)
        stale = time.monotonic() - self._materialized_at > MAX_STALENESS
        targets = _targets(active, locations) if len(active) <= MAX_ACTIVE_RUNS else None
        if signature != self._runs_signature or active_ids != self._active_ids or stale or (
                targets is None):
            self._read_all(storage.get_latest_materializations())
            self._read_observations(storage.get_latest_observations())
        elif targets:
            # Only the runs in progress materialize (or observe): re-read just what they target.
            self._read_some(storage.get_latest_materializations(targets))
            self._read_observations({**self._observations,
                                     **storage.get_latest_observations(targets)})
        self._active_ids = active_ids
        self._running = running_steps(storage, active) if active else {}
        check_id = storage.get_latest_check_storage_id()
        if check_id != self._check_id:
            self._checks = storage.get_all_latest_check_results()
            self._check_id = check_id
        if signature != self._runs_signature:
            self._run_status = _latest_run_status(runs, locations)
            self._runs_signature = signature

    def _read_all(self, records: dict[Key, AssetEventRecord]) -> None:
        self._materialized_at = time.monotonic()
        ids = {key: record.storage_id for key, record in records.items()}
        if ids == self._materialization_ids:
            return
        self._materialization_ids = ids
        self._records = dict(records)
        self._versions = data_versions(self._records, self._observations)
        self._materializations = {key: _latest(record) for key, record in records.items()}
        self._latest = {key: (record.storage_id, materialization_code_version(record))
                        for key, record in records.items()}
        self._version += 1

    def _read_some(self, records: dict[Key, AssetEventRecord]) -> None:
        changed = {key: record for key, record in records.items()
                   if self._materialization_ids.get(key) != record.storage_id}
        if not changed:
            return
        self._materialization_ids = {**self._materialization_ids,
                                     **{key: r.storage_id for key, r in changed.items()}}
        self._records = {**self._records, **changed}
        self._versions = data_versions(self._records, self._observations)
        self._materializations = {**self._materializations,
                                  **{key: _latest(record) for key, record in changed.items()}}
        self._latest = {**self._latest, **{
            key: (record.storage_id, materialization_code_version(record))
            for key, record in changed.items()}}
        self._version += 1

    def _read_observations(self, records: dict[Key, AssetEventRecord]) -> None:
        ids = {key: record.storage_id for key, record in records.items()}
        if ids == {key: record.storage_id for key, record in self._observations.items()}:
            return
        self._observations = records
        self._versions = data_versions(self._records, self._observations)
        self._version += 1

    def _items(self, locations: dict[str, _LocationAssets]) -> list[dict[str, Any]]:
        materializations = self._materializations
        run_status = self._run_status
        items = []
        for name, found in locations.items():
            running = self._running.get(name, set())
            for key, base in found.items:
                item = dict(base)
                item["latest_materialization"] = materializations.get(key)
                item["latest_run_status"] = run_status.get((name, key))
                item["data_version"] = self._versions.current.get(key)
                item.update(self._health(found, key, running))
                items.append(item)
        return items

    def _health(self, found: _LocationAssets, key: Key, running: set[str]) -> dict[str, Any]:
        node, code_version, deps, check_names = found.facts[key]
        checks = check_items(check_names, found.blocking.get(key, {}),
                             self._checks.get(key, {}))
        return {
            "checks": checks,
            "check_status": check_status(checks),
            "stale_reasons": stale_reasons(key, deps, code_version, self._latest,
                                           self._versions),
            "in_progress": node is not None and node in running,
            "location_reload_failed": found.reload_failed,
        }


def _latest(record: AssetEventRecord) -> dict[str, Any]:
    return {"run_id": record.run_id, "timestamp": record.timestamp,
            "partition": record.partition}


def _targets(runs: list[RunRecord], locations: dict[str, _LocationAssets]) -> set[Key] | None:
    """The asset keys ``runs`` may materialize (None when a run's targets are unknown)."""
    keys: set[Key] = set()
    for run in runs:
        if run.asset_selection is not None:
            keys.update(tuple(key) for key in run.asset_selection)
            continue
        found = locations.get(run.location_name or "")
        job = found.job_assets.get(run.job_name) if found is not None else None
        if job is None:
            return None
        keys.update(job)
    return keys


def _latest_run_status(runs: list[RunRecord], locations: dict[str, _LocationAssets]
                       ) -> dict[tuple[str | None, Key], str]:
    """(location, asset key) -> status of the newest of ``runs`` that targets the asset."""
    status: dict[tuple[str | None, Key], str] = {}
    for run in runs:  # newest first
        if run.asset_selection is not None:
            keys: list[Key] = [tuple(key) for key in run.asset_selection]
        else:
            found = locations.get(run.location_name or "")
            keys = found.job_assets.get(run.job_name, []) if found is not None else []
        for key in keys:
            status.setdefault((run.location_name, key), run.status.value)
    return status
