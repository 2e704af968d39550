"""Submitting runs from the host: validate against a location's snapshot, queue, launch.

    run = submit_run(workspace, instance, location="etl", job_name="orders_job")
    run = launch_queued_run(workspace, instance, run.run_id)   # the daemon's run queue does this

Runs are created QUEUED; nothing here imports user code. A run is checked against the
snapshot its location's code server last sent (the job or assets exist, the partition key is
one of theirs when that can be told without user code), and launched through that code server.
"""

from __future__ import annotations

import difflib
import logging
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import msgspec

from headwater.codeserver.client import CodeServerError
from headwater.core.names import IMPLICIT_ASSET_JOB_NAME, PARTITION_TAG, REPOSITORY_TAG
from headwater.core.origins import GrpcServerOrigin
from headwater.core.partition_keys import check_partition_key
from headwater.core.run_status import RunStatus
from headwater.errors import HeadwaterError, NotFoundError
from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.events import EventType, RunEvent, RunFailureData
from headwater.snapshot.location import (
    AssetSnap,
    JobSnap,
    LocationSnapshot,
    PartitionsSnap,
    RepositorySnapshot,
)
from headwater.snapshot.runs import RunRecord
from headwater.workspace.entry import LocationEntry
from headwater.workspace.process_manager import WorkspaceError
from headwater.workspace.run_config_check import run_config_problem

if TYPE_CHECKING:
    from headwater.storage.instance import Instance
    from headwater.workspace.workspace import Workspace

__all__ = ["REPOSITORY_TAG", "RunSubmissionError", "launch_queued_run", "submit_run"]

#: The run tag naming the repository of a location with several (the worker reads it).

#: How many names an error message suggests at most.
_SHOWN = 10


class RunSubmissionError(HeadwaterError):
    """A run request names something the location does not have, or the location is not loaded.

    Attributes:
        reason: ``"not_found"`` (no such location, job, asset or partition), ``"invalid"``
            (the request itself is malformed), ``"unavailable"`` (the location is not loaded
            or its code server cannot be reached) or ``"conflict"`` (the run is not QUEUED).
    """

    def __init__(self, message: str, *, reason: str = "invalid") -> None:
        super().__init__(message)
        self.reason = reason


def submit_run(
    workspace: Workspace,
    instance: Instance,
    *,
    location: str,
    job_name: str | None = None,
    asset_selection: Sequence[Sequence[str]] | None = None,
    partition_key: str | None = None,
    run_config: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
) -> RunRecord:
    """Validate a run against the location's current snapshot and store it QUEUED.

    Give exactly one of ``job_name`` or ``asset_selection``. Asset runs use the implicit asset
    job. The run is not launched: the daemon's run queue launches it.

    Raises:
        RunSubmissionError: the location is unknown or not loaded, the job, an asset or the
            partition key does not exist, or both/neither of job and assets are given.
    """
    if (job_name is None) == (asset_selection is None):
        raise RunSubmissionError(
            "Give exactly one of a job name or an asset selection to run "
            f"({'both' if job_name is not None else 'neither'} given).")
    if asset_selection is not None and not asset_selection:
        raise RunSubmissionError("The asset selection is empty: name at least one asset.")
    return create_queued_run(
        workspace, instance, location=location, job_name=job_name,
        asset_selection=asset_selection, partition_key=partition_key, run_config=run_config,
        tags=tags)


def create_queued_run(
    workspace: Workspace,
    instance: Instance,
    *,
    location: str,
    job_name: str | None,
    asset_selection: Sequence[Sequence[str]] | None,
    partition_key: str | None = None,
    run_config: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
    repository_name: str | None = None,
    asset_check_selection: Sequence[Sequence[str]] | None = None,
) -> RunRecord:
    """Like :func:`submit_run`, but a job and an asset selection may both be given (a sensor's
    run request targeting some assets of a job); the daemon and backfills use this.

    ``asset_check_selection`` (each ``[*asset key, check name]``) names the checks the run
    executes; with an empty asset selection, the checks alone (automation conditions on
    checks request such runs).
    """
    entry = loaded_entry(workspace, location)
    assert entry.snapshot is not None
    all_tags = dict(tags or {})
    repository = find_repository(entry.snapshot, job_name, asset_selection,
                             repository_name or all_tags.get(REPOSITORY_TAG))
    selection = [[str(part) for part in key] for key in asset_selection or []] or None
    assets = check_assets(location, repository, selection) if selection else []
    job = check_job(location, repository, job_name) if job_name else None
    checks: list[list[str]] | None = None
    if asset_check_selection is not None:
        checks = _known_checks(location, repository, asset_check_selection)
        selection = selection or []  # [] with checks: the checks alone
    if partition_key is not None:
        _check_partition(instance, location, job, assets, partition_key)
        all_tags[PARTITION_TAG] = partition_key
    config = plain_config(run_config)
    if job is not None and not selection:
        problem = run_config_problem(job.run_config_schema, config)
        if problem is not None:
            raise RunSubmissionError(
                f"The run config does not apply to job '{job.name}' of location "
                f"'{location}': {problem}")
    if len(entry.snapshot.repositories) > 1:
        all_tags[REPOSITORY_TAG] = repository.name
    record = RunRecord(
        run_id=str(uuid.uuid4()),
        job_name=job_name or IMPLICIT_ASSET_JOB_NAME,
        status=RunStatus.QUEUED,
        location_name=location,
        origin=None if isinstance(entry.origin, GrpcServerOrigin) else entry.origin.to_dict(),
        asset_selection=selection,
        asset_check_selection=checks,
        partition_key=partition_key,
        run_config=config,
        tags=all_tags,
    )
    return instance.storage.add_run(record)


def launch_queued_run(workspace: Workspace, instance: Instance, run_id: str) -> RunRecord:
    """Launch a QUEUED run through its location's code server; the updated record.

    The code server moves the run QUEUED -> STARTING and starts its worker. If the location
    is missing, not loaded or unreachable, or the call fails, the run becomes FAILURE with the
    reason in its event log (nothing is left hanging in QUEUED or STARTING).

    Raises:
        RunSubmissionError: no such run (``not_found``), or it is not QUEUED (``conflict``).
    """
    storage = instance.storage
    run = storage.get_run(run_id)
    if run is None:
        raise RunSubmissionError(f"No run with id '{run_id}'.", reason="not_found")
    if run.status is not RunStatus.QUEUED:
        raise RunSubmissionError(
            f"Run {run_id} is {run.status.value}, not QUEUED; it was launched already.",
            reason="conflict")
    location = run.location_name
    try:
        if location is None:
            raise WorkspaceError(f"Run {run_id} names no code location to launch it from.")
        client = workspace.client(location)
        client.launch_run(run_id)
    except (CodeServerError, WorkspaceError, NotFoundError) as exc:
        if "RunLaunchError" in str(exc):  # someone else launched it meanwhile
            return _current(instance, run)
        fail_run(instance, run, f"Could not launch run {run_id} through the code server of "
                                f"location '{location}': {exc}", exc,
                 expected=[RunStatus.QUEUED, RunStatus.STARTING])
    return _current(instance, run)


def fail_run(instance: Instance, run: RunRecord, message: str,
             exc: BaseException | None = None,
             expected: Iterable[RunStatus] = (RunStatus.QUEUED,)) -> bool:
    """Mark ``run`` FAILURE with ``message`` in its event log, if it is still in ``expected``."""
    storage = instance.storage
    if not storage.update_run_status(run.run_id, RunStatus.FAILURE, expected=list(expected),
                                     failure_message=message):
        return False
    error = (ErrorInfo.from_exception(exc) if exc is not None
             else ErrorInfo(message=message, class_name="RunFailure"))
    storage.store_event(RunEvent(
        run_id=run.run_id, event_type=EventType.RUN_FAILURE, timestamp=time.time(),
        message=message, level=logging.ERROR, job_name=run.job_name,
        data=RunFailureData(error=error)))
    return True


def _current(instance: Instance, run: RunRecord) -> RunRecord:
    return instance.storage.get_run(run.run_id) or run


def loaded_entry(workspace: Workspace, location: str) -> LocationEntry:
    """The location's entry if it has a snapshot; RunSubmissionError otherwise."""
    try:
        entry = workspace.get(location)
    except NotFoundError as exc:
        raise RunSubmissionError(str(exc), reason="not_found") from None
    if entry.snapshot is None:
        why = f": {entry.error.message}" if entry.error is not None else " yet."
        raise RunSubmissionError(
            f"Location '{location}' is {entry.status.value} and has no definitions loaded{why}",
            reason="unavailable")
    return entry


def find_repository(snapshot: LocationSnapshot, job_name: str | None,
                    asset_selection: Sequence[Sequence[str]] | None,
                    wanted: str | None) -> RepositorySnapshot:
    """The repository a run targets: ``wanted``, the only one, or the one having it all."""
    repositories = snapshot.repositories
    if not repositories:
        raise RunSubmissionError(f"Location '{snapshot.location_name}' defines nothing to run.",
                                 reason="not_found")
    if wanted is not None:
        try:
            return snapshot.repository(wanted)
        except NotFoundError as exc:
            raise RunSubmissionError(str(exc), reason="not_found") from None
    if len(repositories) == 1:
        return repositories[0]
    if job_name is not None:
        having = [repo for repo in repositories if any(j.name == job_name for j in repo.jobs)]
    else:
        keys = [list(key) for key in asset_selection or []]
        having = [repo for repo in repositories
                  if all(any(a.key == key for a in repo.assets) for key in keys)]
    if len(having) == 1:
        return having[0]
    names = ", ".join(repo.name for repo in repositories)
    raise RunSubmissionError(
        f"Location '{snapshot.location_name}' has {len(repositories)} repositories ({names}) "
        f"and {len(having) or 'none'} of them has what the run names; set the tag "
        f"'{REPOSITORY_TAG}' to pick one.", reason="not_found")


def check_job(location: str, repository: RepositorySnapshot, job_name: str) -> JobSnap | None:
    """The job's snapshot (None for the implicit asset job when the location has none)."""
    for job in repository.jobs:
        if job.name == job_name:
            return job
    if job_name == IMPLICIT_ASSET_JOB_NAME:
        return None
    names = [job.name for job in repository.jobs if not job.is_implicit]
    raise RunSubmissionError(
        f"Location '{location}' has no job '{job_name}'.{_suggest(job_name, names)}",
        reason="not_found")


def check_assets(location: str, repository: RepositorySnapshot,
                 selection: list[list[str]]) -> list[AssetSnap]:
    """The selected assets' snapshots; RunSubmissionError naming one that is missing."""
    by_key = {tuple(asset.key): asset for asset in repository.assets}
    found: list[AssetSnap] = []
    for key in selection:
        asset = by_key.get(tuple(key))
        shown = "/".join(key)
        if asset is None:
            names = ["/".join(k) for k in by_key]
            raise RunSubmissionError(
                f"Location '{location}' has no asset '{shown}'.{_suggest(shown, names)}",
                reason="not_found")
        if not asset.is_executable:
            raise RunSubmissionError(
                f"Asset '{shown}' of location '{location}' cannot be materialized (it is "
                "external or observable only).")
        found.append(asset)
    return found


def _known_checks(location: str, repository: RepositorySnapshot,
                  wanted: Sequence[Sequence[str]]) -> list[list[str]]:
    """The checks as ``[*key, name]`` lists; RunSubmissionError naming one that is missing."""
    known = {(*check.asset_key, check.name) for check in repository.asset_checks}
    checks = [[str(part) for part in parts] for parts in wanted]
    for parts in checks:
        if len(parts) < 2 or tuple(parts) not in known:
            raise RunSubmissionError(
                f"Location '{location}' has no asset check "
                f"'{'/'.join(parts[:-1])}:{parts[-1] if parts else ''}'.", reason="not_found")
    return checks


def _check_partition(instance: Instance, location: str, job: JobSnap | None,
                     assets: list[AssetSnap], partition_key: str) -> None:
    snaps: list[tuple[str, PartitionsSnap | None]] = (
        [("/".join(asset.key), asset.partitions) for asset in assets] if assets
        else [(job.name, job.partitions)] if job is not None else [])
    for name, partitions in snaps:
        if partitions is None:
            raise RunSubmissionError(
                f"'{name}' of location '{location}' is not partitioned; run it without a "
                f"partition key (got {partition_key!r}).")
        try:
            check_partition_key(partitions.data, partition_key,
                                instance.storage.get_dynamic_partitions)
        except NotFoundError as exc:
            raise RunSubmissionError(f"'{name}' of location '{location}': {exc}",
                                     reason="not_found") from None
        except Exception:  # noqa: BLE001 - not determinable without user code: the run decides
            continue


def plain_config(run_config: Mapping[str, Any] | None) -> dict[str, Any]:
    """The run config as plain JSON data; RunSubmissionError if it is not."""
    if run_config is None:
        return {}
    if not isinstance(run_config, Mapping):
        raise RunSubmissionError(
            f"The run config must be a mapping, not {type(run_config).__name__}.")
    try:
        plain: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(dict(run_config)))
    except (TypeError, msgspec.EncodeError) as exc:
        raise RunSubmissionError(
            f"The run config must be plain data (mappings, lists, strings, numbers, "
            f"booleans): {exc}") from None
    return plain


def _suggest(name: str, names: Sequence[str]) -> str:
    if not names:
        return " It has none."
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    listed = ", ".join(sorted(names)[:_SHOWN]) + (
        f", ... ({len(names)} in all)" if len(names) > _SHOWN else "")
    return f"{hint} It has: {listed}."
