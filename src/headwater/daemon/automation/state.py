"""What an automation tick reads from the instance, in a handful of bulk queries.

Runs count as in progress from the moment they are queued (a queued run will materialize its
assets, so requesting them again would duplicate it). A run without an asset selection (a
plain job run) is not attributed to assets.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from headwater.core.names import BACKFILL_TAG
from headwater.core.run_status import FINISHED_STATUSES, RunStatus
from headwater.daemon.automation.assets import UNPARTITIONED, check_key_string, key_string
from headwater.snapshot.runs import BackfillStatus, RunRecord, RunsFilter

if TYPE_CHECKING:
    from headwater.storage.instance import Instance

#: Finished runs looked at (newest first) to tell whether an asset's latest run failed.
RECENT_RUNS = 500

#: A set of partitions per asset key (``a/b``); ``"*"`` in a set means every partition.
PartitionIndex = dict[str, set[str]]

ALL_PARTITIONS = "*"


@dataclass
class InstanceState:
    """The instance as one tick sees it."""

    materialized: PartitionIndex = field(default_factory=dict)
    updated: PartitionIndex = field(default_factory=dict)
    #: When each newly updated partition was last materialized (``since`` tie-breaks).
    updated_at: dict[str, dict[str, float]] = field(default_factory=dict)
    data_version_changed: PartitionIndex = field(default_factory=dict)
    run_in_progress: PartitionIndex = field(default_factory=dict)
    backfill_in_progress: PartitionIndex = field(default_factory=dict)
    failed: PartitionIndex = field(default_factory=dict)
    check_results: dict[str, dict[str, bool]] = field(default_factory=dict)
    max_storage_id: int = 0


def read_state(instance: Instance, after_storage_id: int | None,
               check_assets: Iterable[list[str]] = (),
               data_version_assets: Iterable[list[str]] = ()) -> InstanceState:
    """Read the instance state a tick needs.

    Args:
        instance: the instance.
        after_storage_id: the newest asset event the previous tick saw (None on the first
            tick: nothing counts as newly updated).
        check_assets: assets whose check results conditions read.
        data_version_assets: assets whose conditions read ``data_version_changed``.
    """
    storage = instance.storage
    state = InstanceState()
    for key, partitions in storage.get_materialized_partition_index().items():
        state.materialized[key_string(key)] = partitions
    # Check results are events too: "newly updated" checks are those stored after this.
    state.max_storage_id = max(storage.get_max_asset_event_id(),
                               storage.get_max_check_result_id())
    if after_storage_id is not None:
        for checked, name, _, timestamp in storage.get_check_result_refs_after(
                after_storage_id):
            check = check_key_string(checked, name)
            state.updated.setdefault(check, set()).add(UNPARTITIONED)
            state.updated_at.setdefault(check, {})[UNPARTITIONED] = timestamp
        for key, partition, _, timestamp in storage.get_materialization_refs_after(
                after_storage_id):
            name = key_string(key)
            state.updated.setdefault(name, set()).add(partition)
            state.updated_at.setdefault(name, {})[partition] = timestamp
        paths = [list(path) for path in data_version_assets]
        for key, partitions in storage.get_data_version_changes_after(
                after_storage_id, paths).items():
            state.data_version_changed[key_string(key)] = partitions
    active = [status for status in RunStatus if status not in FINISHED_STATUSES]
    for run in storage.get_runs(RunsFilter(statuses=active)):
        index = state.backfill_in_progress if BACKFILL_TAG in run.tags else state.run_in_progress
        _add_run(index, run)
    for backfill in storage.get_backfills(status=BackfillStatus.REQUESTED):
        for path in backfill.asset_selection or []:
            parts = state.backfill_in_progress.setdefault(key_string(path), set())
            parts.update(backfill.partition_keys or [ALL_PARTITIONS])
    _read_failures(storage.get_runs(RunsFilter(statuses=sorted(FINISHED_STATUSES)),
                                    limit=RECENT_RUNS), state)
    for path in check_assets:
        results = storage.get_latest_check_results(path)
        state.check_results[key_string(path)] = {
            name: record.passed for name, record in results.items()}
        for name in results:  # an executed check is not "missing"
            state.materialized[check_key_string(path, name)] = {UNPARTITIONED}
    return state


def _add_run(index: PartitionIndex, run: RunRecord) -> None:
    partition = run.partition_key or run.tags.get("headwater/partition")
    for path in run.asset_selection or []:
        index.setdefault(key_string(path), set()).add(partition or ALL_PARTITIONS)
    for check in _checks_of(run):
        index.setdefault(check, set()).add(UNPARTITIONED)


def _checks_of(run: RunRecord) -> list[str]:
    """The checks a run executes by selection (``asset:name``)."""
    return [check_key_string(parts[:-1], parts[-1])
            for parts in run.asset_check_selection or [] if len(parts) > 1]


def _read_failures(runs: list[RunRecord], state: InstanceState) -> None:
    """Mark the partitions whose newest finished run (among recent ones) failed."""
    seen: set[tuple[str, str]] = set()
    for run in runs:  # newest first
        partition = run.partition_key or run.tags.get("headwater/partition") or ALL_PARTITIONS
        targets = [(key_string(path), partition) for path in run.asset_selection or []]
        targets += [(check, UNPARTITIONED) for check in _checks_of(run)]
        for key, part in targets:
            if (key, part) in seen:
                continue
            seen.add((key, part))
            if run.status is RunStatus.FAILURE:
                state.failed.setdefault(key, set()).add(part)


def expand(parts: set[str] | None, candidates: frozenset[str]) -> frozenset[str]:
    """The candidates among ``parts`` (``"*"`` standing for all of them)."""
    if not parts:
        return frozenset()
    if ALL_PARTITIONS in parts:
        return candidates
    if UNPARTITIONED in candidates and len(candidates) == 1:
        return candidates if parts else frozenset()
    return candidates & parts
