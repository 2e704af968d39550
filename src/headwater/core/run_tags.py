"""Names of the run tags headwater itself sets and reads (all under ``headwater/``)."""

from __future__ import annotations

#: The schedule whose tick requested the run.
SCHEDULE_NAME_TAG = "headwater/schedule_name"
#: The sensor whose tick requested the run.
SENSOR_NAME_TAG = "headwater/sensor_name"
#: The run key a schedule or sensor gave the run; one run per key and instigator.
RUN_KEY_TAG = "headwater/run_key"
#: The partition the run materializes.
PARTITION_TAG = "headwater/partition"
#: The run this one re-executes.
PARENT_RUN_TAG = "headwater/parent_run_id"
#: The first run of a re-execution group.
ROOT_RUN_TAG = "headwater/root_run_id"
#: The repository (of a location with several) whose job the run executes.
REPOSITORY_TAG = "headwater/repository"
#: The backfill that submitted the run.
BACKFILL_TAG = "headwater/backfill"
