"""The cached asset list follows storage: materializations of runs in progress and finished."""

from __future__ import annotations

import json
import time
from pathlib import Path

from headwater.core.run_status import RunStatus
from headwater.snapshot.events import AssetEventData, EventType, RunEvent
from headwater.snapshot.runs import RunRecord
from headwater.storage.instance import Instance
from headwater.webserver.asset_index import AssetIndex

from .conftest import Served


def materialize(instance: Instance, run_id: str, key: str) -> None:
    instance.storage.store_event(RunEvent(
        run_id=run_id, event_type=EventType.ASSET_MATERIALIZATION, timestamp=time.time(),
        step_key=key, data=AssetEventData(asset_key=[key])))


def listed(index: AssetIndex) -> dict[str, dict[str, object]]:
    return {"/".join(item["key"]): item for item in json.loads(index.response())["assets"]}


def test_asset_list_follows_runs_in_progress_and_finished(served: Served,
                                                          tmp_path: Path) -> None:
    instance = Instance(tmp_path)
    try:
        index = AssetIndex(served.workspace, instance)
        first = index.response()
        assert index.response() is first  # nothing changed: the encoded answer is reused
        assert listed(index)["raw_orders"]["latest_materialization"] is None
        storage = instance.storage
        storage.add_run(RunRecord(run_id="r1", job_name="orders_job", location_name="api",
                                  status=RunStatus.STARTED))
        assert listed(index)["order_total"]["latest_run_status"] == "STARTED"
        # While r1 runs, what it targets (orders_job's assets) is re-read on every request.
        materialize(instance, "r1", "raw_orders")
        assert listed(index)["raw_orders"]["latest_materialization"]["run_id"] == "r1"
        materialize(instance, "r1", "order_total")
        storage.update_run_status("r1", RunStatus.SUCCESS)
        items = listed(index)
        assert items["order_total"]["latest_materialization"]["run_id"] == "r1"
        assert items["order_total"]["latest_run_status"] == "SUCCESS"
        assert items["paint"]["latest_run_status"] is None
    finally:
        instance.dispose()
