"""Which partitions a step works on: the run's key or range, and each input's mapped slice.

A run targets one partition (``headwater/partition``) or a range (the
``headwater/asset_partition_range_start``/``_end`` tags of a single-run backfill). An
input from a partitioned upstream asset loads the upstream partitions the downstream
asset's partition mapping (given with ``AssetIn``/``AssetDep``, else Dagster's default)
maps the run's partitions to; the IO manager gets a dict by key when there are several.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from headwater.core.names import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG
from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.partitions.base import PartitionKeyRange
from headwater.definitions.partitions.context import partition_loading_context
from headwater.errors import NotFoundError, StepFailure

if TYPE_CHECKING:
    from headwater.execution.plan import ExecutionStep
    from headwater.execution.run_context import RunContext

__all__ = ["InputPartitions", "input_partitions", "run_partition_keys"]


def run_partition_keys(
    partition_key: str | None, tags: Any, partitions_def: Any, instance: Any = None
) -> list[str] | None:
    """The partitions a run covers: its key, the keys of its range tags, or None."""
    if partition_key is not None:
        return [partition_key]
    start = tags.get(ASSET_PARTITION_RANGE_START_TAG)
    end = tags.get(ASSET_PARTITION_RANGE_END_TAG)
    if start is None or end is None or partitions_def is None:
        return None
    with partition_loading_context(dynamic_partitions_store=instance):
        keys: list[str] = partitions_def.get_partition_keys_in_range(
            PartitionKeyRange(start, end))
    return keys


def _upstream_def(run: RunContext, key: AssetKey) -> Any:
    layer = run.job.asset_layer
    definition = layer.definition_for(key) if layer is not None else None
    return definition.partitions_def if definition is not None else None


class InputPartitions:
    """Works out (and remembers) the upstream partitions each input of a step reads."""

    def __init__(self, run: RunContext, step: ExecutionStep) -> None:
        self._run = run
        self._step = step
        self._cache: dict[AssetKey, list[str] | None] = {}

    def keys_for_asset(
        self, upstream_key: AssetKey, upstream_partitions_def: Any
    ) -> list[str] | None:
        """The upstream keys read, or None when the upstream is unpartitioned."""
        if upstream_key not in self._cache:
            self._cache[upstream_key] = self._compute(upstream_key, upstream_partitions_def)
        return self._cache[upstream_key]

    def _compute(self, upstream_key: AssetKey, upstream_def: Any) -> list[str] | None:
        if upstream_def is None:
            return None
        run, step = self._run, self._step
        run_keys = run.partition_keys
        assets_def = step.assets_def
        with partition_loading_context(dynamic_partitions_store=run.instance):
            if assets_def is None or step.op_def.kind == "asset_check":
                # An op or a check in a partitioned run reads the run's partitions.
                if run_keys is not None:
                    return list(run_keys)
                return list(upstream_def.get_partition_keys())
            downstream_def = assets_def.partitions_def
            mapping = assets_def.get_partition_mapping(upstream_key, upstream_def)
            downstream_keys = run_keys if downstream_def is not None else []
            if downstream_def is not None and run_keys is None:
                downstream_keys = downstream_def.get_partition_keys()
            mapped = mapping.upstream_keys(list(downstream_keys or []), downstream_def,
                                           upstream_def)
        if mapped.missing:
            shown = ", ".join(mapped.missing[:5])
            more = f", ... ({len(mapped.missing)} in all)" if len(mapped.missing) > 5 else ""
            raise StepFailure(
                f"{step.describe} depends on partitions of '{upstream_key.to_user_string()}' "
                f"that do not exist: {shown}{more} (mapping {mapping!r}). Materialize a range "
                "whose upstream partitions exist, or pass "
                "allow_nonexistent_upstream_partitions=True to the TimeWindowPartitionMapping."
            )
        keys: list[str] = mapped.keys
        return keys

    def resolve_input(self, name: str) -> tuple[AssetKey, list[str] | None, Any]:
        """(upstream key, keys read, upstream partitions definition) of input or dep ``name``.

        ``name`` is an input name, or an upstream asset key (``a/b`` or its identifier).

        Raises:
            NotFoundError: the step has no such input or upstream asset.
        """
        key = self._upstream_key(name)
        upstream_def = _upstream_def(self._run, key)
        return key, self.keys_for_asset(key, upstream_def), upstream_def

    def _upstream_key(self, name: str) -> AssetKey:
        step = self._step
        for step_input in step.inputs:
            if step_input.name == name and step_input.asset_key is not None:
                return step_input.asset_key
        assets_def = step.assets_def
        if assets_def is not None:
            if name in assets_def.keys_by_input_name:
                return assets_def.keys_by_input_name[name]
            for key in assets_def.dependency_keys:
                if name in (key.to_user_string(), key.to_python_identifier()):
                    return key
        raise NotFoundError(
            f"{step.describe} has no input or upstream asset named '{name}'. Use the name of "
            "a parameter, or the upstream asset's key."
        )


def input_partitions(
    resolver: InputPartitions, upstream_key: AssetKey | None, upstream_def: Any
) -> tuple[str | None, Sequence[str] | None]:
    """``(partition_key, partition_keys)`` for an ``InputContext``: one key, or several."""
    if upstream_def is None or upstream_key is None:
        return None, None
    keys = resolver.keys_for_asset(upstream_key, upstream_def)
    if keys is not None and len(keys) == 1:
        return keys[0], None
    return None, keys
