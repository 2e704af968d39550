"""Jobs: a graph of ops (or a selection of assets) plus resources, config, tags and executor."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, overload

from headwater.definitions.ops.graphs import GraphDefinition, compose_graph

if TYPE_CHECKING:
    from headwater.definitions.assets.asset_layer import AssetLayer
    from headwater.definitions.ops.executors import ExecutorDefinition
    from headwater.definitions.ops.logger_definition import LoggerDefinition
    from headwater.definitions.partitions.partitioned_config import PartitionedConfig


class JobDefinition:
    """Something a run executes: a graph of ops, or the ops computing a set of assets."""

    def __init__(
        self,
        *,
        name: str,
        graph: GraphDefinition | None = None,
        description: str | None = None,
        resource_defs: Mapping[str, object] | None = None,
        config: Any = None,
        tags: Mapping[str, str] | None = None,
        executor_def: ExecutorDefinition | None = None,
        partitions_def: Any = None,
        op_retry_policy: Any = None,
        metadata: Mapping[str, Any] | None = None,
        hooks: Any = None,
        asset_layer: AssetLayer | None = None,
        run_tags: Mapping[str, str] | None = None,
        logger_defs: Mapping[str, LoggerDefinition] | None = None,
    ) -> None:
        self.name = name
        self.graph = graph or GraphDefinition(name, {})
        self.description = description
        self.resource_defs = dict(resource_defs or {})
        self.config = config
        self.tags = dict(tags or {})
        #: Tags for the job's runs when given apart from its own ``tags`` (None: use those).
        self.explicit_run_tags = dict(run_tags) if run_tags is not None else None
        self.executor_def = executor_def
        if partitions_def is None and _partitioned_config(config) is not None:
            partitions_def = config.partitions_def
        self.partitions_def = partitions_def
        self.op_retry_policy = op_retry_policy
        self.metadata = dict(metadata or {})
        from headwater.definitions.ops.hooks import hook_set

        #: Hooks run after every step of the job.
        self.hooks: tuple[Any, ...] = hook_set(hooks)
        #: Set for jobs that materialize assets: which assets and checks, computed by which ops.
        self.asset_layer = asset_layer
        #: The loggers the job names itself (None: the location's, else the default console).
        self.logger_defs = _checked_loggers(name, logger_defs)

    @property
    def loggers(self) -> dict[str, LoggerDefinition]:
        """The job's loggers by name: its own, else ``{"console": colored_console_logger}``."""
        if self.logger_defs:
            return dict(self.logger_defs)
        from headwater.definitions.ops.builtin_loggers import default_loggers

        return default_loggers()

    @property
    def has_specified_loggers(self) -> bool:
        """Whether the job names its own loggers."""
        return bool(self.logger_defs)

    def with_logger_defs(self, logger_defs: Mapping[str, LoggerDefinition]) -> JobDefinition:
        """A copy whose loggers are ``logger_defs``."""
        clone = object.__new__(JobDefinition)
        clone.__dict__.update(self.__dict__)
        clone.logger_defs = _checked_loggers(self.name, logger_defs)
        return clone

    @property
    def run_tags(self) -> dict[str, str]:
        """Tags every run of the job carries: ``run_tags`` when given, else ``tags``.

        Tags given when a run is launched (a run request's, the launchpad's) override them.
        """
        return dict(self.explicit_run_tags if self.explicit_run_tags is not None else self.tags)

    @property
    def is_asset_job(self) -> bool:
        """Whether this job materializes assets (rather than running a graph of ops)."""
        return self.asset_layer is not None

    @property
    def default_run_config(self) -> dict[str, Any]:
        """The run config given with ``config=``, as a plain dict."""
        config = self.config
        to_dict = getattr(config, "to_config_dict", None)
        if callable(to_dict):
            return dict(to_dict())
        return dict(config or {}) if isinstance(config, Mapping) else {}

    @property
    def partitioned_config(self) -> PartitionedConfig | None:
        """The ``PartitionedConfig`` given as ``config=``, if any."""
        return _partitioned_config(self.config)

    def run_config_for_partition_key(self, partition_key: str | None) -> dict[str, Any]:
        """The partitioned config's run config for ``partition_key`` (empty without one)."""
        partitioned = self.partitioned_config
        if partitioned is None or partition_key is None:
            return {}
        return partitioned.get_run_config_for_partition_key(partition_key)

    def tags_for_partition_key(self, partition_key: str | None) -> dict[str, str]:
        """The partitioned config's tags for ``partition_key`` (empty without one)."""
        partitioned = self.partitioned_config
        if partitioned is None or partition_key is None:
            return {}
        return partitioned.get_tags_for_partition_key(partition_key, self.name)

    def with_hooks(self, hook_defs: Any) -> JobDefinition:
        """A copy whose every step also runs ``hook_defs``."""
        from headwater.definitions.ops.hooks import hook_set

        clone = object.__new__(JobDefinition)
        clone.__dict__.update(self.__dict__)
        clone.hooks = hook_set({*self.hooks, *hook_set(hook_defs)})
        return clone

    def with_resources(self, resource_defs: Mapping[str, object]) -> JobDefinition:
        """A copy where ``resource_defs`` fill in resources the job does not define itself."""
        clone = object.__new__(JobDefinition)
        clone.__dict__.update(self.__dict__)
        clone.resource_defs = {**resource_defs, **self.resource_defs}
        return clone

    def execute_in_process(
        self,
        run_config: Any = None,
        instance: Any = None,
        partition_key: str | None = None,
        raise_on_error: bool = True,
        op_selection: Any = None,
        asset_selection: Any = None,
        resources: Mapping[str, object] | None = None,
        tags: Mapping[str, str] | None = None,
        run_id: str | None = None,
    ) -> Any:
        """Run the job in this process and return the result.

        Outputs are kept in memory unless the job sets its own ``io_manager``. With
        ``raise_on_error`` a step failed by user code raises the user's own exception, as
        Dagster does (the error naming the step is its ``__context__``).
        """
        from headwater.execution.in_process_api import execute_job_in_process

        return execute_job_in_process(
            self,
            run_config=run_config,
            instance=instance,
            partition_key=partition_key,
            raise_on_error=raise_on_error,
            op_selection=op_selection,
            asset_selection=asset_selection,
            resources=resources,
            tags=tags,
            run_id=run_id,
        )

    def __repr__(self) -> str:
        return f"<JobDefinition {self.name}>"


@overload
def job(fn: Callable[..., Any]) -> JobDefinition: ...


@overload
def job(
    fn: None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    resource_defs: Mapping[str, object] | None = None,
    config: Any = None,
    tags: Mapping[str, str] | None = None,
    executor_def: ExecutorDefinition | None = None,
    partitions_def: Any = None,
    op_retry_policy: Any = None,
    metadata: Mapping[str, Any] | None = None,
    hooks: Any = None,
    run_tags: Mapping[str, str] | None = None,
    logger_defs: Mapping[str, LoggerDefinition] | None = None,
) -> Callable[[Callable[..., Any]], JobDefinition]: ...


def job(
    fn: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    resource_defs: Mapping[str, object] | None = None,
    config: Any = None,
    tags: Mapping[str, str] | None = None,
    executor_def: ExecutorDefinition | None = None,
    partitions_def: Any = None,
    op_retry_policy: Any = None,
    metadata: Mapping[str, Any] | None = None,
    hooks: Any = None,
    run_tags: Mapping[str, str] | None = None,
    logger_defs: Mapping[str, LoggerDefinition] | None = None,
) -> JobDefinition | Callable[[Callable[..., Any]], JobDefinition]:
    """Define a job whose body calls ops, wiring outputs to inputs.

    ``tags`` describe the job and are copied onto each of its runs unless ``run_tags`` is
    given, in which case those are copied instead.
    """

    def decorate(func: Callable[..., Any]) -> JobDefinition:
        job_name = name or func.__name__
        invocations, inputs, outputs = compose_graph(func, job_name, what="job")
        graph_def = GraphDefinition(
            job_name, invocations, inputs, outputs, description=inspect.getdoc(func)
        )
        return graph_def.to_job(
            name=job_name,
            description=description,
            resource_defs=resource_defs,
            config=config,
            tags=tags,
            executor_def=executor_def,
            partitions_def=partitions_def,
            op_retry_policy=op_retry_policy,
            metadata=metadata,
            hooks=hooks,
            run_tags=run_tags,
            logger_defs=logger_defs,
        )

    return decorate(fn) if fn is not None else decorate


def _checked_loggers(job_name: str, logger_defs: Mapping[str, Any] | None
                     ) -> dict[str, LoggerDefinition] | None:
    if logger_defs is None:
        return None
    from headwater.definitions.ops.logger_definition import checked_logger_defs

    return checked_logger_defs(logger_defs, f"Job '{job_name}' has logger")


def _partitioned_config(config: Any) -> PartitionedConfig | None:
    """``config`` if it is a ``PartitionedConfig``.

    Looked up in ``sys.modules`` so that jobs without partitioned config never import the
    partitions package: a ``PartitionedConfig`` exists only once its module was imported.
    """
    module = sys.modules.get("headwater.definitions.partitions.partitioned_config")
    if module is not None and isinstance(config, module.PartitionedConfig):
        return config  # type: ignore[no-any-return]
    return None
