"""Asset events reported outside any run ("runless"): what ``report_runless_asset_event``
and the webserver's external-asset endpoints store.

A runless event is an ordinary stored event whose ``run_id`` is empty, so every reader of the
asset index (latest materialization, partition status, checks) sees it like any other.
"""

from __future__ import annotations

import time
from typing import Any

from headwater.core.names import RUNLESS_JOB_NAME, RUNLESS_RUN_ID
from headwater.definitions.metadata import normalize_metadata
from headwater.definitions.ops.results import AssetMaterialization, AssetObservation
from headwater.errors import InvalidInvocationError
from headwater.snapshot.events import AssetCheckData, AssetEventData, EventType, RunEvent
from headwater.snapshot.metadata import metadata_to_snap, truncate_metadata

#: Metadata of one reported event is cut down to this many bytes of JSON.
MAX_REPORTED_METADATA_BYTES = 256 * 1024


def runless_event(asset_event: Any, timestamp: float | None = None) -> RunEvent:
    """The stored form of an ``AssetMaterialization``, ``AssetObservation`` or
    ``AssetCheckEvaluation`` reported outside a run."""
    when = time.time() if timestamp is None else timestamp
    if isinstance(asset_event, (AssetMaterialization, AssetObservation)):
        materialized = isinstance(asset_event, AssetMaterialization)
        data_version = asset_event.tags.get("dagster/data_version")
        return RunEvent(
            run_id=RUNLESS_RUN_ID,
            job_name=RUNLESS_JOB_NAME,
            event_type=(EventType.ASSET_MATERIALIZATION if materialized
                        else EventType.ASSET_OBSERVATION),
            timestamp=when,
            message=(f"{'Materialized' if materialized else 'Observed'} "
                     f"{asset_event.asset_key.to_user_string()} (reported outside a run)."),
            data=AssetEventData(
                asset_key=list(asset_event.asset_key.path),
                partition=asset_event.partition,
                description=asset_event.description,
                metadata=_metadata(asset_event.metadata),
                tags=dict(asset_event.tags),
                data_version=data_version,
            ),
        )
    if hasattr(asset_event, "check_name") and hasattr(asset_event, "passed"):
        severity = getattr(asset_event, "severity", "ERROR")
        key = asset_event.asset_key
        return RunEvent(
            run_id=RUNLESS_RUN_ID,
            job_name=RUNLESS_JOB_NAME,
            event_type=EventType.ASSET_CHECK_EVALUATION,
            timestamp=when,
            message=(f"Check {asset_event.check_name} of {key.to_user_string()} "
                     f"{'passed' if asset_event.passed else 'failed'} (reported outside a run)."),
            data=AssetCheckData(
                asset_key=list(key.path),
                check_name=asset_event.check_name,
                passed=bool(asset_event.passed),
                severity=str(getattr(severity, "value", severity)),
                description=getattr(asset_event, "description", None),
                metadata=_metadata(getattr(asset_event, "metadata", None)),
                partition=getattr(asset_event, "partition", None),
            ),
        )
    raise InvalidInvocationError(
        "report_runless_asset_event takes an AssetMaterialization, AssetObservation or "
        f"AssetCheckEvaluation; got {type(asset_event).__name__}."
    )


def _metadata(raw: Any) -> dict[str, Any]:
    if not raw:
        return {}
    return truncate_metadata(metadata_to_snap(normalize_metadata(raw)),
                             MAX_REPORTED_METADATA_BYTES)
