"""headwater: an asset-oriented data orchestrator for Python.

``import headwater as hw`` (or ``as dg``) gives the whole user-facing API. The names are
imported on first use (PEP 562), so ``import headwater`` stays fast and a
location pays only for the parts of the API it uses.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from headwater.core.run_status import DagsterRunStatus, RunStatus
    from headwater.core.version import __version__ as __version__
    from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey
    from headwater.definitions.asset_loaders import (
        load_asset_checks_from_current_module,
        load_asset_checks_from_modules,
        load_asset_checks_from_package_module,
        load_asset_checks_from_package_name,
        load_assets_from_current_module,
        load_assets_from_modules,
        load_assets_from_package_module,
        load_assets_from_package_name,
    )
    from headwater.definitions.assets.asset_job import define_asset_job
    from headwater.definitions.assets.assets_definition import AssetsDefinition
    from headwater.definitions.assets.checks import (
        AssetChecksDefinition,
        AssetCheckSpec,
        asset_check,
        multi_asset_check,
    )
    from headwater.definitions.assets.decorators import asset, multi_asset
    from headwater.definitions.assets.specs import AssetDep, AssetIn, AssetOut, AssetSpec
    from headwater.definitions.automation.asset_sensors import AssetSensorDefinition, asset_sensor
    from headwater.definitions.automation.event_log_entry import EventLogEntry
    from headwater.definitions.automation.partitioned_schedule import (
        build_schedule_from_partitioned_job,
    )
    from headwater.definitions.automation.run_request import RunRequest, SensorResult, SkipReason
    from headwater.definitions.automation.run_status_sensor_context import (
        RunFailureSensorContext,
        RunStatusSensorContext,
    )
    from headwater.definitions.automation.run_status_sensors import (
        RunStatusSensorDefinition,
        run_failure_sensor,
        run_status_sensor,
    )
    from headwater.definitions.automation.schedule_context import (
        ScheduleEvaluationContext,
        build_schedule_context,
    )
    from headwater.definitions.automation.schedules import (
        DefaultScheduleStatus,
        ScheduleDefinition,
        schedule,
    )
    from headwater.definitions.automation.sensor_contexts import (
        SensorEvaluationContext,
        build_sensor_context,
    )
    from headwater.definitions.automation.sensors import (
        DefaultSensorStatus,
        SensorDefinition,
        sensor,
    )
    from headwater.definitions.components.core_components import (
        DefinitionsComponent,
        DefsFolderComponent,
        FunctionComponent,
        PythonScriptComponent,
    )
    from headwater.definitions.components.defs_folder import (
        ComponentLoadContext,
        load_defs,
        load_from_defs_folder,
    )
    from headwater.definitions.config.configurable import (
        ConfigurableIOManager,
        ConfigurableIOManagerFactory,
        ConfigurableResource,
    )
    from headwater.definitions.config.env_var import EnvVar
    from headwater.definitions.config.io_managers import (
        FilesystemIOManager,
        InMemoryIOManager,
        InputContext,
        IOManager,
        IOManagerDefinition,
        OutputContext,
        build_input_context,
        build_output_context,
        fs_io_manager,
        io_manager,
        mem_io_manager,
    )
    from headwater.definitions.config.pythonic import Config, RunConfig
    from headwater.definitions.config.resources import (
        InitResourceContext,
        ResourceDefinition,
        ResourceParam,
        build_init_resource_context,
        resource,
    )
    from headwater.definitions.definitions_class import Definitions, definitions
    from headwater.definitions.definitions_loaders import (
        load_definitions_from_current_module,
        load_definitions_from_module,
        load_definitions_from_modules,
        load_definitions_from_package_module,
        load_definitions_from_package_name,
    )
    from headwater.definitions.metadata import MetadataValue
    from headwater.definitions.metadata.table import (
        TableColumn,
        TableColumnConstraints,
        TableRecord,
        TableSchema,
    )
    from headwater.definitions.module_loaders import repository
    from headwater.definitions.ops.context import (
        AssetCheckExecutionContext,
        AssetExecutionContext,
        OpExecutionContext,
        build_asset_context,
        build_op_context,
    )
    from headwater.definitions.ops.executors import (
        ExecutorDefinition,
        celery_executor,
        in_process_executor,
        multiprocess_executor,
    )
    from headwater.definitions.ops.graphs import GraphDefinition, GraphOut, graph
    from headwater.definitions.ops.jobs import JobDefinition, job
    from headwater.definitions.ops.logger import get_logger
    from headwater.definitions.ops.op_definition import (
        DynamicOut,
        In,
        Nothing,
        OpDefinition,
        Out,
        op,
    )
    from headwater.definitions.ops.results import (
        AssetCheckResult,
        AssetCheckSeverity,
        AssetMaterialization,
        AssetObservation,
        DataVersion,
        DynamicOutput,
        MaterializeResult,
        ObserveResult,
        Output,
    )
    from headwater.definitions.ops.retries import Backoff, Jitter, RetryPolicy
    from headwater.definitions.partitions import (
        DailyPartitionsDefinition,
        DynamicPartitionsDefinition,
        HourlyPartitionsDefinition,
        MonthlyPartitionsDefinition,
        MultiPartitionKey,
        MultiPartitionsDefinition,
        PartitionKeyRange,
        PartitionsDefinition,
        StaticPartitionsDefinition,
        TimeWindow,
        TimeWindowPartitionsDefinition,
        WeeklyPartitionsDefinition,
    )
    from headwater.definitions.paths import file_relative_path
    from headwater.definitions.repository_args import create_repository_using_definitions_args
    from headwater.definitions.repository_def import RepositoryDefinition
    from headwater.definitions.selection.asset_selection import AssetSelection
    from headwater.definitions.with_resources import with_resources
    from headwater.errors import (
        ConfigError,
        DefinitionError,
        EnvVarError,
        Failure,
        HeadwaterError,
        InvalidDefinitionError,
        InvalidOutputError,
        LoadError,
        NotFoundError,
        RetryRequested,
        RunFailedError,
        StepFailure,
        UserCodeError,
    )
    from headwater.execution.asset_value import AssetValueLoader
    from headwater.execution.in_process_api import materialize, materialize_to_memory
    from headwater.execution.results import AssetCheckEvaluation, ExecuteInProcessResult
    from headwater.execution.validation import validate_run_config
    from headwater.storage.instance import DagsterInstance, Instance


_LAZY: dict[str, str] = {
    "AssetCheckEvaluation": "headwater.execution.results",
    "AssetCheckExecutionContext": "headwater.definitions.ops.context",
    "AssetCheckKey": "headwater.definitions.asset_graph.keys",
    "AssetCheckResult": "headwater.definitions.ops.results",
    "AssetCheckSeverity": "headwater.definitions.ops.results",
    "AssetCheckSpec": "headwater.definitions.assets.checks",
    "AssetChecksDefinition": "headwater.definitions.assets.checks",
    "AssetDep": "headwater.definitions.assets.specs",
    "AssetExecutionContext": "headwater.definitions.ops.context",
    "AssetIn": "headwater.definitions.assets.specs",
    "AssetKey": "headwater.definitions.asset_graph.keys",
    "AssetMaterialization": "headwater.definitions.ops.results",
    "AssetObservation": "headwater.definitions.ops.results",
    "AssetOut": "headwater.definitions.assets.specs",
    "AssetSelection": "headwater.definitions.selection.asset_selection",
    "AssetSensorDefinition": "headwater.definitions.automation.asset_sensors",
    "AssetSpec": "headwater.definitions.assets.specs",
    "AssetValueLoader": "headwater.execution.asset_value",
    "AssetsDefinition": "headwater.definitions.assets.assets_definition",
    "Backoff": "headwater.definitions.ops.retries",
    "ComponentLoadContext": "headwater.definitions.components.defs_folder",
    "Config": "headwater.definitions.config.pythonic",
    "ConfigError": "headwater.errors",
    "ConfigurableIOManager": "headwater.definitions.config.configurable",
    "ConfigurableIOManagerFactory": "headwater.definitions.config.configurable",
    "ConfigurableResource": "headwater.definitions.config.configurable",
    "DagsterInstance": "headwater.storage.instance",
    "DagsterRunStatus": "headwater.core.run_status",
    "DailyPartitionsDefinition": "headwater.definitions.partitions",
    "DataVersion": "headwater.definitions.ops.results",
    "DefaultScheduleStatus": "headwater.definitions.automation.schedules",
    "DefaultSensorStatus": "headwater.definitions.automation.sensors",
    "DefinitionError": "headwater.errors",
    "Definitions": "headwater.definitions.definitions_class",
    "DefinitionsComponent": "headwater.definitions.components.core_components",
    "DefsFolderComponent": "headwater.definitions.components.core_components",
    "DynamicOut": "headwater.definitions.ops.op_definition",
    "DynamicOutput": "headwater.definitions.ops.results",
    "DynamicPartitionsDefinition": "headwater.definitions.partitions",
    "EnvVar": "headwater.definitions.config.env_var",
    "EnvVarError": "headwater.errors",
    "EventLogEntry": "headwater.definitions.automation.event_log_entry",
    "ExecuteInProcessResult": "headwater.execution.results",
    "ExecutorDefinition": "headwater.definitions.ops.executors",
    "Failure": "headwater.errors",
    "FilesystemIOManager": "headwater.definitions.config.io_managers",
    "FunctionComponent": "headwater.definitions.components.core_components",
    "GraphDefinition": "headwater.definitions.ops.graphs",
    "GraphOut": "headwater.definitions.ops.graphs",
    "HeadwaterError": "headwater.errors",
    "HourlyPartitionsDefinition": "headwater.definitions.partitions",
    "IOManager": "headwater.definitions.config.io_managers",
    "IOManagerDefinition": "headwater.definitions.config.io_managers",
    "In": "headwater.definitions.ops.op_definition",
    "InMemoryIOManager": "headwater.definitions.config.io_managers",
    "InitResourceContext": "headwater.definitions.config.resources",
    "InputContext": "headwater.definitions.config.io_managers",
    "Instance": "headwater.storage.instance",
    "InvalidDefinitionError": "headwater.errors",
    "InvalidOutputError": "headwater.errors",
    "Jitter": "headwater.definitions.ops.retries",
    "JobDefinition": "headwater.definitions.ops.jobs",
    "LoadError": "headwater.errors",
    "MaterializeResult": "headwater.definitions.ops.results",
    "MetadataValue": "headwater.definitions.metadata",
    "MonthlyPartitionsDefinition": "headwater.definitions.partitions",
    "MultiPartitionKey": "headwater.definitions.partitions",
    "MultiPartitionsDefinition": "headwater.definitions.partitions",
    "NotFoundError": "headwater.errors",
    "Nothing": "headwater.definitions.ops.op_definition",
    "ObserveResult": "headwater.definitions.ops.results",
    "OpDefinition": "headwater.definitions.ops.op_definition",
    "OpExecutionContext": "headwater.definitions.ops.context",
    "Out": "headwater.definitions.ops.op_definition",
    "Output": "headwater.definitions.ops.results",
    "OutputContext": "headwater.definitions.config.io_managers",
    "PartitionKeyRange": "headwater.definitions.partitions",
    "PartitionsDefinition": "headwater.definitions.partitions",
    "PythonScriptComponent": "headwater.definitions.components.core_components",
    "RepositoryDefinition": "headwater.definitions.repository_def",
    "ResourceDefinition": "headwater.definitions.config.resources",
    "ResourceParam": "headwater.definitions.config.resources",
    "RetryPolicy": "headwater.definitions.ops.retries",
    "RetryRequested": "headwater.errors",
    "RunConfig": "headwater.definitions.config.pythonic",
    "RunFailedError": "headwater.errors",
    "RunFailureSensorContext": "headwater.definitions.automation.run_status_sensor_context",
    "RunRequest": "headwater.definitions.automation.run_request",
    "RunStatus": "headwater.core.run_status",
    "RunStatusSensorContext": "headwater.definitions.automation.run_status_sensor_context",
    "RunStatusSensorDefinition": "headwater.definitions.automation.run_status_sensors",
    "ScheduleDefinition": "headwater.definitions.automation.schedules",
    "ScheduleEvaluationContext": "headwater.definitions.automation.schedule_context",
    "SensorDefinition": "headwater.definitions.automation.sensors",
    "SensorEvaluationContext": "headwater.definitions.automation.sensor_contexts",
    "SensorResult": "headwater.definitions.automation.run_request",
    "SkipReason": "headwater.definitions.automation.run_request",
    "StaticPartitionsDefinition": "headwater.definitions.partitions",
    "StepFailure": "headwater.errors",
    "TableColumn": "headwater.definitions.metadata.table",
    "TableColumnConstraints": "headwater.definitions.metadata.table",
    "TableRecord": "headwater.definitions.metadata.table",
    "TableSchema": "headwater.definitions.metadata.table",
    "TimeWindow": "headwater.definitions.partitions",
    "TimeWindowPartitionsDefinition": "headwater.definitions.partitions",
    "UserCodeError": "headwater.errors",
    "WeeklyPartitionsDefinition": "headwater.definitions.partitions",
    "asset": "headwater.definitions.assets.decorators",
    "asset_check": "headwater.definitions.assets.checks",
    "asset_sensor": "headwater.definitions.automation.asset_sensors",
    "build_asset_context": "headwater.definitions.ops.context",
    "build_init_resource_context": "headwater.definitions.config.resources",
    "build_input_context": "headwater.definitions.config.io_managers",
    "build_op_context": "headwater.definitions.ops.context",
    "build_output_context": "headwater.definitions.config.io_managers",
    "build_schedule_context": "headwater.definitions.automation.schedule_context",
    "build_schedule_from_partitioned_job": "headwater.definitions.automation.partitioned_schedule",
    "build_sensor_context": "headwater.definitions.automation.sensor_contexts",
    "celery_executor": "headwater.definitions.ops.executors",
    "create_repository_using_definitions_args": "headwater.definitions.repository_args",
    "define_asset_job": "headwater.definitions.assets.asset_job",
    "definitions": "headwater.definitions.definitions_class",
    "file_relative_path": "headwater.definitions.paths",
    "fs_io_manager": "headwater.definitions.config.io_managers",
    "get_logger": "headwater.definitions.ops.logger",
    "graph": "headwater.definitions.ops.graphs",
    "in_process_executor": "headwater.definitions.ops.executors",
    "io_manager": "headwater.definitions.config.io_managers",
    "job": "headwater.definitions.ops.jobs",
    "load_asset_checks_from_current_module": "headwater.definitions.asset_loaders",
    "load_asset_checks_from_modules": "headwater.definitions.asset_loaders",
    "load_asset_checks_from_package_module": "headwater.definitions.asset_loaders",
    "load_asset_checks_from_package_name": "headwater.definitions.asset_loaders",
    "load_assets_from_current_module": "headwater.definitions.asset_loaders",
    "load_assets_from_modules": "headwater.definitions.asset_loaders",
    "load_assets_from_package_module": "headwater.definitions.asset_loaders",
    "load_assets_from_package_name": "headwater.definitions.asset_loaders",
    "load_definitions_from_current_module": "headwater.definitions.definitions_loaders",
    "load_definitions_from_module": "headwater.definitions.definitions_loaders",
    "load_definitions_from_modules": "headwater.definitions.definitions_loaders",
    "load_definitions_from_package_module": "headwater.definitions.definitions_loaders",
    "load_definitions_from_package_name": "headwater.definitions.definitions_loaders",
    "load_defs": "headwater.definitions.components.defs_folder",
    "load_from_defs_folder": "headwater.definitions.components.defs_folder",
    "materialize": "headwater.execution.in_process_api",
    "materialize_to_memory": "headwater.execution.in_process_api",
    "mem_io_manager": "headwater.definitions.config.io_managers",
    "multi_asset": "headwater.definitions.assets.decorators",
    "multi_asset_check": "headwater.definitions.assets.checks",
    "multiprocess_executor": "headwater.definitions.ops.executors",
    "op": "headwater.definitions.ops.op_definition",
    "repository": "headwater.definitions.module_loaders",
    "resource": "headwater.definitions.config.resources",
    "run_failure_sensor": "headwater.definitions.automation.run_status_sensors",
    "run_status_sensor": "headwater.definitions.automation.run_status_sensors",
    "schedule": "headwater.definitions.automation.schedules",
    "sensor": "headwater.definitions.automation.sensors",
    "validate_run_config": "headwater.execution.validation",
    "with_resources": "headwater.definitions.with_resources",
}


def __getattr__(name: str) -> Any:
    module = "headwater.core.version" if name == "__version__" else _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'headwater' has no attribute '{name}'")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "AssetCheckEvaluation",
    "AssetCheckExecutionContext",
    "AssetCheckKey",
    "AssetCheckResult",
    "AssetCheckSeverity",
    "AssetCheckSpec",
    "AssetChecksDefinition",
    "AssetDep",
    "AssetExecutionContext",
    "AssetIn",
    "AssetKey",
    "AssetMaterialization",
    "AssetObservation",
    "AssetOut",
    "AssetSelection",
    "AssetSensorDefinition",
    "AssetSpec",
    "AssetValueLoader",
    "AssetsDefinition",
    "Backoff",
    "ComponentLoadContext",
    "Config",
    "ConfigError",
    "ConfigurableIOManager",
    "ConfigurableIOManagerFactory",
    "ConfigurableResource",
    "DagsterInstance",
    "DagsterRunStatus",
    "DailyPartitionsDefinition",
    "DataVersion",
    "DefaultScheduleStatus",
    "DefaultSensorStatus",
    "DefinitionError",
    "Definitions",
    "DefinitionsComponent",
    "DefsFolderComponent",
    "DynamicOut",
    "DynamicOutput",
    "DynamicPartitionsDefinition",
    "EnvVar",
    "EnvVarError",
    "EventLogEntry",
    "ExecuteInProcessResult",
    "ExecutorDefinition",
    "Failure",
    "FilesystemIOManager",
    "FunctionComponent",
    "GraphDefinition",
    "GraphOut",
    "HeadwaterError",
    "HourlyPartitionsDefinition",
    "IOManager",
    "IOManagerDefinition",
    "In",
    "InMemoryIOManager",
    "InitResourceContext",
    "InputContext",
    "Instance",
    "InvalidDefinitionError",
    "InvalidOutputError",
    "Jitter",
    "JobDefinition",
    "LoadError",
    "MaterializeResult",
    "MetadataValue",
    "MonthlyPartitionsDefinition",
    "MultiPartitionKey",
    "MultiPartitionsDefinition",
    "NotFoundError",
    "Nothing",
    "ObserveResult",
    "OpDefinition",
    "OpExecutionContext",
    "Out",
    "Output",
    "OutputContext",
    "PartitionKeyRange",
    "PartitionsDefinition",
    "PythonScriptComponent",
    "RepositoryDefinition",
    "ResourceDefinition",
    "ResourceParam",
    "RetryPolicy",
    "RetryRequested",
    "RunConfig",
    "RunFailedError",
    "RunFailureSensorContext",
    "RunRequest",
    "RunStatus",
    "RunStatusSensorContext",
    "RunStatusSensorDefinition",
    "ScheduleDefinition",
    "ScheduleEvaluationContext",
    "SensorDefinition",
    "SensorEvaluationContext",
    "SensorResult",
    "SkipReason",
    "StaticPartitionsDefinition",
    "StepFailure",
    "TableColumn",
    "TableColumnConstraints",
    "TableRecord",
    "TableSchema",
    "TimeWindow",
    "TimeWindowPartitionsDefinition",
    "UserCodeError",
    "WeeklyPartitionsDefinition",
    "asset",
    "asset_check",
    "asset_sensor",
    "build_asset_context",
    "build_init_resource_context",
    "build_input_context",
    "build_op_context",
    "build_output_context",
    "build_schedule_context",
    "build_schedule_from_partitioned_job",
    "build_sensor_context",
    "celery_executor",
    "create_repository_using_definitions_args",
    "define_asset_job",
    "definitions",
    "file_relative_path",
    "fs_io_manager",
    "get_logger",
    "graph",
    "in_process_executor",
    "io_manager",
    "job",
    "load_asset_checks_from_current_module",
    "load_asset_checks_from_modules",
    "load_asset_checks_from_package_module",
    "load_asset_checks_from_package_name",
    "load_assets_from_current_module",
    "load_assets_from_modules",
    "load_assets_from_package_module",
    "load_assets_from_package_name",
    "load_definitions_from_current_module",
    "load_definitions_from_module",
    "load_definitions_from_modules",
    "load_definitions_from_package_module",
    "load_definitions_from_package_name",
    "load_defs",
    "load_from_defs_folder",
    "materialize",
    "materialize_to_memory",
    "mem_io_manager",
    "multi_asset",
    "multi_asset_check",
    "multiprocess_executor",
    "op",
    "repository",
    "resource",
    "run_failure_sensor",
    "run_status_sensor",
    "schedule",
    "sensor",
    "validate_run_config",
    "with_resources",
]
