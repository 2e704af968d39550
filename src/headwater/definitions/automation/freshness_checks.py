"""Freshness checks: asset checks that pass while an asset was updated recently enough.

``build_last_update_freshness_checks`` checks the time of the latest materialization (within
``lower_bound_delta`` of now, or of the latest ``deadline_cron`` tick);
``build_time_partition_freshness_checks`` checks that the latest time partition complete at
the latest deadline is materialized; ``build_sensor_for_freshness_checks`` requests runs of
such checks every ``minimum_interval_seconds``. The checks read the instance when they run.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.assets.checks import asset_check
from headwater.definitions.automation.run_request import RunRequest
from headwater.definitions.automation.sensors import DefaultSensorStatus, sensor
from headwater.definitions.ops.results import AssetCheckResult, AssetCheckSeverity
from headwater.errors import InvalidDefinitionError

#: The name Dagster gives freshness checks.
FRESHNESS_CHECK_NAME = "freshness_check"


def _targets(assets: Iterable[Any]) -> list[tuple[AssetKey, Any]]:
    """``(key, partitions definition)`` of each asset: keys, specs or assets definitions."""
    found: list[tuple[AssetKey, Any]] = []
    for item in assets:
        if isinstance(item, (str, AssetKey, list, tuple)):
            found.append((AssetKey.from_coercible(item), None))
        elif hasattr(item, "keys") and not isinstance(item, dict):
            found.extend((key, getattr(item, "partitions_def", None)) for key in item.keys)
        else:
            found.append((AssetKey.from_coercible(item.key), getattr(item, "partitions_def", None)))
    if not found:
        raise InvalidDefinitionError("Freshness checks need at least one asset: pass assets=[...].")
    return found


def _last_deadline(deadline_cron: str, tz: str, now: float) -> float:
    from headwater.core.cron import previous_tick

    return previous_tick(deadline_cron, datetime.fromtimestamp(now, tz=timezone.utc), tz
                         ).timestamp()


def build_last_update_freshness_checks(
    *,
    assets: Sequence[Any],
    lower_bound_delta: timedelta,
    deadline_cron: str | None = None,
    timezone: str = "UTC",
    severity: AssetCheckSeverity = AssetCheckSeverity.WARN,
    blocking: bool = False,
) -> list[Any]:
    """One ``freshness_check`` per asset: passes when the asset was last materialized within
    ``lower_bound_delta`` before now (or before the latest tick of ``deadline_cron``)."""
    if not isinstance(lower_bound_delta, timedelta):
        raise InvalidDefinitionError(
            f"build_last_update_freshness_checks got lower_bound_delta={lower_bound_delta!r}; "
            "pass a datetime.timedelta.")
    if deadline_cron is not None:
        from headwater.core.cron import validate_cron_schedule

        validate_cron_schedule(deadline_cron)
    return [_last_update_check(key, lower_bound_delta, deadline_cron, timezone, severity,
                               blocking) for key, _ in _targets(assets)]


def _last_update_check(key: AssetKey, delta: timedelta, deadline_cron: str | None, tz: str,
                       severity: AssetCheckSeverity, blocking: bool) -> Any:
    @asset_check(asset=key, name=FRESHNESS_CHECK_NAME, blocking=blocking,
                 description=f"Materialized within {delta} of "
                             + (f"each '{deadline_cron}' deadline" if deadline_cron else "now"))
    def freshness_check(context: Any) -> AssetCheckResult:
        now = time.time()
        reference = _last_deadline(deadline_cron, tz, now) if deadline_cron else now
        bound = reference - delta.total_seconds()
        records = context.instance.storage.get_materializations(list(key.path), limit=1)
        last = records[0].timestamp if records else None
        return AssetCheckResult(
            passed=last is not None and last >= bound, severity=severity,
            metadata={"dagster/freshness_lower_bound_timestamp": bound,
                      "dagster/last_updated_timestamp": last if last is not None else "never"})

    return freshness_check


def build_time_partition_freshness_checks(
    *,
    assets: Sequence[Any],
    deadline_cron: str,
    timezone: str = "UTC",
    severity: AssetCheckSeverity = AssetCheckSeverity.WARN,
    blocking: bool = False,
) -> list[Any]:
    """One ``freshness_check`` per time-partitioned asset: passes when the latest partition
    complete at the latest tick of ``deadline_cron`` is materialized."""
    from headwater.core.cron import validate_cron_schedule

    validate_cron_schedule(deadline_cron)
    checks = []
    for key, partitions_def in _targets(assets):
        if partitions_def is None or not hasattr(partitions_def, "time_window_for_partition_key"):
            raise InvalidDefinitionError(
                f"build_time_partition_freshness_checks got asset '{key.to_user_string()}', "
                "which has no time partitions; use build_last_update_freshness_checks.")
        checks.append(_partition_check(key, partitions_def, deadline_cron, timezone, severity,
                                       blocking))
    return checks


def _partition_check(key: AssetKey, partitions_def: Any, deadline_cron: str, tz: str,
                     severity: AssetCheckSeverity, blocking: bool) -> Any:
    @asset_check(asset=key, name=FRESHNESS_CHECK_NAME, blocking=blocking,
                 description=f"The latest partition complete at each '{deadline_cron}' "
                             "deadline is materialized")
    def freshness_check(context: Any) -> AssetCheckResult:
        deadline = _last_deadline(deadline_cron, tz, time.time())
        keys = partitions_def.get_partition_keys(
            current_time=datetime.fromtimestamp(deadline, tz=timezone.utc))
        expected = keys[-1] if keys else None
        done = context.instance.storage.get_materialized_partitions(list(key.path))
        return AssetCheckResult(
            passed=expected is None or expected in done, severity=severity,
            metadata={"dagster/latest_cron_tick_timestamp": deadline,
                      "expected_partition": expected or "none"})

    return freshness_check


def build_sensor_for_freshness_checks(
    *,
    freshness_checks: Sequence[Any],
    minimum_interval_seconds: int | None = None,
    name: str = "freshness_checks_sensor",
    default_status: DefaultSensorStatus = DefaultSensorStatus.STOPPED,
) -> Any:
    """A sensor requesting a run of the freshness checks on each evaluation (one per
    interval: the run key is the interval's start)."""
    check_keys = [key for check in freshness_checks for key in check.check_keys]
    if not check_keys:
        raise InvalidDefinitionError(
            "build_sensor_for_freshness_checks needs freshness checks: pass the list that "
            "build_last_update_freshness_checks returned.")
    interval = minimum_interval_seconds or 30

    @sensor(name=name, minimum_interval_seconds=minimum_interval_seconds,
            default_status=default_status, asset_selection=[])
    def freshness_checks_sensor(context: Any) -> RunRequest:
        bucket = int(time.time() // interval) * interval
        return RunRequest(run_key=f"freshness-{bucket}", asset_selection=[],
                          asset_check_keys=check_keys)

    return freshness_checks_sensor
