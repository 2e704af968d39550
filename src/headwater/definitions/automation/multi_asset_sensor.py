"""``@multi_asset_sensor``: a sensor over the materializations of several assets.

Its context reads each monitored asset's materializations from the instance, newer than that
asset's part of the cursor; ``advance_cursor`` marks records as consumed (the cursor is a
JSON object of storage ids by asset key, stored like any sensor cursor).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any, ClassVar

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.automation.event_log_entry import EventLogEntry
from headwater.definitions.automation.sensor_contexts import SensorEvaluationContext
from headwater.definitions.automation.sensor_results import SensorEvaluationResult
from headwater.definitions.automation.sensors import (
    DEFAULT_MINIMUM_INTERVAL_SECONDS,
    DefaultSensorStatus,
    SensorDefinition,
)
from headwater.errors import HeadwaterError, InvalidDefinitionError


@dataclass(frozen=True)
class EventLogRecord:
    """A stored event with its storage id (what a multi-asset sensor's context returns)."""

    storage_id: int
    event_log_entry: EventLogEntry

    @property
    def asset_key(self) -> AssetKey | None:
        """The asset the event is about."""
        return self.event_log_entry.asset_key

    @property
    def partition_key(self) -> str | None:
        """The partition the event is about, if any."""
        return self.event_log_entry.partition

    @property
    def timestamp(self) -> float:
        """When the event was stored (epoch seconds)."""
        return self.event_log_entry.timestamp

    @property
    def run_id(self) -> str:
        """The run that logged the event."""
        return self.event_log_entry.run_id


def _keys(value: object) -> list[AssetKey]:
    items: Any = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
    found = []
    for item in items:
        key: Any = getattr(item, "key", item)
        found.append(AssetKey.from_coercible(key))
    return found


class MultiAssetSensorEvaluationContext(SensorEvaluationContext):
    """The context of a multi-asset sensor: the monitored assets' new materializations.

    Args:
        monitored_assets: the assets watched (keys, assets or a keys selection).
        Other arguments as for :class:`SensorEvaluationContext`.
    """

    def __init__(self, monitored_assets: Sequence[AssetKey], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._asset_keys = list(monitored_assets)
        self._consumed: dict[str, int] = {}
        if self.cursor:
            try:
                self._consumed = {str(k): int(v) for k, v in json.loads(self.cursor).items()}
            except (ValueError, AttributeError) as exc:
                raise InvalidDefinitionError(
                    f"Multi-asset sensor cursor {self.cursor!r} is not the JSON object of "
                    "storage ids by asset key it writes; reset the sensor's cursor.") from exc
        self._fetched: dict[AssetKey, EventLogRecord] = {}

    @property
    def asset_keys(self) -> list[AssetKey]:
        """The monitored assets."""
        return list(self._asset_keys)

    def _instance_or_fail(self) -> Any:
        try:
            return self.instance
        except HeadwaterError:
            raise InvalidDefinitionError(
                "A multi-asset sensor reads materializations from context.instance; build the "
                "context with build_multi_asset_sensor_context(instance=...).") from None

    def _after(self, key: AssetKey) -> int | None:
        return self._consumed.get(key.to_user_string())

    def materialization_records_for_key(
        self, asset_key: object, limit: int | None = None
    ) -> list[EventLogRecord]:
        """The asset's materializations not consumed yet, oldest first."""
        from headwater.execution.sensor_events import materialization_entries_after

        key = AssetKey.from_coercible(asset_key)  # type: ignore[arg-type]
        instance = self._instance_or_fail()
        entries = materialization_entries_after(instance, key, self._after(key), limit)
        return [EventLogRecord(entry.storage_id, entry) for entry in entries]

    def latest_materialization_records_by_key(
        self, asset_keys: Sequence[object] | None = None
    ) -> dict[AssetKey, EventLogRecord | None]:
        """Per monitored asset, its newest materialization not consumed yet (or None)."""
        from headwater.execution.sensor_events import latest_materialization_entry

        keys = _keys(asset_keys) if asset_keys is not None else self._asset_keys
        found: dict[AssetKey, EventLogRecord | None] = {}
        for key in keys:
            entry = latest_materialization_entry(self._instance_or_fail(), key, self._after(key))
            record = EventLogRecord(entry.storage_id, entry) if entry is not None else None
            if record is not None:
                self._fetched[key] = record
            found[key] = record
        return found

    def advance_cursor(
        self, materialization_records_by_key: Mapping[AssetKey, EventLogRecord | None]
    ) -> None:
        """Mark these records (and everything older of their assets) as consumed."""
        for key, record in materialization_records_by_key.items():
            if record is not None:
                name = AssetKey.from_coercible(key).to_user_string()
                self._consumed[name] = max(self._consumed.get(name, 0), record.storage_id)
        self.update_cursor(json.dumps(self._consumed, sort_keys=True))

    def advance_all_cursors(self) -> None:
        """Mark the newest records fetched by this tick as consumed, for every asset."""
        self.advance_cursor(dict(self._fetched))


class MultiAssetSensorDefinition(SensorDefinition):
    """A sensor whose function reads several assets' materializations from its context."""

    sensor_type: ClassVar[str] = "multi_asset"
    _kind: ClassVar[str] = "Multi-asset sensor"

    def __init__(self, name: str, *, monitored_assets: object,
                 asset_materialization_fn: Callable[..., Any], **kwargs: Any) -> None:
        self._monitored = _keys(getattr(monitored_assets, "selected_keys", monitored_assets))
        super().__init__(name, evaluation_fn=asset_materialization_fn, **kwargs)

    @property
    def monitored_asset_keys(self) -> list[AssetKey]:
        """The monitored assets."""
        return list(self._monitored)

    def _wrap(self, context: object) -> MultiAssetSensorEvaluationContext:
        if isinstance(context, MultiAssetSensorEvaluationContext):
            return context
        base = self._check_context(context)
        try:
            instance = base.instance
        except HeadwaterError:
            instance = None
        return MultiAssetSensorEvaluationContext(
            self._monitored, cursor=base.cursor, instance=instance,
            repository_name=base.repository_name, resources=base.resources,
            sensor_name=self.name)

    def evaluate_tick(self, context: SensorEvaluationContext) -> SensorEvaluationResult:
        """Evaluate one tick with a multi-asset context built from ``context``."""
        return self._evaluate(self._wrap(context), ())

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the function directly (in tests) with a multi-asset context."""
        if args:
            args = (self._wrap(args[0]), *args[1:])
        return super().__call__(*args, **kwargs)


def multi_asset_sensor(
    monitored_assets: object,
    *,
    job: object = None,
    name: str | None = None,
    minimum_interval_seconds: int | None = DEFAULT_MINIMUM_INTERVAL_SECONDS,
    description: str | None = None,
    job_name: str | None = None,
    jobs: Sequence[object] | None = None,
    target: object = None,
    default_status: DefaultSensorStatus = DefaultSensorStatus.STOPPED,
    required_resource_keys: Set[str] | None = None,
    tags: Mapping[str, str] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Callable[[Callable[..., Any]], MultiAssetSensorDefinition]:
    """Turn ``fn(context)`` into a sensor over several assets' materializations.

    The context is a :class:`MultiAssetSensorEvaluationContext`
    (``latest_materialization_records_by_key()``, ``advance_cursor(...)``, ...).

    Args:
        monitored_assets: the assets to watch: keys, assets or ``AssetSelection.keys(...)``.
        Other arguments as for :func:`sensor`.
    """

    def decorate(fn: Callable[..., Any]) -> MultiAssetSensorDefinition:
        return MultiAssetSensorDefinition(
            name or fn.__name__, monitored_assets=monitored_assets, asset_materialization_fn=fn,
            job=job, job_name=job_name, jobs=jobs, target=target,
            minimum_interval_seconds=minimum_interval_seconds,
            description=description or inspect.getdoc(fn) or None,
            default_status=default_status, required_resource_keys=required_resource_keys,
            tags=tags, metadata=metadata)

    return decorate


def build_multi_asset_sensor_context(
    monitored_assets: object,
    instance: Any = None,
    cursor: str | None = None,
    repository_name: str | None = None,
    resources: Mapping[str, Any] | None = None,
    **_: Any,
) -> MultiAssetSensorEvaluationContext:
    """Build a multi-asset sensor context for a test (pass the instance holding the events)."""
    return MultiAssetSensorEvaluationContext(
        _keys(getattr(monitored_assets, "selected_keys", monitored_assets)), cursor=cursor,
        instance=instance, repository_name=repository_name, resources=resources)
