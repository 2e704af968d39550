"""Asset health for the catalog, the graph and the asset page.

Per asset: its checks' latest results (blocking or warn), whether it is stale (an upstream
asset was materialized after it, or its code version differs from the one its latest
materialization was made with), whether the step computing it is running now (per step, not
per run), and whether its location failed its last reload (so what is shown is the last good
code).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from headwater.core.names import CODE_VERSION_TAG
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


def stale_reasons(key: Key, deps: Iterable[Key], code_version: str | None,
                  latest: Mapping[Key, tuple[int, str | None]]) -> list[str]:
    """Why the asset is stale: upstream assets materialized after it, a changed code version.

    ``latest`` maps asset keys to (storage id, code version) of their latest materialization;
    an asset never materialized is not called stale (it is "never materialized").
    """
    mine = latest.get(key)
    if mine is None:
        return []
    reasons = [f"upstream changed since: {'/'.join(dep)}" for dep in deps
               if dep in latest and latest[dep][0] > mine[0]]
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
