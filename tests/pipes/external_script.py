"""An external process written with the real ``dagster_pipes`` package (run by the tests)."""

import os
import sys

from dagster_pipes import open_dagster_pipes

with open_dagster_pipes() as pipes:
    mode = pipes.get_extra("mode")
    pipes.log.info(f"external started for {pipes.asset_key} in run {pipes.run_id}")
    print("plain stdout from the external process")
    print("plain stderr from the external process", file=sys.stderr)
    if mode == "fail":
        raise RuntimeError("the external job broke")
    if mode == "report":
        partition = pipes.partition_key if pipes.is_partition_step else None
        pipes.report_asset_materialization(
            metadata={"rows": 42, "source": {"raw_value": "s3://bucket/x", "type": "url"},
                      "partition": partition},
            data_version="v42",
        )
        pipes.report_asset_check(check_name="rows_positive", passed=True,
                                 metadata={"rows": 42})
        pipes.report_custom_message({"pid": os.getpid()})
