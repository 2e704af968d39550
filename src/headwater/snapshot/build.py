"""Building the snapshot of a loaded code location from its repository definitions.

Runs in the code server (the only process that imports user code). One pass over the
definitions, with per-object caches, keeps a location of thousands of assets well under a
second. pydantic is imported only if the location uses config schemas.
"""

from __future__ import annotations

import platform
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from headwater.core.names import ANONYMOUS_ASSET_JOB_PREFIX, IMPLICIT_ASSET_JOB_NAME
from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.assets.assets_definition import AssetsDefinition
from headwater.definitions.config.io_managers import IOManager, IOManagerDefinition
from headwater.definitions.config.resources import ResourceDefinition
from headwater.definitions.ops.jobs import JobDefinition
from headwater.definitions.repository_def import RepositoryDefinition
from headwater.errors import HeadwaterError
from headwater.snapshot.automation_sensors import with_default_automation_sensor
from headwater.snapshot.build_jobs import (
    BuildCache,
    job_snap,
    key_list,
    metadata_snap,
    resource_dependencies,
)
from headwater.snapshot.location import (
    AssetCheckSnap,
    AssetSnap,
    DefaultStatus,
    JobSnap,
    LocationSnapshot,
    RepositorySnapshot,
    ResourceSnap,
    ScheduleSnap,
    SensorSnap,
    SensorType,
)
from headwater.snapshot.partition_mappings import backfill_policy_snap, partition_mappings_snap
from headwater.snapshot.versioning import SNAPSHOT_FORMAT_VERSION, gc_paused

__all__ = ["build_location_snapshot", "build_repository_snapshot"]


def build_location_snapshot(
    location_name: str, repositories: Mapping[str, RepositoryDefinition]
) -> LocationSnapshot:
    """The snapshot of a code location holding ``repositories`` (name to definition).

    Raises:
        HeadwaterError: a definition cannot be described (e.g. a sensor's asset selection
            names an asset that does not exist); the message names it.
    """
    from headwater.core.version import __version__

    with gc_paused():
        return LocationSnapshot(
            format_version=SNAPSHOT_FORMAT_VERSION,
            location_name=location_name,
            headwater_version=__version__,
            python_version=platform.python_version(),
            repositories=[build_repository_snapshot(n, r) for n, r in repositories.items()],
        )


def build_repository_snapshot(name: str, repo: RepositoryDefinition) -> RepositorySnapshot:
    """The snapshot of one repository, under ``name``."""
    cache = BuildCache()
    jobs = [job_snap(job, cache, is_implicit=_is_implicit(job.name)) for job in repo.jobs.values()]
    implicit = _implicit_job(repo)
    if implicit is not None and implicit.name not in repo.jobs:
        jobs.append(job_snap(implicit, cache, is_implicit=True))
    assets = _asset_snaps(repo, jobs, cache)
    checks = _check_snaps(repo.assets_defs, jobs, repo.asset_graph)
    schedules = [_schedule_snap(s) for s in repo.schedules.values()]
    sensors = with_default_automation_sensor(
        assets, [_sensor_snap(s, repo) for s in repo.sensors.values()], checks)
    return RepositorySnapshot(
        name=name,
        description=repo.description,
        metadata=metadata_snap(repo.metadata),
        assets=assets,
        asset_checks=checks,
        jobs=jobs,
        schedules=schedules,
        sensors=sensors,
        resources=_resource_snaps(repo, assets, jobs, schedules, sensors, cache),
    )


def _is_implicit(job_name: str) -> bool:
    return job_name == IMPLICIT_ASSET_JOB_NAME or job_name.startswith(ANONYMOUS_ASSET_JOB_PREFIX)


def _implicit_job(repo: RepositoryDefinition) -> JobDefinition | None:
    """The job over every asset, when the location's assets can share one.

    Assets with different partitions definitions cannot; they are then launched by
    selection only, and the snapshot has no implicit job.
    """
    if not any(d.is_executable for d in repo.assets_defs):
        return None
    try:
        return repo.implicit_asset_job()
    except HeadwaterError:
        return None


# Assets and checks ---------------------------------------------------------------------------


def _user_job_names(jobs: Iterable[JobSnap]) -> tuple[dict[tuple[str, ...], list[str]], ...]:
    by_asset: dict[tuple[str, ...], list[str]] = defaultdict(list)
    by_check: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for job in jobs:
        if job.is_implicit:
            continue
        for key in job.asset_selection:
            by_asset[tuple(key)].append(job.name)
        for check in job.asset_check_selection:
            by_check[tuple(check.asset_key) + (check.name,)].append(job.name)
    return by_asset, by_check


def _asset_snaps(
    repo: RepositoryDefinition, jobs: list[JobSnap], cache: BuildCache
) -> list[AssetSnap]:
    graph = repo.asset_graph
    jobs_by_asset, _ = _user_job_names(jobs)
    snaps: list[AssetSnap] = []
    for definition in repo.assets_defs:
        if not definition.specs_by_key:
            continue
        required = cache.required_keys(definition)
        op_tags = dict(definition.node_def.tags) if definition.node_def is not None else {}
        for key, spec in definition.specs_by_key.items():
            node = graph.node(key)
            snaps.append(
                AssetSnap(
                    key=key_list(key),
                    deps=[key_list(dep) for dep in spec.deps],
                    group_name=node.group_name,
                    description=node.description,
                    metadata=metadata_snap(node.metadata),
                    tags=dict(node.tags),
                    owners=list(node.owners),
                    kinds=sorted(node.kinds),
                    code_version=node.code_version,
                    is_executable=node.is_executable,
                    is_observable=definition.is_observable,
                    partitions=cache.partitions(node.partitions_def),
                    node_name=node.node_name,
                    can_subset=node.can_subset,
                    check_names=sorted(check.name for check in node.check_keys),
                    job_names=jobs_by_asset.get(key, []),
                    required_resource_keys=required,
                    io_manager_key=definition.io_manager_key_for(key),
                    automation_condition=_label(spec.automation_condition),
                    automation_condition_tree=condition_tree(spec.automation_condition, graph),
                    freshness_policy=_plain(getattr(spec, "freshness_policy", None)),
                    op_tags=op_tags,
                    partition_mappings=partition_mappings_snap(definition, key, spec.deps,
                                                               graph),
                    backfill_policy=backfill_policy_snap(definition),
                )
            )
    return snaps


def condition_tree(condition: Any, graph: Any) -> dict[str, Any] | None:
    """The automation condition as data, with ``allow``/``ignore`` selections resolved."""
    from headwater.definitions.automation.conditions import ConditionNode

    if not isinstance(condition, ConditionNode):
        return None
    return condition.to_dict(resolve=lambda selection: selection.resolve(graph))


def _plain(value: Any) -> dict[str, Any] | None:
    """A plain-data attribute (``to_dict``) of a definition, e.g. a freshness policy."""
    return value.to_dict() if hasattr(value, "to_dict") else None


def _label(condition: Any) -> str | None:
    if condition is None:
        return None
    if isinstance(condition, str):
        return condition
    label = getattr(condition, "label", None)
    return label if isinstance(label, str) else type(condition).__name__


def _check_snaps(
    assets_defs: Iterable[AssetsDefinition], jobs: list[JobSnap], graph: Any = None
) -> list[AssetCheckSnap]:
    _, jobs_by_check = _user_job_names(jobs)
    snaps = []
    for definition in assets_defs:
        for spec in definition.check_specs:
            snaps.append(
                AssetCheckSnap(
                    asset_key=key_list(spec.asset_key),
                    name=spec.name,
                    description=spec.description,
                    blocking=spec.blocking,
                    node_name=definition.node_name if definition.node_def is not None else None,
                    additional_deps=[key_list(dep) for dep in spec.additional_deps],
                    metadata=metadata_snap(spec.metadata),
                    job_names=jobs_by_check.get(tuple(spec.asset_key) + (spec.name,), []),
                    automation_condition_tree=condition_tree(
                        getattr(spec, "automation_condition", None), graph),
                )
            )
    return snaps


# Schedules and sensors -----------------------------------------------------------------------


def _status(value: Any) -> DefaultStatus:
    return DefaultStatus(getattr(value, "value", value))


def _schedule_snap(schedule: Any) -> ScheduleSnap:
    cron = schedule.cron_schedule
    return ScheduleSnap(
        name=schedule.name,
        cron_schedule=[cron] if isinstance(cron, str) else list(cron),
        job_name=schedule.job_name,
        execution_timezone=schedule.timezone,
        default_status=_status(schedule.default_status),
        description=schedule.description,
        tags=dict(schedule.tags),
        metadata=metadata_snap(schedule.metadata),
        required_resource_keys=sorted(schedule.required_resource_keys),
    )


def _sensor_snap(sensor: Any, repo: RepositoryDefinition) -> SensorSnap:
    selection = sensor.asset_selection
    asset_key: AssetKey | None = getattr(sensor, "asset_key", None)
    run_status = getattr(sensor, "run_status", None)
    return SensorSnap(
        name=sensor.name,
        sensor_type=SensorType(sensor.sensor_type),
        minimum_interval_seconds=sensor.minimum_interval_seconds,
        default_status=_status(sensor.default_status),
        job_names=list(sensor.job_names),
        asset_selection=(
            [key_list(k) for k in sorted(selection.resolve(repo.asset_graph))]
            if selection is not None
            else None
        ),
        asset_key=key_list(asset_key) if asset_key is not None else None,
        monitored_jobs=list(getattr(sensor, "monitored_job_names", ())),
        monitor_all_code_locations=bool(getattr(sensor, "monitor_all_code_locations", False)),
        run_status=getattr(run_status, "value", run_status),
        description=sensor.description,
        tags=dict(sensor.tags),
        metadata=metadata_snap(sensor.metadata),
        required_resource_keys=sorted(sensor.required_resource_keys),
        run_tags=dict(getattr(sensor, "run_tags", None) or {}),
    )


# Resources -----------------------------------------------------------------------------------


def _type_name(value: object) -> str:
    cls = getattr(value, "resource_cls", None)  # configure_at_launch: name the resource class
    if not isinstance(cls, type):
        cls = type(value)
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_io_manager(value: object) -> bool:
    if isinstance(value, (IOManager, IOManagerDefinition)):
        return True
    cls = getattr(value, "resource_cls", type(value))
    return isinstance(cls, type) and issubclass(cls, IOManager)


def _resource_snaps(
    repo: RepositoryDefinition,
    assets: list[AssetSnap],
    jobs: list[JobSnap],
    schedules: list[ScheduleSnap],
    sensors: list[SensorSnap],
    cache: BuildCache,
) -> list[ResourceSnap]:
    if not repo.resources:
        return []
    by_asset: dict[str, list[list[str]]] = defaultdict(list)
    for asset in assets:
        for key in asset.required_resource_keys:
            by_asset[key].append(asset.key)
    by_job: dict[str, set[str]] = defaultdict(set)
    for job in jobs:
        for op in job.ops:
            for key in op.required_resource_keys:
                by_job[key].add(job.name)
    by_schedule: dict[str, list[str]] = defaultdict(list)
    for schedule in schedules:
        for key in schedule.required_resource_keys:
            by_schedule[key].append(schedule.name)
    by_sensor: dict[str, list[str]] = defaultdict(list)
    for sensor in sensors:
        for key in sensor.required_resource_keys:
            by_sensor[key].append(sensor.name)
    snaps = []
    for key, value in repo.resources.items():
        schemas = cache.resource_schema(key, value)
        description = value.description if isinstance(value, ResourceDefinition) else None
        snaps.append(
            ResourceSnap(
                name=key,
                type_name=_type_name(value),
                description=description if isinstance(description, str) else None,
                config_schema=schemas[0] if schemas is not None else None,
                is_io_manager=_is_io_manager(value),
                dependencies=sorted(resource_dependencies(value, repo.resources)),
                used_by_assets=by_asset.get(key, []),
                used_by_jobs=sorted(by_job.get(key, ())),
                used_by_schedules=by_schedule.get(key, []),
                used_by_sensors=by_sensor.get(key, []),
            )
        )
    return snaps
