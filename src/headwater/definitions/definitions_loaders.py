"""``load_definitions_from_*``: one ``Definitions`` holding everything defined at module scope
(assets, asset specs, asset checks, jobs, schedules, sensors) in modules or a package.

Resources, loggers and the executor are not module-scope objects: pass them to the loader.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Any

from headwater.definitions.assets.asset_job import UnresolvedAssetJobDefinition
from headwater.definitions.assets.assets_definition import AssetsDefinition
from headwater.definitions.assets.checks import AssetChecksDefinition
from headwater.definitions.assets.specs import AssetSpec
from headwater.definitions.definitions_class import Definitions
from headwater.definitions.module_scope import (
    ModuleScope,
    caller_module,
    find_modules_in_package,
    import_package,
    is_asset,
)
from headwater.definitions.ops.executors import ExecutorDefinition
from headwater.definitions.ops.jobs import JobDefinition


def _loadable_types() -> tuple[type, ...]:
    # Imported here: loading assets alone should not import the schedule and sensor modules.
    from headwater.definitions.automation.partitioned_schedule import (
        UnresolvedPartitionedScheduleDefinition,
    )
    from headwater.definitions.automation.schedules import ScheduleDefinition
    from headwater.definitions.automation.sensors import SensorDefinition

    return (
        AssetsDefinition,
        AssetSpec,
        JobDefinition,
        UnresolvedAssetJobDefinition,
        ScheduleDefinition,
        UnresolvedPartitionedScheduleDefinition,
        SensorDefinition,
    )


def load_definitions_from_modules(
    modules: Iterable[ModuleType],
    resources: Mapping[str, Any] | None = None,
    loggers: Mapping[str, Any] | None = None,
    executor: ExecutorDefinition | None = None,
) -> Definitions:
    """A ``Definitions`` with every definition found at module scope in ``modules``.

    Module-level lists of definitions count too; an object imported into several modules
    counts once.

    Args:
        modules: the modules to search.
        resources: resources for the assets and jobs found.
        loggers: default loggers of the jobs.
        executor: default executor of the jobs.

    Raises:
        DuplicateDefinitionError: two different objects define one asset key, or one job,
            schedule or sensor name; the message names their modules.
    """
    from headwater.definitions.automation.partitioned_schedule import (
        UnresolvedPartitionedScheduleDefinition,
    )
    from headwater.definitions.automation.schedules import ScheduleDefinition
    from headwater.definitions.automation.sensors import SensorDefinition

    scope = ModuleScope(modules, _loadable_types())
    return Definitions(
        assets=[item for item in scope.objects if is_asset(item)],
        asset_checks=scope.of_type(AssetChecksDefinition),
        schedules=scope.of_type(ScheduleDefinition, UnresolvedPartitionedScheduleDefinition),
        sensors=scope.of_type(SensorDefinition),
        jobs=scope.of_type(JobDefinition, UnresolvedAssetJobDefinition),
        resources=resources,
        loggers=loggers,
        executor=executor,
    )


def load_definitions_from_module(
    module: ModuleType,
    resources: Mapping[str, Any] | None = None,
    loggers: Mapping[str, Any] | None = None,
    executor: ExecutorDefinition | None = None,
) -> Definitions:
    """Like :func:`load_definitions_from_modules`, for one module."""
    return load_definitions_from_modules([module], resources, loggers, executor)


def load_definitions_from_current_module(
    resources: Mapping[str, Any] | None = None,
    loggers: Mapping[str, Any] | None = None,
    executor: ExecutorDefinition | None = None,
) -> Definitions:
    """Like :func:`load_definitions_from_modules`, for the module calling this function.

    Only what the module has defined when the call runs is found: call it last, e.g.
    ``defs = load_definitions_from_current_module(resources={...})``.
    """
    return load_definitions_from_modules([caller_module(1)], resources, loggers, executor)


def load_definitions_from_package_module(
    package_module: ModuleType,
    resources: Mapping[str, Any] | None = None,
    loggers: Mapping[str, Any] | None = None,
    executor: ExecutorDefinition | None = None,
) -> Definitions:
    """Like :func:`load_definitions_from_modules`, for a package and all its modules.

    Every module of the package is imported, recursively.
    """
    return load_definitions_from_modules(
        find_modules_in_package(package_module), resources, loggers, executor
    )


def load_definitions_from_package_name(
    package_name: str,
    resources: Mapping[str, Any] | None = None,
    loggers: Mapping[str, Any] | None = None,
    executor: ExecutorDefinition | None = None,
) -> Definitions:
    """Like :func:`load_definitions_from_package_module`, importing the package by name first."""
    return load_definitions_from_package_module(
        import_package(package_name), resources, loggers, executor
    )
