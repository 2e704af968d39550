"""``execute_job(reconstructable(job), instance)``: a real run, in a run worker process.

The run is created in the instance and executed by ``python -m headwater.execution.worker``,
exactly as a run launched from the UI; this call waits for the worker and returns what the
instance recorded.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from headwater.core.origins import PythonFileOrigin
from headwater.core.run_status import RunStatus
from headwater.definitions.config.io_managers import FilesystemIOManager
from headwater.definitions.ops.reconstructable import ReconstructableJob
from headwater.errors import HeadwaterError, InvalidDefinitionError, NotFoundError
from headwater.execution.launch import create_reexecution_run, create_run, launch_run_worker
from headwater.execution.reexecution_options import ReexecutionOptions
from headwater.snapshot.dagster_event import DagsterEvent
from headwater.snapshot.events import EventType, RunEvent
from headwater.snapshot.runs import RunRecord
from headwater.storage.instance import Instance

__all__ = ["ExecuteJobResult", "execute_job"]


class ExecuteJobResult:
    """A finished run of ``execute_job``: its record, events and stored outputs.

    Usable as a context manager (``with execute_job(...) as result:``), as in Dagster.
    """

    def __init__(self, instance: Instance, run: RunRecord, events: list[RunEvent]) -> None:
        self._instance = instance
        self.dagster_run = run
        #: Every event of the run, as Dagster's ``DagsterEvent``.
        self.all_events = [DagsterEvent(event) for event in events]

    @property
    def run_id(self) -> str:
        """The run's id."""
        return self.dagster_run.run_id

    @property
    def job_name(self) -> str:
        """The job that ran."""
        return self.dagster_run.job_name

    @property
    def success(self) -> bool:
        """Whether the run succeeded."""
        return self.dagster_run.status is RunStatus.SUCCESS

    def get_step_failure_events(self) -> list[DagsterEvent]:
        """The run's step failures."""
        return [e for e in self.all_events if e.event_type is EventType.STEP_FAILURE]

    def get_asset_materialization_events(self) -> list[DagsterEvent]:
        """The run's asset materializations."""
        return [e for e in self.all_events if e.event_type is EventType.ASSET_MATERIALIZATION]

    def output_for_node(self, node_str: str, output_name: str = "result") -> Any:
        """The value an op output was stored as by the default (filesystem) IO manager."""
        manager = FilesystemIOManager(str(self._instance.storage_dir))
        path = manager.path_for([self.run_id, node_str, output_name])
        try:
            with open(path, "rb") as file:
                return pickle.load(file)
        except FileNotFoundError:
            raise NotFoundError(
                f"Run {self.run_id} stored no output '{output_name}' of '{node_str}' with the "
                "default IO manager (outputs handled by other IO managers are read with them)."
            ) from None

    def __enter__(self) -> ExecuteJobResult:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None


def execute_job(
    job: ReconstructableJob,
    instance: Instance,
    run_config: Any = None,
    tags: Mapping[str, str] | None = None,
    raise_on_error: bool = False,
    reexecution_options: ReexecutionOptions | None = None,
) -> ExecuteJobResult:
    """Run ``job`` in a run worker process, recorded in ``instance``; wait for it to finish.

    Args:
        job: ``reconstructable(my_job)``.
        instance: where the run and its events are stored (e.g. ``instance_for_test()``).
        run_config: the run's config (a dict or ``RunConfig``).
        tags: tags for the run.
        raise_on_error: raise ``HeadwaterError`` when the run fails.
        reexecution_options: re-execute a previous run of the job (its config, tags and
            partition) instead of starting a new one.
    """
    if not isinstance(job, ReconstructableJob):
        raise InvalidDefinitionError(
            f"execute_job() takes reconstructable(my_job), got {type(job).__name__}: the run "
            "worker is another process, which must be able to import the job."
        )
    origin = PythonFileOrigin(
        location_name=job.job_name,
        python_file=job.python_file,
        attribute=job.attribute,
        working_directory=job.working_directory,
    )
    if run_config is not None and hasattr(run_config, "to_config_dict"):
        run_config = run_config.to_config_dict()
    if reexecution_options is not None:
        run = _reexecution(instance, job, reexecution_options)
    else:
        run = create_run(
            instance, origin=origin, job_name=job.job_name, run_config=run_config,
            tags={**job.job.run_tags, **(tags or {})},
        )
    launch_run_worker(instance, run.run_id).wait()
    stored = instance.storage.get_run(run.run_id)
    assert stored is not None
    events = [record.event for record in instance.storage.get_events(run.run_id)]
    result = ExecuteJobResult(instance, stored, events)
    if raise_on_error and not result.success:
        failures = [e.message for e in result.get_step_failure_events()]
        raise HeadwaterError(
            f"Run {run.run_id} of job '{job.job_name}' ended {stored.status.value}: "
            + ("; ".join(failures) or stored.failure_message or "see its events")
        )
    return result


def _reexecution(instance: Instance, job: ReconstructableJob,
                 options: ReexecutionOptions) -> RunRecord:
    parent = instance.storage.get_run(options.parent_run_id)
    if parent is None:
        raise NotFoundError(f"No run {options.parent_run_id!r} in the instance to re-execute.")
    if parent.job_name != job.job_name:
        raise InvalidDefinitionError(
            f"Run {options.parent_run_id} is a run of job '{parent.job_name}', not of "
            f"'{job.job_name}'; re-execute it with its own job.")
    steps = list(options.step_selection) or None
    return create_reexecution_run(instance, options.parent_run_id,
                                  from_failure=options.only_failed and steps is None,
                                  step_keys=steps)
