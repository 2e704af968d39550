"""Creating runs, starting their workers, cancelling them and re-executing them.

These functions only touch the instance: none imports the user's code. A run is created
QUEUED with everything needed to execute it (its location's origin, job, selection, config,
tags); :func:`launch_run_worker` starts ``python -m headwater.execution.worker RUN_ID`` in
the location's environment, which does the rest and records progress in storage.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

import msgspec

from headwater.core.names import PARENT_RUN_TAG, PARTITION_TAG, ROOT_RUN_TAG
from headwater.core.origins import (
    GrpcServerOrigin,
    LocationOrigin,
    origin_from_dict,
)
from headwater.core.run_status import RunStatus
from headwater.errors import HeadwaterError, RunNotFoundError
from headwater.execution.reexecution import steps_to_reexecute
from headwater.processes import pid_alive
from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.events import EventType, RunEvent, RunFailureData
from headwater.snapshot.runs import RunRecord
from headwater.storage.instance import Instance

if TYPE_CHECKING:
    from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey

#: Tags every run carries when they apply.

#: Statuses a run may be re-executed from.
_REEXECUTABLE = (RunStatus.FAILURE, RunStatus.CANCELED)


class RunLaunchError(HeadwaterError):
    """A run cannot be launched, cancelled or re-executed in its current state."""


def create_run(
    instance: Instance,
    *,
    origin: LocationOrigin,
    job_name: str,
    asset_selection: Sequence[AssetKey | Sequence[str]] | None = None,
    asset_check_selection: Sequence[AssetCheckKey | Sequence[str]] | None = None,
    partition_key: str | None = None,
    run_config: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
    step_keys_to_execute: Sequence[str] | None = None,
    parent_run_id: str | None = None,
    root_run_id: str | None = None,
) -> RunRecord:
    """Store a new QUEUED run of ``job_name`` from the location ``origin``.

    Args:
        instance: where the run is stored.
        origin: how to load the run's code location (stored as plain data).
        job_name: the job; for asset runs, the name of the job built from the selection.
        asset_selection: the assets to materialize (asset runs): ``AssetKey``s or key paths.
        asset_check_selection: the checks to evaluate (default: those of the selection):
            ``AssetCheckKey``s or ``[*asset key path, check name]`` lists.
        partition_key: the partition to run; also recorded as the ``headwater/partition`` tag.
        run_config: the run config (ops, resources, execution); plain data.
        tags: the run's tags.
        step_keys_to_execute: execute only these steps of the job's plan.
        parent_run_id: the run this one re-executes.
        root_run_id: the first run of the re-execution chain.

    Raises:
        RunLaunchError: the origin is a gRPC server (a worker cannot import it), or the run
            config is not plain data.
    """
    if isinstance(origin, GrpcServerOrigin):
        raise RunLaunchError(
            f"Location '{origin.location_name}' is served by {origin.describe()}; a run worker "
            "needs the location's Python origin (a file, module or package). Launch the run "
            "through that code server instead."
        )
    all_tags = dict(tags or {})
    if partition_key is not None:
        all_tags[PARTITION_TAG] = partition_key
    if parent_run_id is not None:
        all_tags[PARENT_RUN_TAG] = parent_run_id
        all_tags[ROOT_RUN_TAG] = root_run_id or parent_run_id
    record = RunRecord(
        run_id=str(uuid.uuid4()),
        job_name=job_name,
        status=RunStatus.QUEUED,
        location_name=origin.location_name,
        origin=origin.to_dict(),
        asset_selection=(
            [[key] if isinstance(key, str) else [str(part) for part in key]
             for key in asset_selection]
            if asset_selection is not None else None
        ),
        asset_check_selection=(
            [_check_parts(check) for check in asset_check_selection]
            if asset_check_selection is not None
            else None
        ),
        step_keys_to_execute=(
            list(step_keys_to_execute) if step_keys_to_execute is not None else None
        ),
        partition_key=partition_key,
        run_config=_plain_config(run_config),
        tags=all_tags,
        parent_run_id=parent_run_id,
        root_run_id=(root_run_id or parent_run_id) if parent_run_id is not None else root_run_id,
    )
    return instance.storage.add_run(record)


def _check_parts(check: AssetCheckKey | Sequence[str]) -> list[str]:
    # Duck-typed so that the host side (webserver re-execution) never imports definitions.
    if hasattr(check, "asset_key"):
        check_key = cast("AssetCheckKey", check)
        return [*check_key.asset_key.path, check_key.name]
    parts = [str(part) for part in check]
    if len(parts) < 2:
        raise RunLaunchError(
            f"An asset check in asset_check_selection must be an AssetCheckKey or "
            f"[*asset key path, check name]; got {check!r}."
        )
    return parts


def _plain_config(run_config: Mapping[str, Any] | None) -> dict[str, Any]:
    if run_config is None:
        return {}
    to_dict = getattr(run_config, "to_config_dict", None)
    config = dict(to_dict()) if callable(to_dict) else dict(run_config)
    try:
        plain: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(config))
    except (TypeError, msgspec.EncodeError) as exc:
        raise RunLaunchError(
            f"The run config must be plain data (mappings, lists, strings, numbers, booleans) "
            f"to be stored with the run: {exc}"
        ) from exc
    return plain


def launch_run_worker(
    instance: Instance, run_id: str, *, executable: str | None = None
) -> subprocess.Popen[bytes]:
    """Start the worker process of a QUEUED run; the run becomes STARTING.

    The worker runs ``python -m headwater.execution.worker RUN_ID`` with the location's
    Python (``executable``, else the origin's ``executable_path``, else this interpreter), in
    the origin's working directory, in its own process group, with ``HEADWATER_HOME`` set to
    the instance's root so it opens the same instance.

    Raises:
        NotFoundError: no such run.
        RunLaunchError: the run is not QUEUED (already launched, finished or canceled).
        OSError: the process could not be started (the run is marked FAILURE first).
    """
    storage = instance.storage
    run = _get_run(instance, run_id)
    origin = origin_from_dict(run.origin) if run.origin is not None else None
    if not storage.update_run_status(run_id, RunStatus.STARTING, expected=[RunStatus.QUEUED]):
        current = _get_run(instance, run_id)
        raise RunLaunchError(
            f"Run {run_id} is {current.status.value}, not QUEUED, so it cannot be launched "
            "again. Re-execute it to run it again."
        )
    python = executable or getattr(origin, "executable_path", None) or sys.executable
    cwd = getattr(origin, "working_directory", None)
    env = {**os.environ, "HEADWATER_HOME": str(instance.root)}
    try:
        process = subprocess.Popen(
            [python, "-m", "headwater.execution.worker", run_id],
            env=env,
            cwd=cwd or None,
            start_new_session=True,
        )
    except OSError as exc:
        message = f"Could not start the run worker with {python}: {exc}"
        store_launch_failure(instance, run_id, message, exc)
        raise
    storage.set_run_worker(run_id, process.pid)
    return process


def cancel_run(instance: Instance, run_id: str) -> bool:
    """Ask a run to stop; True if this changed anything.

    A run with a live worker becomes CANCELING and its worker gets SIGTERM (the worker then
    records CANCELED). A run without one (queued, never started, or whose worker died) is
    marked CANCELED at once. A finished run is left alone (False).

    Raises:
        NotFoundError: no such run.
    """
    storage = instance.storage
    run = _get_run(instance, run_id)
    if run.status.is_finished:
        return False
    if run.status is not RunStatus.CANCELING:
        in_flight = [RunStatus.QUEUED, RunStatus.STARTING, RunStatus.STARTED]
        if not storage.update_run_status(run_id, RunStatus.CANCELING, expected=in_flight):
            return cancel_run(instance, run_id)  # it moved meanwhile: decide again
        storage.store_event(_run_event(run, EventType.RUN_CANCELING,
                                       "Cancellation requested; stopping the run."))
        run = _get_run(instance, run_id)
    pid = run.worker_pid
    if pid is not None and pid_alive(pid):
        try:
            os.kill(pid, signal.SIGTERM)
            return True
        except ProcessLookupError:
            pass
    storage.store_event(_run_event(
        run, EventType.RUN_CANCELED,
        "The run was canceled." if pid is None
        else f"The run was canceled; its worker (pid {pid}) was no longer running.",
    ))
    return True


def create_reexecution_run(
    instance: Instance, parent_run_id: str, *, from_failure: bool = True,
    step_keys: Sequence[str] | None = None,
) -> RunRecord:
    """A new QUEUED run re-executing ``parent_run_id``.

    From failure (the default), it executes the parent's steps that did not succeed (failed,
    skipped, or never started), and loads the outputs of the others from what the parent
    (or an earlier run of the chain) stored. Otherwise it executes every step the parent
    executed. Given ``step_keys``, it executes exactly those steps (of any finished run) and
    loads the rest. Job, selection, config, tags, origin and partition are the parent's.

    Raises:
        NotFoundError: no such run.
        RunLaunchError: the parent did not fail (or be canceled), or from failure there is
            nothing left to execute.
    """
    parent = _get_run(instance, parent_run_id)
    if parent.origin is None:
        raise RunLaunchError(f"Run {parent_run_id} has no stored origin; it cannot be re-executed.")
    if step_keys is None and from_failure and parent.status not in _REEXECUTABLE:
        raise RunLaunchError(
            f"Run {parent_run_id} is {parent.status.value}; only a FAILURE or CANCELED run can "
            "be re-executed from failure. Re-execute all of its steps instead."
        )
    if step_keys is not None:
        if not step_keys:
            raise RunLaunchError(f"No steps of run {parent_run_id} were selected to re-execute.")
        return _reexecution(instance, parent, list(step_keys))
    step_keys = parent.step_keys_to_execute
    if from_failure:
        events = [record.event for record in instance.storage.get_events(
            parent_run_id,
            event_types=[EventType.ENGINE_EVENT, EventType.STEP_SUCCESS, EventType.STEP_START,
                         EventType.STEP_SKIPPED],
        )]
        step_keys = steps_to_reexecute(events, parent.step_keys_to_execute)
        if step_keys is not None and not step_keys:
            raise RunLaunchError(
                f"Every step of run {parent_run_id} succeeded; there is nothing to re-execute "
                "from failure."
            )
    return _reexecution(instance, parent, step_keys)


def _reexecution(instance: Instance, parent: RunRecord, step_keys: list[str] | None
                 ) -> RunRecord:
    assert parent.origin is not None  # checked by create_reexecution_run
    tags = {k: v for k, v in parent.tags.items() if k not in (PARENT_RUN_TAG, ROOT_RUN_TAG)}
    return create_run(
        instance,
        origin=origin_from_dict(parent.origin),
        job_name=parent.job_name,
        asset_selection=(
            [list(path) for path in parent.asset_selection]
            if parent.asset_selection is not None else None
        ),
        asset_check_selection=(
            [list(parts) for parts in parent.asset_check_selection]
            if parent.asset_check_selection is not None else None
        ),
        partition_key=parent.partition_key,
        run_config=parent.run_config,
        tags=tags,
        step_keys_to_execute=step_keys,
        parent_run_id=parent.run_id,
        root_run_id=parent.root_run_id or parent.run_id,
    )


def _get_run(instance: Instance, run_id: str) -> RunRecord:
    run = instance.storage.get_run(run_id)
    if run is None:
        raise RunNotFoundError(f"No run with id '{run_id}' in the instance at {instance.root}.")
    return run


def store_launch_failure(instance: Instance, run_id: str, message: str,
                         exc: BaseException) -> None:
    """Store RUN_FAILURE for a run whose worker could not be started (or sent) at all."""
    run = instance.storage.get_run(run_id)
    instance.storage.store_event(RunEvent(
        run_id=run_id,
        event_type=EventType.RUN_FAILURE,
        timestamp=time.time(),
        message=message,
        level=logging.ERROR,
        job_name=run.job_name if run is not None else None,
        data=RunFailureData(error=ErrorInfo.from_exception(exc)),
    ))


def _run_event(run: RunRecord, kind: EventType, message: str) -> RunEvent:
    return RunEvent(
        run_id=run.run_id,
        event_type=kind,
        timestamp=time.time(),
        message=message,
        level=logging.WARNING,
        job_name=run.job_name,
    )
