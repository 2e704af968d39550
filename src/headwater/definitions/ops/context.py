"""The ``context`` object handed to assets, ops and checks while they run."""

from __future__ import annotations

import contextlib
import inspect
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.ops.results import AssetMaterialization, AssetObservation
from headwater.errors import HeadwaterError, NotFoundError, user_code_boundary

EPHEMERAL_RUN_ID = "EPHEMERAL"
_Context = TypeVar("_Context", bound="OpExecutionContext")


@dataclass
class ExecutionInfo:
    """Everything a context exposes, filled in by the execution engine (or a test builder)."""

    run_id: str = EPHEMERAL_RUN_ID
    job_name: str = "__ephemeral__"
    step_key: str = "__ephemeral__"
    op_name: str = "__ephemeral__"
    op_config: Any = None
    resources: Any = None
    log: Any = None
    instance: Any = None
    tags: Mapping[str, str] = field(default_factory=dict)
    partition_key: str | None = None
    #: Every partition of the run (several for a run over a range); None when unpartitioned.
    partition_keys: Sequence[str] | None = None
    #: Resolves ``asset_partition_keys_for_input`` (the execution engine's InputPartitions).
    input_partitions: Any = None
    partitions_def: Any = None
    retry_number: int = 0
    assets_def: Any = None
    selected_output_names: frozenset[str] | None = None
    output_metadata: dict[str, dict[str, Any]] = field(default_factory=dict)
    logged_events: list[Any] = field(default_factory=list)
    #: Teardown of resources a test context initialised (run when the context exits).
    teardowns: list[Callable[[], object]] = field(default_factory=list)
    #: The mapping key of a step mapped over a dynamic output.
    mapping_key: str | None = None


@dataclass(frozen=True)
class RunInfo:
    """What a running step knows of its run."""

    run_id: str
    job_name: str
    tags: Mapping[str, str]


class OpExecutionContext:
    """The context of a running op: its run, config, resources, partition and logger."""

    def __init__(self, info: ExecutionInfo) -> None:
        self._info = info

    def __enter__(self: _Context) -> _Context:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Tear down resources a test context (``build_op_context``) initialised."""
        teardowns, self._info.teardowns = self._info.teardowns, []
        for teardown in reversed(teardowns):
            teardown()

    @property
    def log(self) -> Any:
        """A logger whose messages become events of the run."""
        if self._info.log is None:
            self._info.log = logging.getLogger("headwater.user")
        return self._info.log

    @property
    def run_id(self) -> str:
        """The id of the run."""
        return self._info.run_id

    @property
    def run(self) -> RunInfo:
        """The run this step belongs to."""
        return RunInfo(self._info.run_id, self._info.job_name, dict(self._info.tags))

    @property
    def job_name(self) -> str:
        """The name of the job being run."""
        return self._info.job_name

    @property
    def op_handle(self) -> str:
        """The dotted name of this op within its job."""
        return self._info.step_key

    @property
    def step_key(self) -> str:
        """The key of the running step."""
        return self._info.step_key

    def get_mapping_key(self) -> str | None:
        """The mapping key of a step mapped over a dynamic output (``op[key]``), else None."""
        return self._info.mapping_key

    @property
    def op_config(self) -> Any:
        """This op's config as plain data (a dict for structured config)."""
        config = self._info.op_config
        if callable(getattr(config, "model_dump", None)):
            from headwater.definitions.config.pythonic import config_to_python

            return config_to_python(config)
        return config

    @property
    def resources(self) -> Any:
        """Resources by name: ``context.resources.warehouse``."""
        return self._info.resources

    @property
    def instance(self) -> Any:
        """The instance the run belongs to, when there is one."""
        return self._info.instance

    @property
    def retry_number(self) -> int:
        """0 on the first attempt, 1 on the first retry, ..."""
        return self._info.retry_number

    @property
    def run_tags(self) -> Mapping[str, str]:
        """The run's tags."""
        return dict(self._info.tags)

    def has_tag(self, key: str) -> bool:
        """Whether the run has the tag ``key``."""
        return key in self._info.tags

    def get_tag(self, key: str) -> str | None:
        """The run tag ``key``, or None."""
        return self._info.tags.get(key)

    # Partitions ---------------------------------------------------------------------------

    @property
    def has_partition_key(self) -> bool:
        """Whether this run targets exactly one partition."""
        return self._info.partition_key is not None

    @property
    def has_partition_key_range(self) -> bool:
        """Whether this run targets partitions (one, or a range)."""
        return bool(self._keys_or_none())

    def _keys_or_none(self) -> list[str] | None:
        info = self._info
        if info.partition_keys is not None:
            return list(info.partition_keys)
        return [info.partition_key] if info.partition_key is not None else None

    @property
    def partition_key(self) -> str:
        """The partition being processed; an error when the run is not for one partition."""
        if self._info.partition_key is None:
            keys = self._keys_or_none()
            if keys:
                raise HeadwaterError(
                    f"'{self._info.op_name}' asked for context.partition_key, but this run "
                    f"covers {len(keys)} partitions ({keys[0]}...{keys[-1]}). Use "
                    "context.partition_key_range or context.partition_keys."
                )
            raise HeadwaterError(
                f"'{self._info.op_name}' asked for context.partition_key, but this run has no "
                "partition. Launch it with a partition key, or check context.has_partition_key."
            )
        return self._info.partition_key

    @property
    def partition_keys(self) -> Sequence[str]:
        """The partitions being processed (one for single-partition runs)."""
        keys = self._keys_or_none()
        return keys if keys is not None else [self.partition_key]

    @property
    def partition_key_range(self) -> Any:
        """``PartitionKeyRange(start, end)`` of the run (one key: start and end are equal)."""
        from headwater.definitions.partitions.base import PartitionKeyRange

        keys = self.partition_keys
        return PartitionKeyRange(keys[0], keys[-1])

    @property
    def partition_time_window(self) -> Any:
        """``TimeWindow(start, end)`` spanning the run's time partitions."""
        return self._window(self._info.partitions_def, self.partition_keys,
                            "context.partition_time_window")

    def _window(self, definition: Any, keys: Sequence[str], what: str) -> Any:
        from headwater.definitions.partitions.base import TimeWindow

        window_for = getattr(definition, "time_window_for_partition_key", None)
        if window_for is None:
            raise HeadwaterError(
                f"'{self._info.op_name}' asked for {what}, but its partitions are not time "
                "windows."
            )
        if not keys:
            raise HeadwaterError(f"'{self._info.op_name}' asked for {what}, but it reads no "
                                 "partitions.")
        return TimeWindow(window_for(keys[0]).start, window_for(keys[-1]).end)

    def asset_partition_key_for_output(self, output_name: str = "result") -> str:
        """The partition of the asset for ``output_name``."""
        return self.partition_key

    def asset_partition_keys_for_output(self, output_name: str = "result") -> Sequence[str]:
        """The partitions of the asset for ``output_name``."""
        return self.partition_keys

    def asset_partition_key_range_for_output(self, output_name: str = "result") -> Any:
        """The partition range of the asset for ``output_name``."""
        return self.partition_key_range

    def _input(self, input_name: str) -> tuple[list[str], Any]:
        resolver = self._info.input_partitions
        if resolver is None:
            raise HeadwaterError(
                f"'{self._info.op_name}' asked for the partitions of input '{input_name}' "
                "outside a run; they are known only while the asset executes."
            )
        key, keys, definition = resolver.resolve_input(input_name)
        if keys is None:
            raise HeadwaterError(
                f"'{self._info.op_name}' asked for the partitions of input '{input_name}', but "
                f"the upstream asset '{key.to_user_string()}' is not partitioned."
            )
        return keys, definition

    def asset_partition_keys_for_input(self, input_name: str) -> Sequence[str]:
        """The upstream partitions input ``input_name`` reads (through its partition mapping)."""
        return self._input(input_name)[0]

    def asset_partition_key_for_input(self, input_name: str) -> str:
        """The one upstream partition ``input_name`` reads; an error when it reads several."""
        keys = self._input(input_name)[0]
        if len(keys) != 1:
            raise HeadwaterError(
                f"Input '{input_name}' of '{self._info.op_name}' reads {len(keys)} partitions; "
                "use context.asset_partition_keys_for_input."
            )
        return keys[0]

    def asset_partition_key_range_for_input(self, input_name: str) -> Any:
        """``PartitionKeyRange`` from the first to the last upstream partition read."""
        from headwater.definitions.partitions.base import PartitionKeyRange

        keys = self._input(input_name)[0]
        if not keys:
            raise HeadwaterError(f"Input '{input_name}' of '{self._info.op_name}' reads no "
                                 "partitions.")
        return PartitionKeyRange(keys[0], keys[-1])

    def asset_partitions_time_window_for_input(self, input_name: str) -> Any:
        """The time window spanning the upstream partitions ``input_name`` reads."""
        keys, definition = self._input(input_name)
        return self._window(definition, keys,
                            f"asset_partitions_time_window_for_input('{input_name}')")

    def asset_partitions_def_for_input(self, input_name: str) -> Any:
        """The upstream asset's partitions definition."""
        return self._input(input_name)[1]

    # Assets -------------------------------------------------------------------------------

    @property
    def has_assets_def(self) -> bool:
        """Whether this op computes assets."""
        return self._info.assets_def is not None

    @property
    def assets_def(self) -> Any:
        """The assets definition this op computes."""
        if self._info.assets_def is None:
            raise HeadwaterError(f"op '{self._info.op_name}' does not compute assets.")
        return self._info.assets_def

    @property
    def selected_output_names(self) -> frozenset[str]:
        """Outputs this run asks for (a subset when only some assets are selected)."""
        if self._info.selected_output_names is not None:
            return self._info.selected_output_names
        if self._info.assets_def is not None:
            return frozenset(self._info.assets_def.keys_by_output_name)
        return frozenset()

    @property
    def selected_asset_keys(self) -> frozenset[AssetKey]:
        """Assets of this op that the run asks for."""
        if self._info.assets_def is None:
            return frozenset()
        by_output = self._info.assets_def.keys_by_output_name
        names = self.selected_output_names
        return frozenset(by_output[name] for name in names if name in by_output)

    @property
    def asset_key(self) -> AssetKey:
        """The key of the single asset this op computes."""
        keys = self.assets_def.keys
        if len(keys) != 1:
            raise HeadwaterError(
                f"'{self._info.op_name}' computes {len(keys)} assets; use "
                "context.asset_key_for_output(name) instead of context.asset_key."
            )
        key: AssetKey = next(iter(keys))
        return key

    def asset_key_for_output(self, output_name: str = "result") -> AssetKey:
        """The key of the asset produced on ``output_name``."""
        try:
            key: AssetKey = self.assets_def.keys_by_output_name[output_name]
        except KeyError:
            raise NotFoundError(
                f"'{self._info.op_name}' has no asset output named '{output_name}'."
            ) from None
        return key

    def asset_key_for_input(self, input_name: str) -> AssetKey:
        """The key of the upstream asset loaded into ``input_name``."""
        try:
            key: AssetKey = self.assets_def.keys_by_input_name[input_name]
        except KeyError:
            raise NotFoundError(
                f"'{self._info.op_name}' has no asset input named '{input_name}'."
            ) from None
        return key

    # Events -------------------------------------------------------------------------------

    def add_output_metadata(
        self,
        metadata: Mapping[str, Any],
        output_name: str | None = None,
        mapping_key: str | None = None,
    ) -> None:
        """Attach metadata to an output (and so to the materialization of its asset)."""
        name = output_name or self._single_output_name()
        self._info.output_metadata.setdefault(name, {}).update(metadata)

    def add_asset_metadata(
        self, metadata: Mapping[str, Any], asset_key: Any = None, partition_key: str | None = None
    ) -> None:
        """Attach metadata to the materialization of an asset computed by this op."""
        if asset_key is None:
            self.add_output_metadata(metadata)
            return
        wanted = AssetKey.from_coercible(asset_key)
        for name, key in self.assets_def.keys_by_output_name.items():
            if key == wanted:
                self.add_output_metadata(metadata, output_name=name)
                return
        raise NotFoundError(f"'{self._info.op_name}' does not compute asset '{wanted}'.")

    def get_output_metadata(self, output_name: str = "result") -> Mapping[str, Any]:
        """Metadata added so far to ``output_name``."""
        return dict(self._info.output_metadata.get(output_name, {}))

    def log_event(self, event: AssetMaterialization | AssetObservation | Any) -> None:
        """Record an asset materialization or observation that this op caused."""
        self._info.logged_events.append(event)

    def _single_output_name(self) -> str:
        assets_def = self._info.assets_def
        if assets_def is not None and len(assets_def.keys_by_output_name) > 1:
            raise HeadwaterError(
                f"'{self._info.op_name}' has several outputs; pass output_name= to "
                "add_output_metadata."
            )
        if assets_def is not None and assets_def.keys_by_output_name:
            return str(next(iter(assets_def.keys_by_output_name)))
        return "result"

    @property
    def op_execution_context(self) -> OpExecutionContext:
        """This context (kept for code written against the asset/op context split)."""
        return self


class AssetExecutionContext(OpExecutionContext):
    """The context of a running asset."""


class AssetCheckExecutionContext(OpExecutionContext):
    """The context of a running asset check."""


def build_op_context(
    resources: Mapping[str, Any] | None = None,
    op_config: Any = None,
    partition_key: str | None = None,
    run_tags: Mapping[str, str] | None = None,
    instance: Any = None,
    config: Any = None,
    partitions_def: Any = None,
    resources_config: Mapping[str, Any] | None = None,
    partition_key_range: Any = None,
) -> OpExecutionContext:
    """A context for calling an op's function directly in a test.

    Resource definitions in ``resources`` are initialised with ``resources_config`` (config
    per key); use the context as a context manager (``with build_op_context(...) as ctx``) to
    tear them down when the block ends. ``partition_key_range`` (a ``PartitionKeyRange``)
    makes the context one of a run over several partitions; with ``partitions_def`` its
    ``partition_keys`` are every key in the range.
    """
    info = _test_info(resources, op_config if op_config is not None else config, partition_key,
                      run_tags, instance, partitions_def, resources_config)
    return OpExecutionContext(_with_range(info, partition_key_range))


def build_asset_context(
    resources: Mapping[str, Any] | None = None,
    asset_config: Any = None,
    partition_key: str | None = None,
    run_tags: Mapping[str, str] | None = None,
    instance: Any = None,
    partitions_def: Any = None,
    resources_config: Mapping[str, Any] | None = None,
    partition_key_range: Any = None,
) -> AssetExecutionContext:
    """A context for calling an asset's function directly in a test (see ``build_op_context``)."""
    info = _test_info(resources, asset_config, partition_key, run_tags, instance, partitions_def,
                      resources_config)
    return AssetExecutionContext(_with_range(info, partition_key_range))


def build_asset_check_context(
    resources: Mapping[str, Any] | None = None,
    resources_config: Mapping[str, Any] | None = None,
    asset_config: Any = None,
    instance: Any = None,
) -> AssetCheckExecutionContext:
    """A context for calling an asset check's function directly in a test (see
    ``build_op_context``; usable as a context manager that tears its resources down)."""
    info = _test_info(resources, asset_config, None, None, instance, None, resources_config)
    return AssetCheckExecutionContext(info)


def _with_range(info: ExecutionInfo, partition_key_range: Any) -> ExecutionInfo:
    if partition_key_range is None:
        return info
    if info.partition_key is not None:
        raise HeadwaterError(
            "Give build_op_context/build_asset_context a partition_key or a "
            "partition_key_range, not both."
        )
    start, end = partition_key_range.start, partition_key_range.end
    keys_in_range = getattr(info.partitions_def, "get_partition_keys_in_range", None)
    if keys_in_range is not None:
        info.partition_keys = list(keys_in_range(partition_key_range))
    else:
        info.partition_keys = [start] if start == end else [start, end]
    return info


def _test_info(
    resources: Mapping[str, Any] | None,
    config: Any,
    partition_key: str | None,
    run_tags: Mapping[str, str] | None,
    instance: Any,
    partitions_def: Any,
    resources_config: Mapping[str, Any] | None = None,
) -> ExecutionInfo:
    from headwater.definitions.config.resources import Resources

    info = ExecutionInfo(
        op_config=config,
        instance=instance,
        tags=dict(run_tags or {}),
        partition_key=partition_key,
        partitions_def=partitions_def,
    )
    configs = resources_config or {}
    info.resources = Resources({
        k: _test_resource_value(k, v, configs.get(k), info.teardowns)
        for k, v in (resources or {}).items()
    })
    return info


def _test_resource_value(
    key: str, value: Any, config: Any, teardowns: list[Callable[[], object]]
) -> Any:
    """The value a run would provide for ``value``: resource definitions are initialised.

    Plain objects are used as they are. Teardowns are recorded for the context's exit.
    """
    from headwater.definitions.config.resources import InitResourceContext, ResourceDefinition

    if not isinstance(value, ResourceDefinition):
        return value
    where = f"resource '{key}'"
    if isinstance(config, Mapping) and set(config) == {"config"}:
        config = config["config"]
    with user_code_boundary(where):
        if callable(getattr(value, "yield_for_execution", None)):
            configured = value.resolved_for_run(where, config)  # type: ignore[attr-defined]
            context = InitResourceContext(resource_def=value)
            configured.attach_context(context)
            manager = configured.yield_for_execution(context)
            teardowns.append(lambda: manager.__exit__(None, None, None))
            return manager.__enter__()
        from headwater.definitions.config.legacy_resources import resource_config_value

        resource_config = resource_config_value(value, config, where, key)
        result = value(InitResourceContext(resource_config=resource_config, resource_def=value))
        if isinstance(result, contextlib.ContextDecorator):  # a @contextmanager function
            entered: Any = result
            teardowns.append(lambda: entered.__exit__(None, None, None))
            return entered.__enter__()
        if inspect.isgenerator(result):
            generator = result
            teardowns.append(lambda: next(generator, None))
            return next(generator)
        return result
