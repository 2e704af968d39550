"""headwater: an asset-oriented data orchestrator for Python.

``import headwater as hw`` (or ``as dg``) gives the whole user-facing API. The names are
imported on first use (PEP 562), so ``import headwater`` stays fast and a
location pays only for the parts of the API it uses.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from headwater.definitions.asset_checks import (
        AssetChecksDefinition,
        AssetCheckSpec,
        asset_check,
        multi_asset_check,
    )
    from headwater.definitions.asset_decorators import asset, multi_asset
    from headwater.definitions.asset_job import define_asset_job
    from headwater.definitions.asset_key import AssetCheckKey, AssetKey
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
    from headwater.definitions.asset_selection import AssetSelection
    from headwater.definitions.asset_sensors import AssetSensorDefinition, asset_sensor
    from headwater.definitions.asset_specs import AssetDep, AssetIn, AssetOut, AssetSpec
    from headwater.definitions.assets import AssetsDefinition
    from headwater.definitions.config import Config, RunConfig
    from headwater.definitions.configurable import (
        ConfigurableIOManager,
        ConfigurableIOManagerFactory,
        ConfigurableResource,
    )
    from headwater.definitions.context import (
        AssetCheckExecutionContext,
        AssetExecutionContext,
        OpExecutionContext,
        build_asset_context,
        build_op_context,
    )
    from headwater.definitions.definitions_class import Definitions, definitions
    from headwater.definitions.definitions_loaders import (
        load_definitions_from_current_module,
        load_definitions_from_module,
        load_definitions_from_modules,
        load_definitions_from_package_module,
        load_definitions_from_package_name,
    )
    from headwater.definitions.env_var import EnvVar
    from headwater.definitions.event_log_entry import EventLogEntry
    from headwater.definitions.executors import (
        ExecutorDefinition,
        celery_executor,
        in_process_executor,
        multiprocess_executor,
    )
    from headwater.definitions.graphs import GraphDefinition, GraphOut, graph
    from headwater.definitions.io_managers import (
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
    from headwater.definitions.jobs import JobDefinition, job
    from headwater.definitions.logger import get_logger
    from headwater.definitions.metadata import MetadataValue
    from headwater.definitions.metadata_table import (
        TableColumn,
        TableColumnConstraints,
        TableRecord,
        TableSchema,
    )
    from headwater.definitions.module_loaders import repository
    from headwater.definitions.ops import DynamicOut, In, Nothing, OpDefinition, Out, op
    from headwater.definitions.partitioned_schedule import build_schedule_from_partitioned_job
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
    from headwater.definitions.resources import (
        InitResourceContext,
        ResourceDefinition,
        ResourceParam,
        build_init_resource_context,
        resource,
    )
    from headwater.definitions.results import (
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
    from headwater.definitions.retries import Backoff, Jitter, RetryPolicy
    from headwater.definitions.run_request import RunRequest, SensorResult, SkipReason
    from headwater.definitions.run_status import DagsterRunStatus, RunStatus
    from headwater.definitions.run_status_sensor_context import (
        RunFailureSensorContext,
        RunStatusSensorContext,
    )
    from headwater.definitions.run_status_sensors import (
        RunStatusSensorDefinition,
        run_failure_sensor,
        run_status_sensor,
    )
    from headwater.definitions.schedule_context import (
        ScheduleEvaluationContext,
        build_schedule_context,
    )
    from headwater.definitions.schedules import (
        DefaultScheduleStatus,
        ScheduleDefinition,
        schedule,
    )
    from headwater.definitions.sensor_contexts import SensorEvaluationContext, build_sensor_context
    from headwater.definitions.sensors import DefaultSensorStatus, SensorDefinition, sensor
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

__version__ = "0.1.0"

_LAZY: dict[str, str] = {
    "AssetCheckEvaluation": "headwater.execution.results",
    "AssetCheckExecutionContext": "headwater.definitions.context",
    "AssetCheckKey": "headwater.definitions.asset_key",
    "AssetCheckResult": "headwater.definitions.results",
    "AssetCheckSeverity": "headwater.definitions.results",
    "AssetCheckSpec": "headwater.definitions.asset_checks",
    "AssetChecksDefinition": "headwater.definitions.asset_checks",
    "AssetDep": "headwater.definitions.asset_specs",
    "AssetExecutionContext": "headwater.definitions.context",
    "AssetIn": "headwater.definitions.asset_specs",
    "AssetKey": "headwater.definitions.asset_key",
    "AssetMaterialization": "headwater.definitions.results",
    "AssetObservation": "headwater.definitions.results",
    "AssetOut": "headwater.definitions.asset_specs",
    "AssetSelection": "headwater.definitions.asset_selection",
    "AssetSensorDefinition": "headwater.definitions.asset_sensors",
    "AssetSpec": "headwater.definitions.asset_specs",
    "AssetValueLoader": "headwater.execution.asset_value",
    "AssetsDefinition": "headwater.definitions.assets",
    "Backoff": "headwater.definitions.retries",
    "Config": "headwater.definitions.config",
    "ConfigError": "headwater.errors",
    "ConfigurableIOManager": "headwater.definitions.configurable",
    "ConfigurableIOManagerFactory": "headwater.definitions.configurable",
    "ConfigurableResource": "headwater.definitions.configurable",
    "DagsterInstance": "headwater.storage.instance",
    "DagsterRunStatus": "headwater.definitions.run_status",
    "DailyPartitionsDefinition": "headwater.definitions.partitions",
    "DataVersion": "headwater.definitions.results",
    "DefaultScheduleStatus": "headwater.definitions.schedules",
    "DefaultSensorStatus": "headwater.definitions.sensors",
    "DefinitionError": "headwater.errors",
    "Definitions": "headwater.definitions.definitions_class",
    "DynamicOut": "headwater.definitions.ops",
    "DynamicOutput": "headwater.definitions.results",
    "DynamicPartitionsDefinition": "headwater.definitions.partitions",
    "EnvVar": "headwater.definitions.env_var",
    "EnvVarError": "headwater.errors",
    "EventLogEntry": "headwater.definitions.event_log_entry",
    "ExecuteInProcessResult": "headwater.execution.results",
    "ExecutorDefinition": "headwater.definitions.executors",
    "Failure": "headwater.errors",
    "FilesystemIOManager": "headwater.definitions.io_managers",
    "GraphDefinition": "headwater.definitions.graphs",
    "GraphOut": "headwater.definitions.graphs",
    "HeadwaterError": "headwater.errors",
    "HourlyPartitionsDefinition": "headwater.definitions.partitions",
    "IOManager": "headwater.definitions.io_managers",
    "IOManagerDefinition": "headwater.definitions.io_managers",
    "In": "headwater.definitions.ops",
    "InMemoryIOManager": "headwater.definitions.io_managers",
    "InitResourceContext": "headwater.definitions.resources",
    "InputContext": "headwater.definitions.io_managers",
    "Instance": "headwater.storage.instance",
    "InvalidDefinitionError": "headwater.errors",
    "InvalidOutputError": "headwater.errors",
    "Jitter": "headwater.definitions.retries",
    "JobDefinition": "headwater.definitions.jobs",
    "LoadError": "headwater.errors",
    "MaterializeResult": "headwater.definitions.results",
    "MetadataValue": "headwater.definitions.metadata",
    "MonthlyPartitionsDefinition": "headwater.definitions.partitions",
    "MultiPartitionKey": "headwater.definitions.partitions",
    "MultiPartitionsDefinition": "headwater.definitions.partitions",
    "NotFoundError": "headwater.errors",
    "Nothing": "headwater.definitions.ops",
    "ObserveResult": "headwater.definitions.results",
    "OpDefinition": "headwater.definitions.ops",
    "OpExecutionContext": "headwater.definitions.context",
    "Out": "headwater.definitions.ops",
    "Output": "headwater.definitions.results",
    "OutputContext": "headwater.definitions.io_managers",
    "PartitionKeyRange": "headwater.definitions.partitions",
    "PartitionsDefinition": "headwater.definitions.partitions",
    "RepositoryDefinition": "headwater.definitions.repository_def",
    "ResourceDefinition": "headwater.definitions.resources",
    "ResourceParam": "headwater.definitions.resources",
    "RetryPolicy": "headwater.definitions.retries",
    "RetryRequested": "headwater.errors",
    "RunConfig": "headwater.definitions.config",
    "RunFailedError": "headwater.errors",
    "RunFailureSensorContext": "headwater.definitions.run_status_sensor_context",
    "RunRequest": "headwater.definitions.run_request",
    "RunStatus": "headwater.definitions.run_status",
    "RunStatusSensorContext": "headwater.definitions.run_status_sensor_context",
    "RunStatusSensorDefinition": "headwater.definitions.run_status_sensors",
    "ScheduleDefinition": "headwater.definitions.schedules",
    "ScheduleEvaluationContext": "headwater.definitions.schedule_context",
    "SensorDefinition": "headwater.definitions.sensors",
    "SensorEvaluationContext": "headwater.definitions.sensor_contexts",
    "SensorResult": "headwater.definitions.run_request",
    "SkipReason": "headwater.definitions.run_request",
    "StaticPartitionsDefinition": "headwater.definitions.partitions",
    "StepFailure": "headwater.errors",
    "TableColumn": "headwater.definitions.metadata_table",
    "TableColumnConstraints": "headwater.definitions.metadata_table",
    "TableRecord": "headwater.definitions.metadata_table",
    "TableSchema": "headwater.definitions.metadata_table",
    "TimeWindow": "headwater.definitions.partitions",
    "TimeWindowPartitionsDefinition": "headwater.definitions.partitions",
    "UserCodeError": "headwater.errors",
    "WeeklyPartitionsDefinition": "headwater.definitions.partitions",
    "asset": "headwater.definitions.asset_decorators",
    "asset_check": "headwater.definitions.asset_checks",
    "asset_sensor": "headwater.definitions.asset_sensors",
    "build_asset_context": "headwater.definitions.context",
    "build_init_resource_context": "headwater.definitions.resources",
    "build_input_context": "headwater.definitions.io_managers",
    "build_op_context": "headwater.definitions.context",
    "build_output_context": "headwater.definitions.io_managers",
    "build_schedule_context": "headwater.definitions.schedule_context",
    "build_schedule_from_partitioned_job": "headwater.definitions.partitioned_schedule",
    "build_sensor_context": "headwater.definitions.sensor_contexts",
    "celery_executor": "headwater.definitions.executors",
    "create_repository_using_definitions_args": "headwater.definitions.repository_args",
    "define_asset_job": "headwater.definitions.asset_job",
    "definitions": "headwater.definitions.definitions_class",
    "file_relative_path": "headwater.definitions.paths",
    "fs_io_manager": "headwater.definitions.io_managers",
    "get_logger": "headwater.definitions.logger",
    "graph": "headwater.definitions.graphs",
    "in_process_executor": "headwater.definitions.executors",
    "io_manager": "headwater.definitions.io_managers",
    "job": "headwater.definitions.jobs",
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
    "materialize": "headwater.execution.in_process_api",
    "materialize_to_memory": "headwater.execution.in_process_api",
    "mem_io_manager": "headwater.definitions.io_managers",
    "multi_asset": "headwater.definitions.asset_decorators",
    "multi_asset_check": "headwater.definitions.asset_checks",
    "multiprocess_executor": "headwater.definitions.executors",
    "op": "headwater.definitions.ops",
    "repository": "headwater.definitions.module_loaders",
    "resource": "headwater.definitions.resources",
    "run_failure_sensor": "headwater.definitions.run_status_sensors",
    "run_status_sensor": "headwater.definitions.run_status_sensors",
    "schedule": "headwater.definitions.schedules",
    "sensor": "headwater.definitions.sensors",
    "validate_run_config": "headwater.execution.validation",
    "with_resources": "headwater.definitions.with_resources",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
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
