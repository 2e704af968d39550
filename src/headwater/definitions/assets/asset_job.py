"""``define_asset_job``: a job over a selection of assets, resolved when Definitions are built."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from headwater.definitions.assets.asset_layer import build_asset_layer, common_partitions_def
from headwater.definitions.ops.jobs import JobDefinition
from headwater.errors import DuplicateDefinitionError

if TYPE_CHECKING:
    from headwater.definitions.asset_graph import AssetGraph
    from headwater.definitions.assets.assets_definition import AssetsDefinition
    from headwater.definitions.ops.executors import ExecutorDefinition



class UnresolvedAssetJobDefinition:
    """A job named by an asset selection; it becomes a ``JobDefinition`` inside Definitions."""

    def __init__(
        self,
        name: str,
        selection: Any = None,
        config: Any = None,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
        metadata: Mapping[str, Any] | None = None,
        partitions_def: Any = None,
        executor_def: ExecutorDefinition | None = None,
        hooks: Any = None,
        op_retry_policy: Any = None,
        run_tags: Mapping[str, str] | None = None,
    ) -> None:
        from headwater.definitions.selection.asset_selection import coerce_selection

        self.name = name
        self.selection = coerce_selection(selection if selection is not None else "*")
        self.config = config
        self.description = description
        self.tags = dict(tags or {})
        self.run_tags = dict(run_tags) if run_tags is not None else None
        self.metadata = dict(metadata or {})
        self.partitions_def = partitions_def
        self.executor_def = executor_def
        from headwater.definitions.ops.hooks import hook_set

        self.hooks = hook_set(hooks)
        self.op_retry_policy = op_retry_policy

    def resolve(
        self,
        asset_graph: AssetGraph,
        assets_defs: Iterable[AssetsDefinition],
        resource_defs: Mapping[str, object] | None = None,
        default_executor: ExecutorDefinition | None = None,
    ) -> JobDefinition:
        """The concrete job for the location's asset graph."""
        keys = self.selection.resolve(asset_graph)
        checks = self.selection.resolve_checks(asset_graph)
        return build_asset_job(
            self.name,
            asset_graph,
            assets_defs,
            keys,
            checks,
            resource_defs=resource_defs,
            config=self.config,
            description=self.description,
            tags=self.tags,
            metadata=self.metadata,
            partitions_def=self.partitions_def,
            executor_def=self.executor_def or default_executor,
            hooks=self.hooks,
            op_retry_policy=self.op_retry_policy,
            run_tags=self.run_tags,
        )

    def __repr__(self) -> str:
        return f"<UnresolvedAssetJobDefinition {self.name} selection={self.selection}>"


def build_asset_job(
    name: str,
    asset_graph: AssetGraph,
    assets_defs: Iterable[AssetsDefinition],
    selected_keys: Iterable[Any],
    selected_checks: Iterable[Any] | None = None,
    *,
    resource_defs: Mapping[str, object] | None = None,
    config: Any = None,
    description: str | None = None,
    tags: Mapping[str, str] | None = None,
    metadata: Mapping[str, Any] | None = None,
    partitions_def: Any = None,
    executor_def: ExecutorDefinition | None = None,
    hooks: Any = None,
    op_retry_policy: Any = None,
    run_tags: Mapping[str, str] | None = None,
    logger_defs: Mapping[str, Any] | None = None,
) -> JobDefinition:
    """A job executing the ops that compute ``selected_keys`` (and checks)."""
    layer = build_asset_layer(asset_graph, assets_defs, selected_keys, selected_checks, name)
    asset_resources = _asset_resources(layer.executed, name)
    return JobDefinition(
        name=name,
        description=description,
        resource_defs={**asset_resources, **(resource_defs or {})},
        config=config,
        tags=tags,
        executor_def=executor_def,
        partitions_def=partitions_def or common_partitions_def(layer, name),
        op_retry_policy=op_retry_policy,
        metadata=metadata,
        hooks=hooks,
        asset_layer=layer,
        run_tags=run_tags,
        logger_defs=logger_defs,
    )


def define_asset_job(
    name: str,
    selection: Any = None,
    config: Any = None,
    description: str | None = None,
    tags: Mapping[str, str] | None = None,
    metadata: Mapping[str, Any] | None = None,
    partitions_def: Any = None,
    executor_def: ExecutorDefinition | None = None,
    hooks: Any = None,
    op_retry_policy: Any = None,
    run_tags: Mapping[str, str] | None = None,
) -> UnresolvedAssetJobDefinition:
    """Define a job that materializes the assets matched by ``selection``.

    ``selection`` is an ``AssetSelection``, a selection string such as ``"*"`` or
    ``"orders+"``, or a list of assets or keys; None selects every asset. ``tags`` are
    copied onto every run of the job unless ``run_tags`` is given, in which case those are.
    """
    return UnresolvedAssetJobDefinition(
        name,
        selection,
        config=config,
        description=description,
        tags=tags,
        metadata=metadata,
        partitions_def=partitions_def,
        executor_def=executor_def,
        hooks=hooks,
        op_retry_policy=op_retry_policy,
        run_tags=run_tags,
    )


def _asset_resources(executed: Iterable[AssetsDefinition], job_name: str) -> dict[str, object]:
    """The resources bound to the job's assets; one key bound to two objects is an error."""
    found: dict[str, tuple[object, AssetsDefinition]] = {}
    for definition in executed:
        for key, value in definition.resource_defs.items():
            other = found.setdefault(key, (value, definition))
            if other[0] is not value:
                raise DuplicateDefinitionError(
                    f"Job '{job_name}': {other[1].describe} and {definition.describe} bind "
                    f"different resources to the key '{key}'. Bind the same object to both "
                    "(e.g. one with_resources call), or give the resources different keys."
                )
    return {key: value for key, (value, _) in found.items()}
