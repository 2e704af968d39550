"""``materialize``, ``materialize_to_memory`` and ``JobDefinition.execute_in_process``."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from typing import Any

from headwater.definitions.config.io_managers import FilesystemIOManager, InMemoryIOManager
from headwater.definitions.definitions_class import Definitions
from headwater.definitions.ops.jobs import JobDefinition
from headwater.definitions.selection.asset_selection import coerce_selection
from headwater.errors import (
    InvalidDefinitionError,
    ResourceInitError,
    RunFailedError,
    UserCodeError,
)
from headwater.execution.in_process_recording import recording_sink
from headwater.execution.results import ExecuteInProcessResult
from headwater.execution.run_job import execute_job, new_run_id
from headwater.snapshot.events import EventType, RunEvent

EPHEMERAL_JOB_NAME = "__ephemeral_asset_job__"


def materialize(
    assets: Sequence[Any],
    run_config: Any = None,
    instance: Any = None,
    resources: Mapping[str, object] | None = None,
    partition_key: str | None = None,
    raise_on_error: bool = True,
    tags: Mapping[str, str] | None = None,
    selection: Any = None,
) -> ExecuteInProcessResult:
    """Materialize ``assets`` (or the ``selection`` of them) in this process.

    Values pass between assets through the IO manager; unless ``resources`` sets an
    ``io_manager``, that is a filesystem IO manager writing to a temporary directory that
    is removed when the run ends. With ``raise_on_error`` (the default) a failed run raises:
    the exception the user's code raised when a step failed in it (the error naming the step
    is its ``__context__``), else the error that failed the run.
    """
    with tempfile.TemporaryDirectory(prefix="headwater-materialize-") as base_dir:
        return _materialize(
            assets, run_config, instance, resources, partition_key, raise_on_error, tags,
            selection, FilesystemIOManager(base_dir=base_dir),
        )


def materialize_to_memory(
    assets: Sequence[Any],
    run_config: Any = None,
    instance: Any = None,
    resources: Mapping[str, object] | None = None,
    partition_key: str | None = None,
    raise_on_error: bool = True,
    tags: Mapping[str, str] | None = None,
    selection: Any = None,
) -> ExecuteInProcessResult:
    """Like :func:`materialize`, but every value stays in memory (no IO manager may be given)."""
    if resources and "io_manager" in resources:
        raise InvalidDefinitionError(
            "materialize_to_memory keeps values in memory, so resources must not set "
            "'io_manager'. Use materialize() to run with your IO manager."
        )
    return _materialize(
        assets, run_config, instance, resources, partition_key, raise_on_error, tags,
        selection, InMemoryIOManager(),
    )


def _materialize(
    assets: Sequence[Any],
    run_config: Any,
    instance: Any,
    resources: Mapping[str, object] | None,
    partition_key: str | None,
    raise_on_error: bool,
    tags: Mapping[str, str] | None,
    selection: Any,
    default_io_manager: object,
) -> ExecuteInProcessResult:
    defs = Definitions(assets=list(assets), resources=resources)
    repository = defs.get_repository_def()
    graph = repository.asset_graph
    if selection is None:
        keys = graph.executable_asset_keys
        checks = None
    else:
        chosen = coerce_selection(selection)
        keys = chosen.resolve(graph)
        checks = chosen.resolve_checks(graph)
    job = repository.job_for_selection(keys, checks, name=EPHEMERAL_JOB_NAME)
    return run_in_process(
        job,
        run_config=run_config,
        instance=instance,
        partition_key=partition_key,
        raise_on_error=raise_on_error,
        tags=tags,
        default_io_manager=default_io_manager,
    )


def execute_job_in_process(
    job: JobDefinition,
    *,
    run_config: Any = None,
    instance: Any = None,
    partition_key: str | None = None,
    raise_on_error: bool = True,
    op_selection: Any = None,
    asset_selection: Any = None,
    resources: Mapping[str, object] | None = None,
    tags: Mapping[str, str] | None = None,
    run_id: str | None = None,
) -> ExecuteInProcessResult:
    """Run ``job`` here, keeping outputs in memory unless the job sets its own ``io_manager``."""
    if resources:
        job = job.with_resources(resources)
    if asset_selection is not None:
        layer = job.asset_layer
        if layer is None:
            raise InvalidDefinitionError(
                f"Job '{job.name}' runs ops, not assets; asset_selection does not apply."
            )
        from headwater.definitions.assets.asset_job import build_asset_job

        keys = coerce_selection(asset_selection).resolve(layer.asset_graph)
        job = build_asset_job(
            job.name, layer.asset_graph, list(dict.fromkeys(layer.all_assets.values())), keys,
            resource_defs=job.resource_defs, config=job.config, tags=job.tags,
            partitions_def=job.partitions_def, executor_def=job.executor_def,
            hooks=job.hooks, op_retry_policy=job.op_retry_policy,
            run_tags=job.explicit_run_tags,
            logger_defs=job.logger_defs,
        )
    plan = None
    if op_selection is not None:
        from headwater.execution.op_selection import select_steps
        from headwater.execution.plan import build_plan, subset_plan

        full = build_plan(job)
        plan = subset_plan(full, select_steps(full, op_selection))
    return run_in_process(
        job,
        run_config=run_config,
        instance=instance,
        partition_key=partition_key,
        raise_on_error=raise_on_error,
        tags=tags,
        run_id=run_id,
        default_io_manager=InMemoryIOManager(),
        plan=plan,
    )


def run_in_process(
    job: JobDefinition,
    *,
    run_config: Any,
    instance: Any,
    partition_key: str | None,
    raise_on_error: bool,
    tags: Mapping[str, str] | None,
    default_io_manager: object,
    run_id: str | None = None,
    plan: Any = None,
) -> ExecuteInProcessResult:
    """Execute ``job`` here, collecting its events and output values."""
    events: list[RunEvent] = []
    outputs: dict[tuple[str, str], Any] = {}
    all_tags = {**job.run_tags, **job.tags_for_partition_key(partition_key), **(tags or {})}
    if partition_key is not None:
        all_tags.setdefault("headwater/partition", partition_key)
    run_id = run_id or new_run_id()
    sink = recording_sink(
        instance, run_id, job.name, run_config, all_tags, partition_key, events.append
    )
    outcome = execute_job(
        job,
        event_sink=sink,
        run_id=run_id,
        run_config=run_config,
        partition_key=partition_key,
        tags=all_tags,
        instance=instance,
        default_io_manager=default_io_manager,
        plan=plan,
        captured_outputs=outputs,
    )
    result = ExecuteInProcessResult(outcome.run_id, job, events, outcome.success, outputs,
                                    tags=all_tags)
    if raise_on_error and not outcome.success:
        raise _run_error(result, outcome.error, bool(outcome.failed_steps))
    return result


def _run_error(result: ExecuteInProcessResult, error: BaseException | None,
               step_failed: bool) -> BaseException:
    if error is not None:
        return user_error(error) if step_failed else error
    failures = [e for e in result.all_events if e.event_type is EventType.STEP_FAILURE]
    first = failures[0] if failures else None
    message = first.message if first is not None else "the run failed"
    summary = RunFailedError(
        f"Run {result.run_id} of job '{result.job_name}' failed. {message}"
    )
    return summary


def user_error(error: BaseException) -> BaseException:
    """The exception ``raise_on_error`` raises for a failed step: as Dagster does, the user's
    own exception when user code (an op, asset, check or IO manager) raised it; others
    (resource initialisation, headwater's own failures) as they are. Errors outside any step
    (a config mapping's function, say) keep their wrapper, as Dagster's do.

    The wrapper naming the step stays reachable as the exception's ``__context__`` (printed
    before it in a traceback, as Dagster's is) or, if that is taken, in a note.
    """
    if not isinstance(error, UserCodeError) or isinstance(error, ResourceInitError):
        return error
    original = error.original
    if original.__context__ is None:
        original.__context__ = error
    elif hasattr(original, "add_note") and str(error) not in getattr(original, "__notes__", ()):
        original.add_note(str(error))
    return original
