"""What an observable source asset's function returned, as observation events.

A ``DataVersion`` observes the one asset; a ``DataVersionsByPartition`` each partition of a
partitioned one; ``ObserveResult``s (returned, or yielded by a multi-asset function) carry
metadata, tags and check results too. The data version travels in the ``dagster/data_version``
tag of the ASSET_OBSERVATION event, as Dagster records it. Each observed asset's (Nothing)
output is also reported so that assets after it in the same run are not skipped; the step
reporting knows an observable step materializes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from headwater.core.names import DATA_VERSION_TAG
from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.ops.results import (
    AssetCheckResult,
    AssetObservation,
    DataVersion,
    DataVersionsByPartition,
    ObserveResult,
)
from headwater.errors import InvalidOutputError
from headwater.execution.outputs import StepResultItem
from headwater.execution.plan import ExecutionStep


def observation_items(step: ExecutionStep, result: Any) -> Iterator[StepResultItem]:
    """Observation events (and check results) for what the observe function produced."""
    definition = step.assets_def
    assert definition is not None
    results = result if isinstance(result, (list, tuple)) else [result]
    observed: set[AssetKey] = set()
    for obj in results:
        for item in _items_for(step, obj):
            if item.kind == "event":
                observed.add(item.event.asset_key)
            yield item
    for key in sorted(observed & definition.selected_keys):
        name = definition.output_names_by_key.get(key)
        if name is not None and step.output(name) is not None:
            yield StepResultItem("output", name)


def _items_for(step: ExecutionStep, obj: Any) -> Iterator[StepResultItem]:
    definition = step.assets_def
    assert definition is not None
    partitioned = definition.partitions_def is not None
    if isinstance(obj, DataVersion):
        key = _single_key(step)
        if partitioned:
            raise InvalidOutputError(
                f"{step.describe} is partitioned, so its function must return a "
                "DataVersionsByPartition (a data version per partition), not a DataVersion."
            )
        yield StepResultItem("event", event=_observation(key, obj, {}, {}, None))
    elif isinstance(obj, DataVersionsByPartition):
        key = _single_key(step)
        if not partitioned:
            raise InvalidOutputError(
                f"{step.describe} is not partitioned, so its function must return a "
                "DataVersion, not a DataVersionsByPartition."
            )
        for partition, version in obj.data_versions_by_partition.items():
            yield StepResultItem("event", event=_observation(key, version, {}, {}, partition))
    elif isinstance(obj, ObserveResult):
        key = (AssetKey.from_coercible(obj.asset_key) if obj.asset_key is not None
               else _single_key(step))
        if key not in definition.keys:
            raise InvalidOutputError(
                f"{step.describe} returned an ObserveResult for '{key.to_user_string()}', which "
                f"it does not observe. It observes: "
                f"{', '.join(sorted(k.to_user_string() for k in definition.keys))}."
            )
        yield StepResultItem("event", event=_observation(
            key, obj.data_version, obj.metadata, obj.tags, None))
        for check in obj.check_results:
            yield StepResultItem("check", check=check)
    elif isinstance(obj, AssetCheckResult):
        yield StepResultItem("check", check=obj)
    elif isinstance(obj, AssetObservation):
        yield StepResultItem("event", event=obj)
    else:
        raise InvalidOutputError(
            f"{step.describe} is an observable source asset; its function returned "
            f"{type(obj).__name__}. Return a DataVersion, a DataVersionsByPartition (when "
            "partitioned) or an ObserveResult (yield one per asset from a multi-asset)."
        )


def _single_key(step: ExecutionStep) -> AssetKey:
    definition = step.assets_def
    assert definition is not None
    if len(definition.keys) != 1:
        raise InvalidOutputError(
            f"{step.describe} observes {len(definition.keys)} assets; report each with "
            "ObserveResult(asset_key=...)."
        )
    return definition.key


def _observation(key: AssetKey, version: DataVersion | None, metadata: Any, tags: Any,
                 partition: str | None) -> AssetObservation:
    all_tags = dict(tags)
    if version is not None:
        all_tags[DATA_VERSION_TAG] = version.value
    return AssetObservation(key, metadata=metadata, tags=all_tags, partition=partition)
