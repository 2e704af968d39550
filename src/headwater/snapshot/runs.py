"""Records of runs, ticks, schedule/sensor state and backfills, as stored and sent between
processes."""

from __future__ import annotations

from enum import Enum
from typing import Any

import msgspec

from headwater.core.run_status import RunStatus
from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.events import RunEvent


class RunRecord(msgspec.Struct, frozen=True, omit_defaults=True, kw_only=True):
    """One run: what it executes, where its code lives, and how far it got.

    ``origin`` is the location's origin as plain data (``LocationOrigin.to_dict()``), so any
    process can start a worker for the run without the code being loaded anywhere else.
    """

    run_id: str
    job_name: str
    status: RunStatus = RunStatus.QUEUED
    location_name: str | None = None
    origin: dict[str, Any] | None = None
    asset_selection: list[list[str]] | None = None
    asset_check_selection: list[list[str]] | None = None
    step_keys_to_execute: list[str] | None = None
    partition_key: str | None = None
    run_config: dict[str, Any] = {}
    tags: dict[str, str] = {}
    parent_run_id: str | None = None
    root_run_id: str | None = None
    created_at: float = 0.0
    updated_at: float = 0.0
    start_time: float | None = None
    end_time: float | None = None
    worker_pid: int | None = None
    worker_heartbeat: float | None = None
    failure_message: str | None = None


class RunsFilter(msgspec.Struct, frozen=True, omit_defaults=True, kw_only=True):
    """Which runs to list; every given field must match."""

    run_ids: list[str] | None = None
    job_name: str | None = None
    location_name: str | None = None
    statuses: list[RunStatus] | None = None
    tags: dict[str, str] | None = None
    created_after: float | None = None
    created_before: float | None = None


class EventLogRecord(msgspec.Struct, frozen=True):
    """A stored event with its position in the log (increasing across the whole instance)."""

    storage_id: int
    event: RunEvent


class AssetEventRecord(msgspec.Struct, frozen=True, omit_defaults=True):
    """A materialization or observation of one asset (partition), from the asset index."""

    storage_id: int
    asset_key: list[str]
    run_id: str
    timestamp: float
    event: RunEvent
    partition: str | None = None


class AssetCheckRecord(msgspec.Struct, frozen=True, omit_defaults=True):
    """One evaluation of an asset check, from the check index."""

    storage_id: int
    asset_key: list[str]
    check_name: str
    run_id: str
    timestamp: float
    passed: bool
    event: RunEvent
    partition: str | None = None


class InstigatorType(str, Enum):
    """Schedules and sensors are both instigators: they start runs."""

    SCHEDULE = "SCHEDULE"
    SENSOR = "SENSOR"


class InstigatorStatus(str, Enum):
    """Whether a schedule or sensor is turned on. DECLARED: no stored choice; use the default."""

    RUNNING = "RUNNING"
    STOPPED = "STOPPED"
    DECLARED_IN_CODE = "DECLARED_IN_CODE"


class InstigatorState(msgspec.Struct, frozen=True, omit_defaults=True, kw_only=True):
    """The stored on/off state and cursor of one schedule or sensor."""

    location_name: str
    name: str
    instigator_type: InstigatorType
    status: InstigatorStatus
    cursor: str | None = None
    updated_at: float = 0.0


class TickStatus(str, Enum):
    """How a schedule or sensor evaluation ended."""

    STARTED = "STARTED"
    SUCCESS = "SUCCESS"
    SKIPPED = "SKIPPED"
    FAILURE = "FAILURE"


class TickRecord(msgspec.Struct, frozen=True, omit_defaults=True, kw_only=True):
    """One evaluation of a schedule or sensor."""

    tick_id: int = 0
    location_name: str
    name: str
    instigator_type: InstigatorType
    timestamp: float
    status: TickStatus = TickStatus.STARTED
    run_ids: list[str] = []
    run_keys: list[str] = []
    skip_reason: str | None = None
    error: ErrorInfo | None = None
    cursor: str | None = None
    end_timestamp: float | None = None


class BackfillStatus(str, Enum):
    """Where a backfill stands. REQUESTED: its runs are being submitted or are in flight."""

    REQUESTED = "REQUESTED"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    CANCELING = "CANCELING"
    CANCELED = "CANCELED"

    @property
    def is_finished(self) -> bool:
        """Whether the backfill will not change again."""
        return self in (BackfillStatus.COMPLETED, BackfillStatus.FAILED, BackfillStatus.CANCELED)


class BackfillRecord(msgspec.Struct, frozen=True, omit_defaults=True, kw_only=True):
    """A request to run a partitioned job or asset selection once per partition key.

    The daemon's backfill loop submits one QUEUED run per key, tagged
    ``headwater/backfill=<backfill_id>``; ``submitted`` counts the keys done so far (in order),
    so a restarted daemon carries on where it stopped. A partition's status is its run's.
    """

    backfill_id: str
    location_name: str
    job_name: str | None = None
    asset_selection: list[list[str]] | None = None
    partition_keys: list[str] = []
    status: BackfillStatus = BackfillStatus.REQUESTED
    created_at: float = 0.0
    updated_at: float = 0.0
    end_timestamp: float | None = None
    run_config: dict[str, Any] = {}
    tags: dict[str, str] = {}
    submitted: int = 0
    error: ErrorInfo | None = None
    #: Partitions per run, in order (a backfill policy's slices of ``partition_keys``); empty:
    #: one run per partition. A slice of several keys is one run over their range.
    run_sizes: list[int] = []
