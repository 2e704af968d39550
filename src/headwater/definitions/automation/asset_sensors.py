"""Asset sensors: react to each new materialization of one asset.

The daemon reads the asset's materializations stored after the sensor's cursor and, for the
next one, calls ``evaluate_tick(context, asset_event=entry)``; the function receives the
context and that :class:`EventLogEntry`. Unless the function sets the cursor itself, the
cursor then moves to the event's storage id.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence, Set
from typing import Any, ClassVar

from headwater.definitions.asset_graph.keys import AssetKey, CoercibleToAssetKey
from headwater.definitions.automation.event_log_entry import EventLogEntry
from headwater.definitions.automation.run_request import SkipReason
from headwater.definitions.automation.sensor_contexts import SensorEvaluationContext
from headwater.definitions.automation.sensor_results import SensorEvaluationResult
from headwater.definitions.automation.sensors import (
    DEFAULT_MINIMUM_INTERVAL_SECONDS,
    DefaultSensorStatus,
    SensorDefinition,
)
from headwater.errors import HeadwaterError, InvalidDefinitionError


class AssetSensorDefinition(SensorDefinition):
    """A sensor called once for each new materialization of ``asset_key``.

    Args:
        name: the sensor's name; defaults to the function's name.
        asset_key: the asset to watch.
        asset_materialization_fn: ``fn(context, asset_event)`` returning what a sensor
            returns.
        Other arguments as for :class:`SensorDefinition`.
    """

    sensor_type: ClassVar[str] = "asset"
    _framework_args: ClassVar[int] = 2
    _kind: ClassVar[str] = "Asset sensor"

    def __init__(
        self,
        name: str | None = None,
        *,
        asset_key: CoercibleToAssetKey,
        asset_materialization_fn: Callable[..., Any],
        minimum_interval_seconds: int | None = DEFAULT_MINIMUM_INTERVAL_SECONDS,
        description: str | None = None,
        job: object = None,
        job_name: str | None = None,
        jobs: Sequence[object] | None = None,
        default_status: DefaultSensorStatus = DefaultSensorStatus.STOPPED,
        required_resource_keys: Set[str] | None = None,
        tags: Mapping[str, str] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self._asset_key = AssetKey.from_coercible(asset_key)
        super().__init__(
            name,
            evaluation_fn=asset_materialization_fn,
            minimum_interval_seconds=minimum_interval_seconds,
            description=description,
            job=job,
            job_name=job_name,
            jobs=jobs,
            default_status=default_status,
            required_resource_keys=required_resource_keys,
            tags=tags,
            metadata=metadata,
        )

    @property
    def asset_key(self) -> AssetKey:
        """The asset the sensor watches."""
        return self._asset_key

    def evaluate_tick(
        self, context: SensorEvaluationContext, asset_event: EventLogEntry | None = None
    ) -> SensorEvaluationResult:
        """Evaluate the sensor for one new materialization of its asset.

        With no event, the tick skips and the cursor stays. Otherwise the result's cursor is
        the one the function set, else the event's storage id.

        Raises:
            InvalidDefinitionError: the event is about another asset.
        """
        context = self._check_context(context)
        if asset_event is None:
            return SensorEvaluationResult(
                skip_message=(
                    f"No new materialization of asset '{self._asset_key.to_user_string()}'."
                ),
                cursor=context.cursor,
            )
        if not isinstance(asset_event, EventLogEntry) or asset_event.asset_key != self._asset_key:
            raise InvalidDefinitionError(
                f"Asset sensor '{self.name}' watches asset "
                f"'{self._asset_key.to_user_string()}' but was given the event {asset_event!r}; "
                "pass an EventLogEntry for that asset."
            )
        result = self._evaluate(context, (asset_event,))
        if context.cursor_updated or result.cursor != context.cursor:
            return result
        return SensorEvaluationResult(
            run_requests=result.run_requests,
            skip_message=result.skip_message,
            cursor=str(asset_event.storage_id),
            dynamic_partitions_requests=result.dynamic_partitions_requests,
            asset_events=result.asset_events,
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the sensor function directly (in tests) and return what it returns.

        Given the context and the event, the function is called with both. Given only the
        context, the newest materialization of the asset stored after the context's cursor
        is read from ``context.instance`` (as the daemon would hand it); with none, a
        :class:`SkipReason` is returned without calling the function, else the function is
        called with it and the context's cursor moves to the event's storage id.

        Raises:
            InvalidDefinitionError: only a context was given and it has no instance.
        """
        event_param = self._shape.positional[1:2]
        if len(args) != 1 or any(param in kwargs for param in event_param):
            return super().__call__(*args, **kwargs)
        context = self._check_context(args[0])
        try:
            instance = context.instance
        except HeadwaterError:
            instance = None
        if instance is None:
            raise InvalidDefinitionError(
                f"Asset sensor '{self.name}' was called with a context and no event, so it reads "
                "the newest materialization from context.instance, but the context has no "
                "instance; pass build_sensor_context(instance=...) or the EventLogEntry too."
            )
        from headwater.execution.sensor_events import latest_materialization_entry

        after = int(context.cursor) if context.cursor else None
        entry = latest_materialization_entry(instance, self._asset_key, after)
        if entry is None:
            return SkipReason(
                f"No new materialization of asset '{self._asset_key.to_user_string()}'."
            )
        result = super().__call__(context, entry, **kwargs)
        if not context.cursor_updated:
            context.update_cursor(str(entry.storage_id))
        return result


def asset_sensor(
    asset_key: CoercibleToAssetKey,
    *,
    job: object = None,
    name: str | None = None,
    minimum_interval_seconds: int | None = None,
    description: str | None = None,
    job_name: str | None = None,
    jobs: Sequence[object] | None = None,
    default_status: DefaultSensorStatus = DefaultSensorStatus.STOPPED,
    required_resource_keys: Set[str] | None = None,
    tags: Mapping[str, str] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Callable[[Callable[..., Any]], AssetSensorDefinition]:
    """Turn ``fn(context, asset_event)`` into a sensor on new materializations of an asset.

    ``asset_event`` is the :class:`EventLogEntry` of the materialization; the function returns
    or yields what any sensor may (``RunRequest``, ``SkipReason``, ``SensorResult``, ``None``).

    Args:
        asset_key: the asset to watch, e.g. ``AssetKey("orders")`` or ``"raw/orders"``.
        job: the job to launch.
        name: the sensor's name; defaults to the function's name.
        minimum_interval_seconds: the least time between two ticks (default 30).
        description: shown in the UI; defaults to the function's docstring.
        job_name: the name of the job to launch.
        jobs: several jobs; each RunRequest then names its ``job_name``.
        default_status: whether the sensor runs as soon as its location is loaded.
        required_resource_keys: resources read from ``context.resources``.
        tags: tags of the sensor.
        metadata: arbitrary metadata about the sensor.
    """

    def decorate(fn: Callable[..., Any]) -> AssetSensorDefinition:
        return AssetSensorDefinition(
            name or fn.__name__,
            asset_key=asset_key,
            asset_materialization_fn=fn,
            minimum_interval_seconds=minimum_interval_seconds,
            description=description or inspect.getdoc(fn) or None,
            job=job,
            job_name=job_name,
            jobs=jobs,
            default_status=default_status,
            required_resource_keys=required_resource_keys,
            tags=tags,
            metadata=metadata,
        )

    return decorate
