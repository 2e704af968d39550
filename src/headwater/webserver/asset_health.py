"""Asset health for the catalog, the graph and the asset page.

Per asset: its checks' latest results (blocking or warn), whether it is stale (an upstream
asset's data changed since it was materialized: a different data version than the one recorded
on its materialization, or else a newer materialization or observation; or its code version
differs from the one its latest materialization was made with), whether the step computing
it is running now (per step, not per run), and whether its location failed its last reload
(so what is shown is the last good code).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from headwater.core.names import (
    CODE_VERSION_TAG,
    DATA_VERSION_TAG,
    INPUT_DATA_VERSION_TAG_PREFIX,
)
from headwater.snapshot.events import AssetCheckData, AssetEventData, EventType
from headwater.snapshot.location import LocationSnapshot
from headwater.snapshot.runs import AssetCheckRecord, AssetEventRecord, RunRecord
from headwater.storage.base import Storage

Key = tuple[str, ...]

_STEP_END = (EventType.STEP_SUCCESS, EventType.STEP_FAILURE, EventType.STEP_SKIPPED)
_STEP_EVENTS = [EventType.STEP_START, EventType.STEP_RESTARTED, *_STEP_END]


def materialization_code_version(record: AssetEventRecord) -> str | None:
    """The code version the materialization was made with (None: not recorded)."""
    data = record.event.data
    if isinstance(data, AssetEventData):
        return data.tags.get(CODE_VERSION_TAG)
    return None


def blocking_checks(snapshot: LocationSnapshot) -> dict[Key, dict[str, bool]]:
    """Asset key -> check name -> whether the check is blocking, from the definitions."""
    found: dict[Key, dict[str, bool]] = {}
    for repo in snapshot.repositories:
        for check in repo.asset_checks:
            found.setdefault(tuple(check.asset_key), {})[check.name] = check.blocking
    return found


def check_items(names: Iterable[str], blocking: Mapping[str, bool],
                results: Mapping[str, AssetCheckRecord]) -> list[dict[str, Any]]:
    """Each check of an asset with its latest result (``passed`` None: never evaluated)."""
    items = []
    for name in names:
        record = results.get(name)
        data = record.event.data if record is not None else None
        severity = data.severity if isinstance(data, AssetCheckData) else "ERROR"
        items.append({
            "name": name, "blocking": bool(blocking.get(name, False)),
            "passed": record.passed if record is not None else None,
            "severity": severity if record is not None else None,
            "timestamp": record.timestamp if record is not None else None,
            "run_id": record.run_id if record is not None else None,
        })
    return items


def check_status(checks: list[dict[str, Any]]) -> str | None:
    """``failed`` (an ERROR-severity failure), ``warning``, ``passed``, or None (none ran)."""
    evaluated = [check for check in checks if check["passed"] is not None]
    if not evaluated:
        return None
    failed = [check for check in evaluated if not check["passed"]]
    if any(check["severity"] != "WARN" for check in failed):
        return "failed"
    return "warning" if failed else "passed"


def event_data_version(record: AssetEventRecord) -> str | None:
    """The data version a materialization or observation recorded (None: none given)."""
    data = record.event.data
    if isinstance(data, AssetEventData):
        return data.data_version or data.tags.get(DATA_VERSION_TAG)
    return None


def input_data_versions(record: AssetEventRecord) -> dict[Key, str]:
    """Each parent's data version when the materialization was made (its
    ``dagster/input_data_version/<key>`` tags)."""
    data = record.event.data
    if not isinstance(data, AssetEventData):
        return {}
    size = len(INPUT_DATA_VERSION_TAG_PREFIX)
    return {tuple(name[size:].split("/")): value for name, value in data.tags.items()
            if name.startswith(INPUT_DATA_VERSION_TAG_PREFIX)}


@dataclass(frozen=True)
class DataVersions:
    """The data-version facts staleness reads, beyond materialization times."""

    #: Asset key -> data version of its newest materialization or observation (if it has one).
    current: Mapping[Key, str] = field(default_factory=dict)
    #: Asset key -> storage id of its newest observation that has a data version.
    observed_at: Mapping[Key, int] = field(default_factory=dict)
    #: Asset key -> the parents' data versions recorded on its latest materialization.
    inputs: Mapping[Key, Mapping[Key, str]] = field(default_factory=dict)


def data_versions(materializations: Mapping[Key, AssetEventRecord],
                  observations: Mapping[Key, AssetEventRecord]) -> DataVersions:
    """The :class:`DataVersions` of the latest materializations and observations."""
    newest = dict(materializations)
    for key, record in observations.items():
        if key not in newest or newest[key].storage_id < record.storage_id:
            newest[key] = record
    current = {key: version for key, record in newest.items()
               if (version := event_data_version(record)) is not None}
    observed_at = {key: record.storage_id for key, record in observations.items()
                   if event_data_version(record) is not None}
    inputs = {key: found for key, record in materializations.items()
              if (found := input_data_versions(record))}
    return DataVersions(current, observed_at, inputs)


def stale_reasons(key: Key, deps: Iterable[Key], code_version: str | None,
                  latest: Mapping[Key, tuple[int, str | None]],
                  versions: DataVersions | None = None) -> list[str]:
    """Why the asset is stale: upstream data changed since it was made, a changed code version.

    ``latest`` maps asset keys to (storage id, code version) of their latest materialization;
    an asset never materialized is not called stale (it is "never materialized"). A parent
    whose data version was recorded on the asset's materialization is "changed" only when its
    current data version (newest observation or materialization) differs; otherwise a parent
    materialized (or observed with a data version) after the asset is.
    """
    mine = latest.get(key)
    if mine is None:
        return []
    versions = versions or DataVersions()
    recorded = versions.inputs.get(key, {})
    reasons: list[str] = []
    for dep in deps:
        shown = "/".join(dep)
        before, now = recorded.get(dep), versions.current.get(dep)
        if before is not None and now is not None:
            if before != now:
                reasons.append(f"upstream data version changed: {shown} ({before} → {now})")
        elif (dep in latest and latest[dep][0] > mine[0]) or (
                versions.observed_at.get(dep, -1) > mine[0]):
            reasons.append(f"upstream changed since: {shown}")
    if code_version is not None and mine[1] is not None and mine[1] != code_version:
        reasons.append(f"code version changed: {mine[1]} → {code_version}")
    return reasons


def running_steps(storage: Storage, runs: Iterable[RunRecord]) -> dict[str, set[str]]:
    """Location -> the step keys running now in ``runs`` (started, not yet ended)."""
    running: dict[str, set[str]] = {}
    for run in runs:
        started: set[str] = set()
        for record in storage.get_events(run.run_id, event_types=_STEP_EVENTS):
            step = record.event.step_key
            if step is None:
                continue
            if record.event.event_type in _STEP_END:
                started.discard(step)
            else:
                started.add(step)
        if started:
            running.setdefault(run.location_name or "", set()).update(started)
    return running
