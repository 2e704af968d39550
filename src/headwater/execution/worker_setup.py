"""Turning a stored run into what executes it: its location's job and the plan to run.

Shared by the run worker and spawned step processes, which both start from a run id.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from headwater.core.names import REPOSITORY_TAG
from headwater.core.origins import LocationOrigin, origin_from_dict
from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey
from headwater.definitions.ops.jobs import JobDefinition
from headwater.definitions.repository_def import RepositoryDefinition
from headwater.errors import LoadError, NotFoundError
from headwater.execution.dynamic_plan import expand, split_mapped_key
from headwater.execution.plan import ExecutionPlan, build_plan, subset_plan
from headwater.execution.reexecution import succeeded_steps
from headwater.loading.discovery import LoadedDefinitions
from headwater.loading.load_origin import load_origin
from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.events import EventType, OutputData, RunEvent, StepFailureData
from headwater.snapshot.runs import RunRecord
from headwater.storage.base import Storage

#: Tag naming the repository of a run when its location holds several (legacy @repository).
#: How many ancestors of a re-execution to search for the run that produced an output.
_MAX_ANCESTORS = 100


@dataclass
class RunTarget:
    """The loaded code a run executes."""

    origin: LocationOrigin
    repository: RepositoryDefinition
    job: JobDefinition


def code_load_failure(run_id: str, job_name: str | None, step_key: str, where: str,
                      exc: BaseException) -> RunEvent:
    """STEP_FAILURE of a step whose run's code ``where`` (e.g. "its process") could not load."""
    return RunEvent(
        run_id=run_id,
        event_type=EventType.STEP_FAILURE,
        timestamp=time.time(),
        message=f"Step '{step_key}' failed: {where} could not load the run's code: "
                f"{type(exc).__name__}: {exc}",
        level=logging.ERROR,
        job_name=job_name,
        step_key=step_key,
        data=StepFailureData(error=ErrorInfo.from_exception(exc), user_code=False),
    )


def load_run_target(run: RunRecord, loaded: LoadedDefinitions | None = None) -> RunTarget:
    """Import the run's location here (unless ``loaded`` already has it) and find its job.

    Raises:
        LoadError: the run has no origin, or its location cannot be loaded.
        NotFoundError: the job (or a selected asset) is not in the location.
        BaseException: whatever the user's module raised while it was imported.
    """
    if run.origin is None:
        raise LoadError(
            f"Run {run.run_id} has no stored origin, so no worker can load its code. Create "
            "runs with headwater.execution.launch.create_run(origin=...)."
        )
    origin = origin_from_dict(run.origin)
    if loaded is None:
        loaded = load_origin(origin)
    repository = _pick_repository(run, loaded.repositories, origin)
    return RunTarget(origin, repository, _job_for_run(run, repository))


def _pick_repository(
    run: RunRecord, repositories: dict[str, RepositoryDefinition], origin: LocationOrigin
) -> RepositoryDefinition:
    if len(repositories) == 1:
        return next(iter(repositories.values()))
    wanted = run.tags.get(REPOSITORY_TAG)
    if wanted is not None:
        if wanted not in repositories:
            raise NotFoundError(
                f"Run {run.run_id} targets repository '{wanted}', which location "
                f"'{origin.location_name}' does not define (it has "
                f"{', '.join(sorted(repositories))})."
            )
        return repositories[wanted]
    having = [repo for repo in repositories.values() if run.job_name in repo.jobs]
    if len(having) == 1:
        return having[0]
    raise NotFoundError(
        f"Location '{origin.location_name}' has {len(repositories)} repositories "
        f"({', '.join(sorted(repositories))}) and {len(having) or 'none'} of them define job "
        f"'{run.job_name}'; set the run tag '{REPOSITORY_TAG}' to the repository's name."
    )


def _job_for_run(run: RunRecord, repository: RepositoryDefinition) -> JobDefinition:
    keys = [AssetKey(list(path)) for path in run.asset_selection or []]
    checks = (
        [AssetCheckKey(AssetKey(list(parts[:-1])), parts[-1])
         for parts in run.asset_check_selection]
        if run.asset_check_selection is not None
        else None
    )
    if run.asset_selection is None:
        return repository.get_job(run.job_name)
    for key in keys:
        repository.get_assets_def(key)  # a clear error naming a selected asset that is gone
    if run.job_name in repository.jobs:
        job = repository.get_job(run.job_name)
        layer = job.asset_layer
        if layer is None:
            raise NotFoundError(
                f"Run {run.run_id} selects assets, but job '{run.job_name}' runs ops."
            )
        from headwater.definitions.assets.asset_job import build_asset_job

        # The job's @asset_check definitions compute no asset, so all_assets lacks them.
        check_defs = [d for d in layer.executed if not d.keys]
        return build_asset_job(
            job.name, layer.asset_graph,
            list(dict.fromkeys([*layer.all_assets.values(), *check_defs])), keys, checks,
            resource_defs=job.resource_defs, config=job.config, tags=job.tags,
            partitions_def=job.partitions_def, executor_def=job.executor_def,
            hooks=job.hooks, op_retry_policy=job.op_retry_policy,
            run_tags=job.explicit_run_tags,
            logger_defs=job.logger_defs,
        )
    return repository.job_for_selection(keys, checks, name=run.job_name)


def build_run_plan(storage: Storage, run: RunRecord, job: JobDefinition) -> ExecutionPlan:
    """The job's plan, cut down to the run's ``step_keys_to_execute`` when it has them.

    Inputs from steps outside the run are loaded from what the nearest ancestor run (parent,
    grandparent, ...) that executed those steps successfully stored.
    """
    plan = build_plan(job)
    if run.step_keys_to_execute is None:
        return plan
    wanted = set(run.step_keys_to_execute)
    if plan.templates:
        _expand_from_ancestors(storage, run, plan, wanted)
        # Mapped steps of a dynamic output this run computes again are made anew.
        wanted = {key for key in wanted if key in plan.steps or not _remade(plan, key, wanted)}
    unknown = [key for key in sorted(wanted) if key not in plan.steps]
    if unknown:
        raise NotFoundError(
            f"Run {run.run_id} executes step(s) {', '.join(unknown)}, which job '{job.name}' "
            f"does not have (its steps: {', '.join(plan.step_keys)}). The code may have "
            "changed since the run was created; start a new run instead."
        )
    keep = wanted
    outside = [key for key in plan.steps if key not in keep]
    return subset_plan(plan, keep, _source_runs(storage, run, outside))


def _remade(plan: ExecutionPlan, key: str, wanted: set[str]) -> bool:
    parts = split_mapped_key(key)
    template = plan.templates.get(parts[0]) if parts is not None else None
    return template is not None and template.dynamic_root is not None and (
        template.dynamic_root[0] in wanted
    )


def _expand_from_ancestors(storage: Storage, run: RunRecord, plan: ExecutionPlan,
                           wanted: set[str]) -> None:
    """Make the mapped steps of dynamic outputs this run does not compute again, with the
    mapping keys the run that computed them yielded."""
    roots = {
        t.dynamic_root for t in plan.templates.values()
        if t.dynamic_root is not None and t.dynamic_root[0] not in wanted
    }
    roots |= {
        (step.key, o.name) for step in plan.steps.values() if step.key not in wanted
        for o in step.op_def.output_defs if o.is_dynamic
    }
    if not roots:
        return
    sources = _source_runs(storage, run, sorted({root[0] for root in roots}))
    for root in sorted(roots):
        assert root is not None
        source = sources.get(root[0])
        if source is None:
            continue
        keys: list[str] = []
        for record in storage.get_events(source, event_types=[EventType.STEP_OUTPUT]):
            data = record.event.data
            if (record.event.step_key == root[0] and isinstance(data, OutputData)
                    and data.output_name == root[1] and data.mapping_key is not None
                    and data.mapping_key not in keys):
                keys.append(data.mapping_key)
        expand(plan, root, keys)


def _source_runs(storage: Storage, run: RunRecord, step_keys: list[str]) -> dict[str, str]:
    """For each step key, the nearest ancestor run in which that step succeeded."""
    sources: dict[str, str] = {}
    missing = set(step_keys)
    parent_id = run.parent_run_id
    for _ in range(_MAX_ANCESTORS):
        if parent_id is None or not missing:
            break
        parent = storage.get_run(parent_id)
        if parent is None:
            break
        records = storage.get_events(parent_id, event_types=[EventType.STEP_SUCCESS])
        for key in succeeded_steps(record.event for record in records) & missing:
            sources[key] = parent_id
            missing.discard(key)
        parent_id = parent.parent_run_id
    return sources
