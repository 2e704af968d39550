"""What the scheduler and sensor loops share: finding schedules and sensors in the workspace,
their on/off state, recording ticks, and turning run requests into QUEUED runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import msgspec

from headwater.codeserver.protocol import RunRequestSnap
from headwater.core.names import RUN_KEY_TAG
from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.location import DefaultStatus, ScheduleSnap, SensorSnap
from headwater.snapshot.runs import (
    InstigatorState,
    InstigatorStatus,
    InstigatorType,
    RunsFilter,
    TickRecord,
    TickStatus,
)
from headwater.workspace.entry import LocationStatus
from headwater.workspace.runs import create_queued_run

if TYPE_CHECKING:
    from headwater.storage.instance import Instance
    from headwater.workspace.workspace import Workspace


@dataclass(frozen=True)
class Instigator:
    """A schedule or sensor of a loaded location.

    ``repository`` is None when the location has one repository (the code server then
    picks it), else the repository's name.
    """

    location: str
    repository: str | None
    snap: ScheduleSnap | SensorSnap

    @property
    def name(self) -> str:
        """The schedule's or sensor's name."""
        return self.snap.name

    @property
    def kind(self) -> InstigatorType:
        """SCHEDULE or SENSOR."""
        return (InstigatorType.SCHEDULE if isinstance(self.snap, ScheduleSnap)
                else InstigatorType.SENSOR)

    @property
    def key(self) -> tuple[str, str, str]:
        """Identifies it across iterations."""
        return (self.location, self.repository or "", self.name)


def find_instigators(workspace: Workspace, kind: InstigatorType) -> list[Instigator]:
    """Every schedule (or sensor) of every loaded location, in workspace order."""
    found: list[Instigator] = []
    for entry in workspace.get_entries():
        if entry.snapshot is None or entry.status is LocationStatus.ERROR:
            continue
        repositories = entry.snapshot.repositories
        for repo in repositories:
            repo_name = repo.name if len(repositories) > 1 else None
            snaps: Sequence[ScheduleSnap | SensorSnap] = (
                repo.schedules if kind is InstigatorType.SCHEDULE else repo.sensors)
            found.extend(Instigator(entry.name, repo_name, snap) for snap in snaps)
    return found


def is_running(state: InstigatorState | None, default: DefaultStatus) -> bool:
    """Whether the stored state (or, without a stored choice, the code's default) is on."""
    if state is not None and state.status is InstigatorStatus.RUNNING:
        return True
    if state is not None and state.status is InstigatorStatus.STOPPED:
        return False
    return default is DefaultStatus.RUNNING


StateMap = dict[tuple[str, str], InstigatorState]


def load_states(instance: Instance, kind: InstigatorType) -> StateMap:
    """Every stored state of schedules (or sensors), by (location, name), in one query."""
    return {(state.location_name, state.name): state
            for state in instance.storage.get_instigator_states(instigator_type=kind)}


def running_state(instance: Instance, instigator: Instigator, now: float,
                  states: StateMap | None = None) -> InstigatorState | None:
    """The stored state if the instigator is on (stored first for a default-on one), else
    None. The state's ``updated_at`` tells since when it has been on. ``states``: the
    states already read (see :func:`load_states`), else it is read now."""
    storage = instance.storage
    state = (states.get((instigator.location, instigator.name)) if states is not None
             else storage.get_instigator_state(instigator.location, instigator.name,
                                               instigator.kind))
    if not is_running(state, instigator.snap.default_status):
        return None
    if state is None:
        state = InstigatorState(location_name=instigator.location, name=instigator.name,
                                instigator_type=instigator.kind,
                                status=InstigatorStatus.DECLARED_IN_CODE, updated_at=now)
        storage.set_instigator_state(state)
    return state


def start_tick(instance: Instance, instigator: Instigator, timestamp: float) -> TickRecord:
    """Record a STARTED tick (before anything is launched, so a restart can resume it)."""
    return instance.storage.add_tick(TickRecord(
        location_name=instigator.location, name=instigator.name,
        instigator_type=instigator.kind, timestamp=timestamp, status=TickStatus.STARTED))


def finish_tick(instance: Instance, tick: TickRecord, status: TickStatus, now: float,
                **changes: object) -> TickRecord:
    """Store the tick's outcome."""
    done = msgspec.structs.replace(tick, status=status, end_timestamp=now, **changes)
    instance.storage.update_tick(done)
    return done


def error_info(exc: BaseException) -> ErrorInfo:
    """``exc`` as a tick error (with its traceback)."""
    return ErrorInfo.from_exception(exc)


@dataclass
class Submitted:
    """The runs a tick's run requests led to."""

    run_ids: list[str]
    run_keys: list[str]
    already_requested: list[str]
    existing_run_ids: list[str]


def submit_requests(
    workspace: Workspace,
    instance: Instance,
    instigator: Instigator,
    requests: Sequence[RunRequestSnap],
    owner_tag: str,
    default_run_key: Callable[[int], str | None] = lambda index: None,
) -> Submitted:
    """Store a QUEUED run per request, skipping run keys this instigator requested before.

    Raises:
        RunSubmissionError: a request names a job or asset the location does not have.
    """
    storage = instance.storage
    done = Submitted([], [], [], [])
    for index, request in enumerate(requests):
        tags = {**request.tags, owner_tag: instigator.name}
        run_key = request.run_key or default_run_key(index)
        if run_key is not None:
            tags[RUN_KEY_TAG] = run_key
            existing = storage.get_runs(RunsFilter(
                location_name=instigator.location,
                tags={owner_tag: instigator.name, RUN_KEY_TAG: run_key}), limit=1)
            if existing:
                done.already_requested.append(run_key)
                done.existing_run_ids.append(existing[0].run_id)
                continue
        run = create_queued_run(
            workspace, instance, location=instigator.location, job_name=request.job_name,
            asset_selection=request.asset_selection, partition_key=request.partition_key,
            run_config=request.run_config, tags=tags, repository_name=instigator.repository,
            asset_check_selection=request.asset_check_selection)
        done.run_ids.append(run.run_id)
        if run_key is not None:
            done.run_keys.append(run_key)
    return done
