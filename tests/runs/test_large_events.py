"""An event too large for the log is cut down with a note; the run itself never fails for it."""

from __future__ import annotations

from pathlib import Path

import headwater as hw
from headwater.execution.reporting import MAX_EVENT_METADATA_BYTES
from headwater.snapshot.events import AssetEventData, EventType
from headwater.storage.instance import Instance
from headwater.storage.sql_events import MAX_EVENT_BYTES


@hw.asset
def bulky(context: hw.AssetExecutionContext) -> int:
    context.add_output_metadata(
        {"rows": 3, "dump": "x" * (4 * MAX_EVENT_METADATA_BYTES), "preview": "small"}
    )
    context.log.info("y" * 2_000_000)
    return 3


def test_oversized_metadata_and_log_lines_are_truncated_and_stored(tmp_path: Path) -> None:
    instance = Instance.ephemeral(tmp_path)
    try:
        result = hw.materialize_to_memory([bulky])
        assert result.success
        ids = instance.storage.store_events([e.run_event for e in result.all_events])
        assert len(ids) == len(result.all_events)
        stored = instance.storage.get_events(result.run_id)
        assert [r.event.event_type for r in stored] == [e.event_type for e in result.all_events]
        [materialization] = [
            r.event for r in stored if r.event.event_type is EventType.ASSET_MATERIALIZATION
        ]
        data = materialization.data
        assert isinstance(data, AssetEventData)
        assert data.metadata["rows"].value == 3  # type: ignore[union-attr]
        assert data.metadata["preview"].value == "small"  # type: ignore[union-attr]
        note = data.metadata["dump"].value  # type: ignore[union-attr]
        assert "truncated" in note.lower() and len(note) < 1000
        [log] = [r.event for r in stored if r.event.event_type is EventType.LOG]
        assert len(log.message.encode()) < MAX_EVENT_BYTES
        assert log.message.startswith("yyy") and "message truncated" in log.message
    finally:
        instance.dispose()
