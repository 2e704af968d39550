"""RepositoryDefinition: a location's definitions resolved and validated, ready to look up."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from headwater.core.names import IMPLICIT_ASSET_JOB_NAME
from headwater.definitions.asset_graph import AssetGraph, AssetNode
from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey
from headwater.definitions.assets.asset_job import (
    UnresolvedAssetJobDefinition,
    build_asset_job,
)
from headwater.definitions.assets.assets_definition import AssetsDefinition
from headwater.definitions.automation.partitioned_schedule import (
    UnresolvedPartitionedScheduleDefinition,
)
from headwater.definitions.ops.executors import ExecutorDefinition
from headwater.definitions.ops.jobs import JobDefinition
from headwater.definitions.ops.logger_definition import checked_logger_defs
from headwater.definitions.partition_checks import validate_partitions
from headwater.errors import (
    DuplicateDefinitionError,
    NotFoundError,
    UnknownDependencyError,
    UnknownResourceError,
)

_DEFAULT_PROVIDED = frozenset({"io_manager"})
#: The name ``Definitions`` gives its repository (see definitions_class.DEFAULT_REPOSITORY_NAME).
_DEFAULT_REPOSITORY = "__repository__"


class RepositoryDefinition:
    """Validated definitions of one namespace: assets, jobs, schedules, sensors, resources."""

    def __init__(
        self,
        name: str,
        *,
        assets_defs: Sequence[AssetsDefinition],
        jobs: Sequence[JobDefinition | UnresolvedAssetJobDefinition],
        schedules: Sequence[Any],
        sensors: Sequence[Any],
        resources: Mapping[str, object],
        executor: ExecutorDefinition | None = None,
        metadata: Mapping[str, Any] | None = None,
        description: str | None = None,
        loggers: Mapping[str, Any] | None = None,
    ) -> None:
        self.name = name
        #: Loggers of every job that names none of its own.
        self.loggers = checked_logger_defs(loggers or {}, "Definitions(loggers=...) has")
        self.description = description
        self.metadata = dict(metadata or {})
        self.resources = dict(resources)
        self.executor = executor
        self.assets_defs = list(assets_defs)
        self.asset_graph = build_asset_graph(self.assets_defs)
        self.assets_defs_by_key = {key: d for d in self.assets_defs for key in d.keys}
        self.check_keys = {check for d in self.assets_defs for check in d.check_keys}
        self.schedules = _unique("schedule", schedules)
        self.sensors = _unique("sensor", sensors)
        self.jobs = self._resolve_jobs(jobs)
        self._resolve_partitioned_schedules()
        self._implicit_job: JobDefinition | None = None
        self._check_resources()

    # Lookups ------------------------------------------------------------------------------

    def get_job(self, name: str) -> JobDefinition:
        """The job named ``name`` (the implicit asset job included)."""
        if name == IMPLICIT_ASSET_JOB_NAME and name not in self.jobs:
            return self.implicit_asset_job()
        found: JobDefinition = _lookup("job", self.jobs, name, self.name)
        return found

    def get_schedule(self, name: str) -> Any:
        """The schedule named ``name``."""
        return _lookup("schedule", self.schedules, name, self.name)

    def get_sensor(self, name: str) -> Any:
        """The sensor named ``name``."""
        return _lookup("sensor", self.sensors, name, self.name)

    def get_assets_def(self, key: AssetKey) -> AssetsDefinition:
        """The definition computing (or declaring) ``key``."""
        try:
            return self.assets_defs_by_key[key]
        except KeyError:
            existing = [k.to_user_string() for k in self.assets_defs_by_key]
            raise NotFoundError(
                not_found_message("asset", key.to_user_string(), existing, self.name)
            ) from None

    def implicit_asset_job(self) -> JobDefinition:
        """A job over every executable asset and check (built on first use)."""
        if self._implicit_job is None:
            self._implicit_job = self.job_for_selection(
                self.asset_graph.executable_asset_keys, None, IMPLICIT_ASSET_JOB_NAME
            )
        return self._implicit_job

    # Dagster's names for the same lookups ------------------------------------------------

    def get_schedule_def(self, name: str) -> Any:
        """The schedule named ``name``."""
        return self.get_schedule(name)

    def get_sensor_def(self, name: str) -> Any:
        """The sensor named ``name``."""
        return self.get_sensor(name)

    def has_job(self, name: str) -> bool:
        """Whether a job named ``name`` exists (the implicit asset job included)."""
        implicit = name == IMPLICIT_ASSET_JOB_NAME and bool(self.asset_graph.executable_asset_keys)
        return name in self.jobs or implicit

    def has_schedule_def(self, name: str) -> bool:
        """Whether a schedule named ``name`` exists."""
        return name in self.schedules

    def has_sensor_def(self, name: str) -> bool:
        """Whether a sensor named ``name`` exists."""
        return name in self.sensors

    def get_all_jobs(self) -> list[JobDefinition]:
        """Every job, resolved."""
        return list(self.jobs.values())

    @property
    def job_names(self) -> list[str]:
        """Names of the jobs."""
        return list(self.jobs)

    @property
    def schedule_defs(self) -> list[Any]:
        """The schedules."""
        return list(self.schedules.values())

    @property
    def sensor_defs(self) -> list[Any]:
        """The sensors."""
        return list(self.sensors.values())

    def get_implicit_global_asset_job_def(self) -> JobDefinition:
        """A job over every executable asset and check."""
        return self.implicit_asset_job()

    def get_top_level_resources(self) -> dict[str, object]:
        """The resources given to the repository, by key."""
        return dict(self.resources)

    def load_asset_value(
        self,
        asset_key: Any,
        *,
        python_type: type | None = None,
        instance: Any = None,
        partition_key: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        resource_config: Mapping[str, Any] | None = None,
    ) -> object:
        """The stored value of an asset, loaded by its IO manager (see ``Definitions``)."""
        from headwater.execution.asset_value import AssetValueLoader

        with AssetValueLoader(self, instance=instance) as loader:
            return loader.load_asset_value(
                asset_key,
                python_type=python_type,
                partition_key=partition_key,
                metadata=metadata,
                resource_config=resource_config,
            )

    def get_asset_value_loader(self, instance: Any = None) -> Any:
        """A context manager loading several assets' values with one set of resources."""
        from headwater.execution.asset_value import AssetValueLoader

        return AssetValueLoader(self, instance=instance)

    def job_for_selection(
        self,
        keys: Iterable[AssetKey],
        checks: Iterable[AssetCheckKey] | None = None,
        name: str = IMPLICIT_ASSET_JOB_NAME,
        partitions_def: Any = None,
    ) -> JobDefinition:
        """An asset job over ``keys`` (and their checks unless ``checks`` is given)."""
        return self._with_loggers(build_asset_job(
            name,
            self.asset_graph,
            self.assets_defs,
            keys,
            checks,
            resource_defs=self.resources,
            executor_def=self.executor,
            partitions_def=partitions_def,
        ))

    def _with_loggers(self, job: JobDefinition) -> JobDefinition:
        """``job`` with the location's loggers when it names none of its own."""
        if not self.loggers or job.has_specified_loggers:
            return job
        return job.with_logger_defs(self.loggers)

    # Resolution ---------------------------------------------------------------------------

    def _resolve_jobs(
        self, jobs: Sequence[JobDefinition | UnresolvedAssetJobDefinition]
    ) -> dict[str, JobDefinition]:
        pending: list[JobDefinition | UnresolvedAssetJobDefinition] = list(jobs)
        for instigator in [*self.schedules.values(), *self.sensors.values()]:
            if isinstance(instigator, UnresolvedPartitionedScheduleDefinition):
                pending.append(instigator.job)
            for target in _targets_of(instigator):
                if target.job is not None:
                    pending.append(target.job)
        resolved: dict[str, JobDefinition] = {}
        originals: dict[str, object] = {}
        for job in pending:
            if job.name in originals:
                if originals[job.name] is job:
                    continue
                raise DuplicateDefinitionError(
                    f"Two different jobs are named '{job.name}' in {self.name}. Job names must "
                    "be unique within a location; rename one of them."
                )
            originals[job.name] = job
            if isinstance(job, UnresolvedAssetJobDefinition):
                resolved[job.name] = self._with_loggers(job.resolve(
                    self.asset_graph, self.assets_defs, self.resources, self.executor
                ))
            else:
                bound = job.with_resources(self.resources)
                if bound.executor_def is None:
                    bound.executor_def = self.executor
                resolved[job.name] = self._with_loggers(bound)
        self._check_targets(resolved)
        return resolved

    def _check_targets(self, jobs: Mapping[str, JobDefinition]) -> None:
        for instigator in [*self.schedules.values(), *self.sensors.values()]:
            for target in _targets_of(instigator):
                if target.job_name not in jobs:
                    kind = "Schedule" if instigator.name in self.schedules else "Sensor"
                    raise NotFoundError(
                        f"{kind} '{instigator.name}' targets job '{target.job_name}', which is "
                        f"not defined in {self.name}. Add the job to Definitions(jobs=[...])."
                    )

    def _resolve_partitioned_schedules(self) -> None:
        for name, schedule in list(self.schedules.items()):
            if isinstance(schedule, UnresolvedPartitionedScheduleDefinition):
                job = self.jobs[schedule.job_name]
                self.schedules[name] = schedule.resolve(job.partitions_def)

    def _check_resources(self) -> None:
        for job in self.jobs.values():
            check_job_resources(job)
        for definition in self.assets_defs:
            _check_bound_resources(definition, self.resources)
            provided = set(self.resources) | set(definition.resource_defs) | _DEFAULT_PROVIDED
            missing = sorted(definition.required_resource_keys - provided)
            if missing:
                available = ", ".join(sorted(self.resources)) or "none"
                raise UnknownResourceError(
                    f"{definition.describe} requires resource '{missing[0]}', which is not "
                    f"provided (resources available: {available}). Add it to "
                    "Definitions(resources={...})."
                )


def _check_bound_resources(definition: AssetsDefinition, resources: Mapping[str, object]) -> None:
    """An asset's own resource (``with_resources``) may not be replaced by the location's."""
    clashes = sorted(
        key for key, value in definition.resource_defs.items()
        if key in resources and key not in _DEFAULT_PROVIDED and resources[key] is not value
    )
    if clashes:
        raise DuplicateDefinitionError(
            f"{definition.describe.capitalize()} binds resource(s) "
            f"{', '.join(repr(k) for k in clashes)} itself (resource_defs= or with_resources), "
            "and Definitions(resources={...}) provides different ones under the same key. "
            "Remove one of the two, or give them different keys."
        )


def check_job_resources(job: JobDefinition) -> None:
    """Raise ``UnknownResourceError`` naming the first op that needs a missing resource."""
    provided = set(job.resource_defs) | _DEFAULT_PROVIDED
    for what, needed in _required_keys(job):
        missing = sorted(needed - provided)
        if missing:
            available = ", ".join(sorted(set(job.resource_defs))) or "none"
            raise UnknownResourceError(
                f"{what} requires resource '{missing[0]}', which is not provided (job "
                f"'{job.name}'; resources available: {available}). Add it to "
                "Definitions(resources={...})."
            )


def _required_keys(job: JobDefinition) -> list[tuple[str, frozenset[str]]]:
    if job.asset_layer is not None:
        return [(d.describe, d.required_resource_keys) for d in job.asset_layer.executed]
    return [
        (op_def.describe, op_def.required_resource_keys | op_def.io_manager_keys)
        for _, op_def, _ in job.graph.iter_ops()
    ]


def _targets_of(instigator: Any) -> list[Any]:
    targets = getattr(instigator, "targets", None)
    if targets is not None:
        return list(targets)
    target = getattr(instigator, "target", None)
    return [target] if target is not None else []


def _unique(kind: str, items: Iterable[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in items:
        if item.name in found and found[item.name] is not item:
            raise DuplicateDefinitionError(
                f"Two {kind}s are named '{item.name}'. {kind.capitalize()} names must be unique "
                "within a location; rename one of them."
            )
        found[item.name] = item
    return found


def _lookup(kind: str, table: Mapping[str, Any], name: str, where: str) -> Any:
    try:
        return table[name]
    except KeyError:
        raise NotFoundError(not_found_message(kind, name, list(table), where)) from None


def not_found_message(
    kind: str, name: str, existing: list[str], where: str, limit: int = 20
) -> str:
    """``No job named 'x' in ... Jobs defined: 'a', 'b'. Did you mean: ...?``."""
    import difflib

    shown = ", ".join(f"'{item}'" for item in sorted(existing)[:limit]) or "none"
    if len(existing) > limit:
        shown += f" and {len(existing) - limit} more"
    close = difflib.get_close_matches(name, existing, n=3)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    place = "these Definitions" if where == _DEFAULT_REPOSITORY else f"repository '{where}'"
    missing = f"No asset '{name}'" if kind == "asset" else f"No {kind} named '{name}'"
    return f"{missing} in {place}. {kind.capitalize()}s defined: {shown}.{hint}"


def build_asset_graph(assets_defs: Sequence[AssetsDefinition]) -> AssetGraph:
    """The asset graph of ``assets_defs``, checked for duplicates, unknown deps and cycles."""
    nodes: list[AssetNode] = []
    owners: dict[AssetKey, AssetsDefinition] = {}
    checks_by_asset: dict[AssetKey, set[AssetCheckKey]] = {}
    for definition in assets_defs:
        for check in definition.check_keys:
            checks_by_asset.setdefault(check.asset_key, set()).add(check)
    for definition in assets_defs:
        for key, spec in definition.specs_by_key.items():
            if key in owners:
                raise DuplicateDefinitionError(
                    f"Asset '{key.to_user_string()}' is defined twice: by "
                    f"{_where_defined(owners[key])} and by {_where_defined(definition)}. Asset "
                    "keys must be unique within a location; rename one or give it a key_prefix."
                )
            owners[key] = definition
            nodes.append(
                AssetNode(
                    key=key,
                    deps=frozenset(spec.deps),
                    group_name=spec.group_name or "default",
                    description=spec.description,
                    tags=spec.tags,
                    owners=spec.owners,
                    kinds=spec.kinds,
                    metadata=spec.metadata,
                    code_version=spec.code_version,
                    is_executable=definition.is_executable,
                    partitions_def=definition.partitions_def or spec.partitions_def,
                    check_keys=frozenset(checks_by_asset.get(key, ())),
                    node_name=definition.node_name if definition.is_executable else None,
                    can_subset=definition.can_subset or len(definition.keys) == 1,
                )
            )
    _check_unique_op_names(assets_defs)
    graph = AssetGraph(nodes)
    for key, dep in graph.unknown_dependencies():
        raise UnknownDependencyError(
            f"Asset '{key.to_user_string()}' depends on '{dep.to_user_string()}', which is not "
            "defined in this location. Add it to Definitions(assets=...) or declare it with "
            "AssetSpec."
        )
    for check_asset in checks_by_asset:
        if not graph.has(check_asset):
            raise UnknownDependencyError(
                f"Asset check(s) {sorted(c.name for c in checks_by_asset[check_asset])} target "
                f"'{check_asset.to_user_string()}', which is not defined in this location. Add "
                "the asset to Definitions(assets=...)."
            )
    graph.toposort()
    validate_partitions(assets_defs, graph)
    return graph


def _check_unique_op_names(assets_defs: Sequence[AssetsDefinition]) -> None:
    """Two executable definitions with one op name would collide as steps of a run."""
    seen: dict[str, AssetsDefinition] = {}
    for definition in assets_defs:
        if definition.node_def is None:
            continue
        other = seen.setdefault(definition.node_def.name, definition)
        if other is not definition:
            raise DuplicateDefinitionError(
                f"{other.describe} and {definition.describe} are both computed by an op named "
                f"'{definition.node_def.name}'. Op names must be unique within a location: give "
                "one of them another name= (e.g. when loading the same module twice with "
                "different key prefixes)."
            )


def _where_defined(definition: AssetsDefinition) -> str:
    """``function 'orders' (defs.py:12)`` for computed assets; ``an AssetSpec`` otherwise."""
    if definition.node_def is None:
        return "an AssetSpec"
    compute_fn = getattr(definition.node_def, "compute_fn", None)
    code = getattr(compute_fn, "__code__", None)
    name = getattr(compute_fn, "__qualname__", definition.node_def.name)
    if code is None:
        return f"function '{name}'"
    return f"function '{name}' ({code.co_filename}:{code.co_firstlineno})"
