"""Backfills: run a partitioned job or asset selection once per partition key.

    backfill = create_backfill(workspace, instance, location="etl", job_name="daily_job",
                               partition_range=("2024-01-01", "2024-01-31"))
    cancel_backfill(instance, backfill.backfill_id)

A backfill is stored REQUESTED; the daemon's backfill loop (:func:`advance_backfill`) submits
QUEUED runs tagged ``headwater/backfill=<id>`` through the run queue (one per partition, or
per slice of consecutive partitions allowed by the assets' ``BackfillPolicy``: a run over a
range carries the ``headwater/asset_partition_range_start``/``_end`` tags), and
marks the backfill COMPLETED (every run succeeded) or FAILED once all runs finished. A
partition's status is its run's (:func:`partition_statuses`).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import msgspec

from headwater.core.names import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    BACKFILL_TAG,
    PARTITION_TAG,
)
from headwater.core.partition_keys import check_partition_key, keys_in_range
from headwater.core.run_status import IN_PROGRESS_RUN_STATUSES, RunStatus
from headwater.errors import HeadwaterError, NotFoundError
from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.events import EventType, RunEvent
from headwater.snapshot.location import AssetSnap, PartitionsSnap
from headwater.snapshot.runs import BackfillRecord, BackfillStatus, RunRecord, RunsFilter
from headwater.workspace.backfill_slices import partitions_per_run, run_sizes, slice_at
from headwater.workspace.runs import (
    REPOSITORY_TAG,
    RunSubmissionError,
    check_assets,
    check_job,
    create_queued_run,
    find_repository,
    loaded_entry,
    plain_config,
)

if TYPE_CHECKING:
    from headwater.storage.instance import Instance
    from headwater.workspace.workspace import Workspace

__all__ = ["BACKFILL_TAG", "advance_backfill", "backfill_runs", "cancel_backfill",
           "create_backfill", "partition_statuses"]

#: The tag every run of a backfill carries: the backfill's id.

#: Runs a backfill submits per call of advance_backfill (the rest on the next calls).
SUBMIT_CHUNK = 100


def create_backfill(
    workspace: Workspace,
    instance: Instance,
    *,
    location: str,
    job_name: str | None = None,
    asset_selection: Sequence[Sequence[str]] | None = None,
    partition_keys: Sequence[str] | None = None,
    partition_range: tuple[str, str] | None = None,
    run_config: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
) -> BackfillRecord:
    """Validate and store a REQUESTED backfill over the given partitions.

    Give exactly one of ``job_name``/``asset_selection`` and exactly one of
    ``partition_keys``/``partition_range`` (both ends included).

    Raises:
        RunSubmissionError: the location is not loaded, the job or an asset does not exist,
            the target is not partitioned, or a partition key is unknown.
    """
    if (job_name is None) == (asset_selection is None):
        raise RunSubmissionError("Give exactly one of a job name or an asset selection to "
                                 "backfill.")
    if (partition_keys is None) == (partition_range is None):
        raise RunSubmissionError("Give exactly one of a list of partition keys or a "
                                 "partition range to backfill.")
    entry = loaded_entry(workspace, location)
    assert entry.snapshot is not None
    all_tags = dict(tags or {})
    repository = find_repository(entry.snapshot, job_name, asset_selection,
                             all_tags.get(REPOSITORY_TAG))
    selection = [[str(part) for part in key] for key in asset_selection or []] or None
    if asset_selection is not None and not selection:
        raise RunSubmissionError("The asset selection is empty: name at least one asset.")
    what, partitions = _partitions(location, repository, job_name, selection)
    keys = _resolve_keys(instance, what, partitions, partition_keys, partition_range)
    per_run = partitions_per_run(_target_assets(repository, job_name, selection))
    record = BackfillRecord(
        backfill_id=uuid.uuid4().hex[:12], location_name=location, job_name=job_name,
        asset_selection=selection, partition_keys=keys, run_config=plain_config(run_config),
        tags=all_tags, run_sizes=run_sizes(keys, per_run, partitions, instance.storage))
    return instance.storage.add_backfill(record)


def _partitions(location: str, repository: Any, job_name: str | None,
                selection: list[list[str]] | None) -> tuple[str, PartitionsSnap]:
    if job_name is not None:
        job = check_job(location, repository, job_name)
        found = [(f"job '{job_name}'", job.partitions if job is not None else None)]
    else:
        assert selection is not None
        found = [(f"asset '{'/'.join(a.key)}'", a.partitions)
                 for a in check_assets(location, repository, selection)]
    missing = [what for what, snap in found if snap is None]
    if missing:
        raise RunSubmissionError(f"Cannot backfill {', '.join(missing)} of location "
                                 f"'{location}': it is not partitioned.")
    first_what, first = found[0]
    for what, snap in found[1:]:
        if snap != first:
            raise RunSubmissionError(
                f"{first_what} and {what} have different partitions; backfill them "
                "separately.")
    assert first is not None
    return first_what, first


def _target_assets(repository: Any, job_name: str | None,
                   selection: list[list[str]] | None) -> list[AssetSnap]:
    if job_name is not None:
        job = next((j for j in repository.jobs if j.name == job_name), None)
        wanted = {tuple(key) for key in (job.asset_selection if job is not None else [])}
    else:
        wanted = {tuple(key) for key in selection or []}
    return [asset for asset in repository.assets if tuple(asset.key) in wanted]


def _resolve_keys(instance: Instance, what: str, partitions: PartitionsSnap,
                  keys: Sequence[str] | None, key_range: tuple[str, str] | None) -> list[str]:
    dynamic = instance.storage.get_dynamic_partitions
    try:
        if key_range is not None:
            start, end = key_range
            return keys_in_range(partitions.data, start, end, dynamic)
        assert keys is not None
        wanted = list(dict.fromkeys(str(key) for key in keys))
        if not wanted:
            raise RunSubmissionError("The list of partition keys to backfill is empty.")
        for key in wanted:
            check_partition_key(partitions.data, key, dynamic)
        return wanted
    except NotFoundError as exc:
        raise RunSubmissionError(f"{what}: {exc}", reason="not_found") from None
    except RunSubmissionError:
        raise
    except HeadwaterError as exc:
        raise RunSubmissionError(f"{what}: {exc}") from None


def cancel_backfill(instance: Instance, backfill_id: str) -> BackfillRecord:
    """Stop a backfill: its queued runs are canceled now, the running ones by the daemon.

    The backfill is CANCELED once none of its runs is in progress (CANCELING until then).
    A finished backfill is returned unchanged.

    Raises:
        RunSubmissionError: no such backfill (``not_found``).
    """
    storage = instance.storage
    backfill = storage.get_backfill(backfill_id)
    if backfill is None:
        raise RunSubmissionError(f"No backfill with id '{backfill_id}'.", reason="not_found")
    if backfill.status.is_finished:
        return backfill
    storage.update_backfill(msgspec.structs.replace(backfill, status=BackfillStatus.CANCELING),
                            expected=[BackfillStatus.REQUESTED])
    return _settle_canceling(instance, backfill_id)


def _settle_canceling(instance: Instance, backfill_id: str) -> BackfillRecord:
    storage = instance.storage
    _cancel_queued(instance, backfill_runs(instance, backfill_id, [RunStatus.QUEUED]))
    busy = backfill_runs(instance, backfill_id, list(IN_PROGRESS_RUN_STATUSES))
    current = storage.get_backfill(backfill_id)
    assert current is not None
    if not busy and current.status is BackfillStatus.CANCELING:
        storage.update_backfill(
            msgspec.structs.replace(current, status=BackfillStatus.CANCELED,
                                    end_timestamp=time.time()),
            expected=[BackfillStatus.CANCELING])
    return storage.get_backfill(backfill_id) or current


def _cancel_queued(instance: Instance, runs: Sequence[RunRecord]) -> None:
    storage = instance.storage
    for run in runs:
        if storage.update_run_status(run.run_id, RunStatus.CANCELED,
                                     expected=[RunStatus.QUEUED]):
            storage.store_event(RunEvent(
                run_id=run.run_id, event_type=EventType.RUN_CANCELED, timestamp=time.time(),
                message="The run was canceled with its backfill before it started.",
                level=logging.WARNING, job_name=run.job_name))


def backfill_runs(instance: Instance, backfill_id: str,
                  statuses: list[RunStatus] | None = None) -> list[RunRecord]:
    """The runs of a backfill (optionally only those with one of ``statuses``), newest first."""
    return instance.storage.get_runs(RunsFilter(tags={BACKFILL_TAG: backfill_id},
                                                statuses=statuses))


def partition_statuses(instance: Instance,
                       backfill: BackfillRecord) -> dict[str, tuple[RunStatus | None, str | None]]:
    """Each partition key of the backfill: (its run's status, run id), or (None, None) when
    its run was not submitted yet."""
    by_key: dict[str, tuple[RunStatus | None, str | None]] = {
        key: (None, None) for key in backfill.partition_keys}
    position = {key: index for index, key in enumerate(backfill.partition_keys)}
    for run in reversed(backfill_runs(instance, backfill.backfill_id)):
        if run.partition_key is not None:
            by_key[run.partition_key] = (run.status, run.run_id)
            continue
        start = position.get(run.tags.get(ASSET_PARTITION_RANGE_START_TAG, ""))
        end = position.get(run.tags.get(ASSET_PARTITION_RANGE_END_TAG, ""))
        if start is not None and end is not None:
            for key in backfill.partition_keys[start:end + 1]:
                by_key[key] = (run.status, run.run_id)
    return by_key


def advance_backfill(workspace: Workspace, instance: Instance,
                     backfill: BackfillRecord) -> BackfillRecord:
    """One step of the daemon's work on a backfill: submit the next runs, cancel, or finish.

    Runs are submitted idempotently (a partition that has a run of the backfill gets no
    second one), so a daemon restarted mid-way carries on without duplicates.
    """
    if backfill.status is BackfillStatus.CANCELING:
        _cancel_running(workspace, backfill_runs(instance, backfill.backfill_id,
                                                 [RunStatus.STARTING, RunStatus.STARTED]))
        return _settle_canceling(instance, backfill.backfill_id)
    if backfill.status is not BackfillStatus.REQUESTED:
        return backfill
    if backfill.submitted < len(backfill.partition_keys):
        return _submit_next(workspace, instance, backfill)
    return _finish_if_done(instance, backfill)


def _submit_next(workspace: Workspace, instance: Instance,
                 backfill: BackfillRecord) -> BackfillRecord:
    storage = instance.storage
    created: list[RunRecord] = []
    done = backfill.submitted
    try:
        for _ in range(SUBMIT_CHUNK):
            keys = slice_at(backfill.partition_keys, backfill.run_sizes, done)
            if not keys:
                break
            created.extend(_submit_slice(workspace, instance, backfill, keys))
            done += len(keys)
    except RunSubmissionError as exc:
        if exc.reason == "unavailable":
            return backfill  # the location is (re)loading: try again later
        failed = msgspec.structs.replace(
            backfill, status=BackfillStatus.FAILED, end_timestamp=time.time(),
            submitted=backfill.submitted + len(created),
            error=ErrorInfo(message=str(exc), class_name=type(exc).__name__))
        storage.update_backfill(failed, expected=[BackfillStatus.REQUESTED])
        return storage.get_backfill(backfill.backfill_id) or failed
    progressed = msgspec.structs.replace(backfill, submitted=done)
    if not storage.update_backfill(progressed, expected=[BackfillStatus.REQUESTED]):
        _cancel_queued(instance, created)  # canceled meanwhile
    return storage.get_backfill(backfill.backfill_id) or progressed


def _submit_slice(workspace: Workspace, instance: Instance, backfill: BackfillRecord,
                  keys: list[str]) -> list[RunRecord]:
    """One run for ``keys``: a partition run, or a run over their range (none if it exists)."""
    tags = {**backfill.tags, BACKFILL_TAG: backfill.backfill_id}
    if len(keys) == 1:
        marker = {PARTITION_TAG: keys[0]}
        partition_key: str | None = keys[0]
    else:
        marker = {ASSET_PARTITION_RANGE_START_TAG: keys[0],
                  ASSET_PARTITION_RANGE_END_TAG: keys[-1]}
        partition_key = None
    if instance.storage.get_runs(RunsFilter(tags={BACKFILL_TAG: backfill.backfill_id,
                                                  **marker}), limit=1):
        return []
    run = create_queued_run(
        workspace, instance, location=backfill.location_name, job_name=backfill.job_name,
        asset_selection=backfill.asset_selection, partition_key=partition_key,
        run_config=backfill.run_config, tags={**tags, **marker})
    if partition_key is None and backfill.asset_selection:
        # The storage cannot list a range's keys: show them in progress from here.
        instance.storage.mark_partitions_in_progress(run.run_id, backfill.asset_selection, keys)
    return [run]


def _finish_if_done(instance: Instance, backfill: BackfillRecord) -> BackfillRecord:
    runs = backfill_runs(instance, backfill.backfill_id)
    if any(not run.status.is_finished for run in runs):
        return backfill
    failed = sorted(run.partition_key or run.run_id for run in runs
                    if run.status is not RunStatus.SUCCESS)
    if failed:
        shown = ", ".join(failed[:10]) + (f", ... ({len(failed)} in all)"
                                          if len(failed) > 10 else "")
        done = msgspec.structs.replace(
            backfill, status=BackfillStatus.FAILED, end_timestamp=time.time(),
            error=ErrorInfo(message=f"{len(failed)} of {len(runs)} partitions did not "
                                    f"succeed: {shown}.", class_name="BackfillFailed"))
    else:
        done = msgspec.structs.replace(backfill, status=BackfillStatus.COMPLETED,
                                       end_timestamp=time.time())
    instance.storage.update_backfill(done, expected=[BackfillStatus.REQUESTED])
    return instance.storage.get_backfill(backfill.backfill_id) or done


def _cancel_running(workspace: Workspace, runs: Sequence[RunRecord]) -> None:
    for run in runs:
        if run.location_name is None:
            continue
        try:
            workspace.client(run.location_name).cancel_run(run.run_id)
        except Exception:  # noqa: BLE001, S112 - tried again on the next iteration
            continue
