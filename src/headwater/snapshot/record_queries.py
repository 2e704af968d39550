"""The filters and result pages of the instance's record queries, in Dagster's shapes.

``instance.fetch_materializations(AssetRecordsFilter(...), limit=10)`` answers with an
:class:`EventRecordsResult`: the records, a cursor to pass back for the next page, and
whether there is more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, NamedTuple

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.errors import InvalidInvocationError

__all__ = [
    "AssetPartitionStatus", "AssetRecordsFilter", "EventRecordsResult",
    "RunStatusChangeRecordsFilter", "as_asset_key", "decode_cursor", "encode_cursor", "key_path",
    "records_page",
]


@dataclass(frozen=True)
class AssetRecordsFilter:
    """Which materializations or observations of one asset a fetch returns.

    Attributes:
        asset_key: the asset.
        asset_partitions: only events of these partitions.
        after_timestamp: only events logged later (seconds since the epoch).
        before_timestamp: only events logged earlier.
        after_storage_id: only events with a larger storage id.
        before_storage_id: only events with a smaller storage id.
        storage_ids: only the events with these storage ids.
    """

    asset_key: AssetKey
    asset_partitions: Sequence[str] | None = None
    after_timestamp: float | None = None
    before_timestamp: float | None = None
    after_storage_id: int | None = None
    before_storage_id: int | None = None
    storage_ids: Sequence[int] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "asset_key", AssetKey.from_coercible(self.asset_key))


class EventRecordsResult(NamedTuple):
    """One page of event records: ``records``, the ``cursor`` of the next page and
    ``has_more``."""

    records: Sequence[Any]
    cursor: str
    has_more: bool


def key_path(asset_key: object) -> list[str]:
    """The parts of anything that names an asset (an ``AssetKey``, ``"a/b"``, a list)."""
    return list(AssetKey.from_coercible(asset_key).path)  # type: ignore[arg-type]


def as_asset_key(asset_key: object) -> AssetKey:
    """An ``AssetKey`` from anything that names an asset."""
    return AssetKey.from_coercible(asset_key)  # type: ignore[arg-type]


def records_page(rows: Sequence[Any], limit: int, cursor: str | None) -> EventRecordsResult:
    """The first ``limit`` of ``rows`` (stored records with ``storage_id`` and ``event``, one
    more than a page when there are more) as a page whose cursor continues after its last."""
    from headwater.snapshot.event_records import EventLogRecordView

    page = rows[:limit]
    return EventRecordsResult(
        records=[EventLogRecordView(row.storage_id, row.event) for row in page],
        cursor=encode_cursor(page[-1].storage_id) if page else (cursor or ""),
        has_more=len(rows) > limit,
    )


_CURSOR_PREFIX = "storage_id:"


def encode_cursor(storage_id: int) -> str:
    """The cursor that continues after (or before, when ascending is off) ``storage_id``."""
    return f"{_CURSOR_PREFIX}{storage_id}"


def decode_cursor(cursor: str) -> int:
    """The storage id a cursor from :func:`encode_cursor` names."""
    text = cursor[len(_CURSOR_PREFIX):] if cursor.startswith(_CURSOR_PREFIX) else cursor
    try:
        return int(text)
    except ValueError:
        raise InvalidInvocationError(
            f"Not a record cursor: {cursor!r} (pass back the cursor of an EventRecordsResult)."
        ) from None


def __getattr__(name: str) -> Any:
    # Dagster's names for a stored run and its record view, resolved on first use.
    if name == "DagsterRun":
        from headwater.snapshot.runs import RunRecord as stored_run

        return stored_run
    if name == "RunRecord":
        from headwater.snapshot.event_records import RunRecordView

        return RunRecordView
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class AssetPartitionStatus(str, Enum):
    """The status of one partition of an asset (``instance.get_status_by_partition``)."""

    MATERIALIZED = "MATERIALIZED"
    IN_PROGRESS = "IN_PROGRESS"
    FAILED = "FAILED"


#: Partition-status numbers as stored (storage/sql_partition_status.py) -> statuses.
PARTITION_STATUS_BY_CODE = {1: AssetPartitionStatus.MATERIALIZED,
                            2: AssetPartitionStatus.FAILED,
                            3: AssetPartitionStatus.IN_PROGRESS}


@dataclass(frozen=True)
class RunStatusChangeRecordsFilter:
    """Which run status changes ``instance.fetch_run_status_changes`` returns.

    Attributes:
        event_type: the change (``DagsterEventType.RUN_SUCCESS``, ``RUN_FAILURE``, ...).
        after_timestamp / before_timestamp: only changes logged in that window.
        after_storage_id / before_storage_id: only changes in that range of storage ids.
        storage_ids: only these events.
        job_names: only runs of these jobs.
    """

    event_type: Any
    after_timestamp: float | None = None
    before_timestamp: float | None = None
    after_storage_id: int | None = None
    before_storage_id: int | None = None
    storage_ids: Sequence[int] | None = None
    job_names: Sequence[str] | None = None

    def matches(self, storage_id: int, timestamp: float, job_name: str | None) -> bool:
        """Whether an event passes every given condition (the type is queried separately)."""
        return all((
            self.after_timestamp is None or timestamp > self.after_timestamp,
            self.before_timestamp is None or timestamp < self.before_timestamp,
            self.after_storage_id is None or storage_id > self.after_storage_id,
            self.before_storage_id is None or storage_id < self.before_storage_id,
            self.storage_ids is None or storage_id in self.storage_ids,
            self.job_names is None or job_name in self.job_names,
        ))
