"""Names headwater reserves: the run tags it sets and reads (all under ``headwater/``) and the
jobs it makes itself. Both user code and the host processes read them."""

from __future__ import annotations

# Run tags ------------------------------------------------------------------------------------

#: The schedule whose tick requested the run.
SCHEDULE_NAME_TAG = "headwater/schedule_name"
#: The sensor whose tick requested the run.
SENSOR_NAME_TAG = "headwater/sensor_name"
#: The run key a schedule or sensor gave the run; one run per key and instigator.
RUN_KEY_TAG = "headwater/run_key"
#: The partition the run materializes.
PARTITION_TAG = "headwater/partition"
#: First and last partition of a run over a range of partitions (a single-run backfill).
ASSET_PARTITION_RANGE_START_TAG = "headwater/asset_partition_range_start"
ASSET_PARTITION_RANGE_END_TAG = "headwater/asset_partition_range_end"
#: The run this one re-executes.
PARENT_RUN_TAG = "headwater/parent_run_id"
#: The first run of a re-execution group.
ROOT_RUN_TAG = "headwater/root_run_id"
#: The repository (of a location with several) whose job the run executes.
REPOSITORY_TAG = "headwater/repository"
#: The backfill that submitted the run.
BACKFILL_TAG = "headwater/backfill"
#: Seconds a run may stay STARTED before the run monitor fails it (Dagster's tag).
MAX_RUNTIME_SECONDS_TAG = "dagster/max_runtime"
#: The asset's code version when a materialization was made (tells "code version changed").
CODE_VERSION_TAG = "headwater/code_version"
#: The data version of an asset event (observation or materialization), as Dagster tags it.
DATA_VERSION_TAG = "dagster/data_version"
#: Prefix of a materialization's tags recording each parent's data version when it was made
#: (``dagster/input_data_version/<parent key>``, as Dagster): they tell "upstream changed".
INPUT_DATA_VERSION_TAG_PREFIX = "dagster/input_data_version/"

# Job names -----------------------------------------------------------------------------------

#: Run id and job name of asset events reported outside any run (external assets).
RUNLESS_RUN_ID = ""
RUNLESS_JOB_NAME = "__RUNLESS_JOB__"

#: The implicit job over every asset of a repository.
IMPLICIT_ASSET_JOB_NAME = "__ASSET_JOB"
#: Prefix of the jobs made for schedules and sensors that target an asset selection.
ANONYMOUS_ASSET_JOB_PREFIX = "__anonymous_asset_job"
