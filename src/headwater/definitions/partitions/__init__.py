"""Partitions: how an asset or job is split into keyed slices (dates, regions, ...).

Partitions definitions (static, time-window with their daily/hourly/weekly/monthly presets,
multi-dimensional, dynamic), partition keys and ranges, time windows and their serialised form.
It imports nothing of ``definitions``; of the rest of headwater only ``core`` (cron tick math)
and ``errors``.
"""

from __future__ import annotations

from headwater.definitions.partitions.backfill_policy import BackfillPolicy, BackfillPolicyType
from headwater.definitions.partitions.base import (
    DynamicPartitionsStore,
    PartitionKeyRange,
    PartitionsDefinition,
    TimeWindow,
)
from headwater.definitions.partitions.context import (
    PartitionLoadingContext,
    partition_loading_context,
)
from headwater.definitions.partitions.dynamic import (
    AddDynamicPartitionsRequest,
    DeleteDynamicPartitionsRequest,
    DynamicPartitionsDefinition,
)
from headwater.definitions.partitions.mappings import (
    AllPartitionMapping,
    DimensionPartitionMapping,
    IdentityPartitionMapping,
    LastPartitionMapping,
    MultiPartitionMapping,
    MultiToSingleDimensionPartitionMapping,
    PartitionMapping,
    SpecificPartitionsPartitionMapping,
    StaticPartitionMapping,
    TimeWindowPartitionMapping,
    UpstreamPartitionsResult,
    infer_partition_mapping,
    partition_mapping_from_dict,
)
from headwater.definitions.partitions.multi import (
    MultiPartitionKey,
    MultiPartitionsDefinition,
    PartitionDimensionDefinition,
    PartitionDimensionKey,
)
from headwater.definitions.partitions.partitioned_config import (
    PartitionedConfig,
    daily_partitioned_config,
    dynamic_partitioned_config,
    hourly_partitioned_config,
    monthly_partitioned_config,
    partitioned_config,
    static_partitioned_config,
    weekly_partitioned_config,
)
from headwater.definitions.partitions.serialization import partitions_def_from_dict
from headwater.definitions.partitions.static import StaticPartitionsDefinition
from headwater.definitions.partitions.subsets import (
    DefaultPartitionsSubset,
    PartitionsSubset,
    TimeWindowPartitionsSubset,
    subset_from_dict,
)
from headwater.definitions.partitions.time_window import (
    DEFAULT_DATE_FORMAT,
    DEFAULT_HOURLY_FORMAT,
    TimeWindowPartitionsDefinition,
)
from headwater.definitions.partitions.time_window_presets import (
    DailyPartitionsDefinition,
    HourlyPartitionsDefinition,
    MonthlyPartitionsDefinition,
    WeeklyPartitionsDefinition,
)

__all__ = [
    "PartitionedConfig",
    "daily_partitioned_config",
    "dynamic_partitioned_config",
    "hourly_partitioned_config",
    "monthly_partitioned_config",
    "partitioned_config",
    "static_partitioned_config",
    "weekly_partitioned_config",
    "BackfillPolicy",
    "BackfillPolicyType",
    "DEFAULT_DATE_FORMAT",
    "DEFAULT_HOURLY_FORMAT",
    "AddDynamicPartitionsRequest",
    "AllPartitionMapping",
    "DailyPartitionsDefinition",
    "DefaultPartitionsSubset",
    "DeleteDynamicPartitionsRequest",
    "DimensionPartitionMapping",
    "DynamicPartitionsDefinition",
    "DynamicPartitionsStore",
    "HourlyPartitionsDefinition",
    "IdentityPartitionMapping",
    "LastPartitionMapping",
    "MonthlyPartitionsDefinition",
    "MultiPartitionKey",
    "MultiPartitionMapping",
    "MultiPartitionsDefinition",
    "MultiToSingleDimensionPartitionMapping",
    "PartitionDimensionDefinition",
    "PartitionDimensionKey",
    "PartitionKeyRange",
    "PartitionLoadingContext",
    "PartitionMapping",
    "PartitionsDefinition",
    "PartitionsSubset",
    "SpecificPartitionsPartitionMapping",
    "StaticPartitionMapping",
    "StaticPartitionsDefinition",
    "TimeWindow",
    "TimeWindowPartitionMapping",
    "TimeWindowPartitionsDefinition",
    "TimeWindowPartitionsSubset",
    "UpstreamPartitionsResult",
    "WeeklyPartitionsDefinition",
    "infer_partition_mapping",
    "partition_loading_context",
    "partition_mapping_from_dict",
    "partitions_def_from_dict",
    "subset_from_dict",
]
