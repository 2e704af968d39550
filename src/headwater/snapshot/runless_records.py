"""The stored form of asset events reported outside any run (external assets), from plain
values: both ``instance.report_runless_asset_event`` (``snapshot/runless_events.py``) and the
webserver's report endpoints build their events here, so they are stored alike.

A runless event is an ordinary stored event whose ``run_id`` is empty, so every reader of the
asset index (latest materialization, partition status, checks) sees it like any other.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from headwater.core.names import DATA_VERSION_TAG, RUNLESS_JOB_NAME, RUNLESS_RUN_ID
from headwater.snapshot.events import AssetCheckData, AssetEventData, EventType, RunEvent
from headwater.snapshot.metadata_types import MetadataEntrySnap


def runless_asset_event(
    event_type: EventType,
    asset_key: Sequence[str],
    *,
    partition: str | None = None,
    description: str | None = None,
    metadata: Mapping[str, MetadataEntrySnap] | None = None,
    tags: Mapping[str, str] | None = None,
    data_version: str | None = None,
    timestamp: float | None = None,
) -> RunEvent:
    """A materialization or observation reported outside a run (the data version also goes
    into the ``dagster/data_version`` tag, as on events of runs)."""
    all_tags = dict(tags or {})
    if data_version is not None:
        all_tags.setdefault(DATA_VERSION_TAG, data_version)
    verb = "Materialized" if event_type is EventType.ASSET_MATERIALIZATION else "Observed"
    return RunEvent(
        run_id=RUNLESS_RUN_ID, job_name=RUNLESS_JOB_NAME, event_type=event_type,
        timestamp=time.time() if timestamp is None else timestamp,
        message=f"{verb} {'/'.join(asset_key)} (reported outside a run).",
        data=AssetEventData(asset_key=list(asset_key), partition=partition,
                            description=description, metadata=dict(metadata or {}),
                            tags=all_tags, data_version=data_version),
    )


def runless_check_event(
    asset_key: Sequence[str],
    check_name: str,
    passed: bool,
    *,
    severity: str = "ERROR",
    description: str | None = None,
    metadata: Mapping[str, MetadataEntrySnap] | None = None,
    partition: str | None = None,
    timestamp: float | None = None,
) -> RunEvent:
    """An asset check result reported outside a run."""
    return RunEvent(
        run_id=RUNLESS_RUN_ID, job_name=RUNLESS_JOB_NAME,
        event_type=EventType.ASSET_CHECK_EVALUATION,
        timestamp=time.time() if timestamp is None else timestamp,
        message=(f"Check {check_name} of {'/'.join(asset_key)} "
                 f"{'passed' if passed else 'failed'} (reported outside a run)."),
        data=AssetCheckData(asset_key=list(asset_key), check_name=check_name, passed=passed,
                            severity=severity, description=description,
                            metadata=dict(metadata or {}), partition=partition),
    )
