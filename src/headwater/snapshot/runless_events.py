"""``report_runless_asset_event``'s events: an ``AssetMaterialization``, ``AssetObservation``
or ``AssetCheckEvaluation`` turned into the stored form of ``snapshot/runless_records.py``."""

from __future__ import annotations

from typing import Any

from headwater.core.names import DATA_VERSION_TAG
from headwater.definitions.metadata import normalize_metadata
from headwater.definitions.ops.results import AssetMaterialization, AssetObservation
from headwater.errors import InvalidInvocationError
from headwater.snapshot.events import EventType, RunEvent
from headwater.snapshot.metadata import metadata_to_snap, truncate_metadata
from headwater.snapshot.runless_records import runless_asset_event, runless_check_event

#: Metadata of one reported event is cut down to this many bytes of JSON.
MAX_REPORTED_METADATA_BYTES = 256 * 1024


def runless_event(asset_event: Any, timestamp: float | None = None) -> RunEvent:
    """The stored form of an ``AssetMaterialization``, ``AssetObservation`` or
    ``AssetCheckEvaluation`` reported outside a run."""
    if isinstance(asset_event, (AssetMaterialization, AssetObservation)):
        return runless_asset_event(
            EventType.ASSET_MATERIALIZATION if isinstance(asset_event, AssetMaterialization)
            else EventType.ASSET_OBSERVATION,
            asset_event.asset_key.path,
            partition=asset_event.partition, description=asset_event.description,
            metadata=_metadata(asset_event.metadata), tags=asset_event.tags,
            data_version=asset_event.tags.get(DATA_VERSION_TAG), timestamp=timestamp,
        )
    if hasattr(asset_event, "check_name") and hasattr(asset_event, "passed"):
        severity = getattr(asset_event, "severity", "ERROR")
        return runless_check_event(
            asset_event.asset_key.path, asset_event.check_name, bool(asset_event.passed),
            severity=str(getattr(severity, "value", severity)),
            description=getattr(asset_event, "description", None),
            metadata=_metadata(getattr(asset_event, "metadata", None)),
            partition=getattr(asset_event, "partition", None), timestamp=timestamp,
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
