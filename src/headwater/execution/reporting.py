"""Storing outputs through IO managers and reporting outputs, materializations and checks."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from headwater.core.names import CODE_VERSION_TAG, DATA_VERSION_TAG, INPUT_DATA_VERSION_TAG_PREFIX
from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.metadata import normalize_metadata
from headwater.definitions.ops.expectations import ExpectationResult
from headwater.definitions.ops.results import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetMaterialization,
    AssetObservation,
)
from headwater.errors import HeadwaterError, InvalidOutputError, user_code_boundary
from headwater.snapshot.events import (
    AssetCheckData,
    AssetEventData,
    EventType,
    ExpectationData,
    OutputData,
)
from headwater.snapshot.metadata import MetadataEntrySnap, metadata_to_snap, truncate_metadata

if TYPE_CHECKING:
    from headwater.definitions.ops.context import ExecutionInfo
    from headwater.execution.outputs import StepResultItem
    from headwater.execution.plan import ExecutionStep, StepOutput
    from headwater.execution.run_context import RunContext

#: Metadata of one event is cut down to this many bytes of JSON (largest entries first).
MAX_EVENT_METADATA_BYTES = 256 * 1024


def snap_metadata(raw: Mapping[str, Any] | None, where: str) -> dict[str, MetadataEntrySnap]:
    """Normalised, serialisable and size-limited metadata."""
    if not raw:
        return {}
    with user_code_boundary(f"metadata of {where}"):
        snaps = metadata_to_snap(normalize_metadata(raw))
    return truncate_metadata(snaps, MAX_EVENT_METADATA_BYTES)


def report_output(
    run: RunContext,
    step: ExecutionStep,
    info: ExecutionInfo,
    log: Any,
    output: StepOutput,
    item: StepResultItem,
) -> None:
    """Store ``item``'s value with the output's IO manager and emit the output's events."""
    from headwater.execution.step_runner import output_context

    run.emit(
        EventType.STEP_OUTPUT,
        f"Yielded output '{output.name}'.",
        step_key=step.key,
        level=logging.DEBUG,
        data=OutputData(output_name=output.name, mapping_key=item.mapping_key),
    )
    io_metadata: dict[str, Any] = {}
    stored = output.stores_value and item.has_value
    if stored:
        context = output_context(run, step, output, log, mapping_key=item.mapping_key)
        manager = run.resources[output.io_manager_key]
        with user_code_boundary(
            f"IO manager '{output.io_manager_key}' storing output '{output.name}' of "
            f"{step.describe}"
        ):
            manager.handle_output(context, item.value)
        io_metadata = dict(context.consume_output_metadata())
    if run.captured_outputs is not None and item.has_value:
        if item.mapping_key is not None:
            by_key = run.captured_outputs.setdefault((step.key, output.name), {})
            by_key[item.mapping_key] = item.value
        else:
            run.captured_outputs[(step.key, output.name)] = item.value
    if output.asset_key is not None and not (
            step.assets_def is not None and step.assets_def.is_observable):
        _report_materialization(run, step, info, output, item, io_metadata)
    if stored:
        run.emit(
            EventType.HANDLED_OUTPUT,
            f"Handled output '{output.name}' using IO manager '{output.io_manager_key}'.",
            step_key=step.key,
            level=logging.DEBUG,
            data=OutputData(output_name=output.name, io_manager_key=output.io_manager_key,
                            mapping_key=item.mapping_key),
        )


def _report_materialization(
    run: RunContext,
    step: ExecutionStep,
    info: ExecutionInfo,
    output: StepOutput,
    item: StepResultItem,
    io_metadata: Mapping[str, Any],
) -> None:
    """Emit ASSET_MATERIALIZATION for an asset output (before HANDLED_OUTPUT, as users expect)."""
    assert output.asset_key is not None
    metadata = {**io_metadata, **info.output_metadata.get(output.name, {}), **item.metadata}
    data_version = getattr(item.data_version, "value", None)
    tags = dict(item.tags)
    code_version = (step.assets_def.code_versions_by_key.get(output.asset_key)
                    if step.assets_def is not None else None)
    if code_version is not None:
        tags.setdefault(CODE_VERSION_TAG, code_version)
    if data_version is not None:
        tags.setdefault(DATA_VERSION_TAG, data_version)
    if step.assets_def is not None:
        tags.update(input_data_version_tags(
            run, step.assets_def.asset_deps.get(output.asset_key, set())))
    # A run over a range materializes each of its partitions (one event each, as Dagster).
    keys: list[str | None] = [None]
    if _partitioned(step) and run.partition_keys:
        keys = list(run.partition_keys)
    run_data_versions(run)[output.asset_key] = data_version
    for key in keys:
        run.emit(
            EventType.ASSET_MATERIALIZATION,
            f"Materialized value {output.asset_key.to_user_string()}"
            + (f" (partition {key})." if key is not None and len(keys) > 1 else "."),
            step_key=step.key,
            data=AssetEventData(
                asset_key=output.asset_key.path,
                partition=key,
                metadata=snap_metadata(metadata, step.describe),
                tags=tags,
                data_version=data_version,
            ),
        )


def _partitioned(step: ExecutionStep) -> bool:
    return step.assets_def is not None and step.assets_def.partitions_def is not None


def report_check(run: RunContext, step: ExecutionStep, item: StepResultItem) -> str | None:
    """Emit a check evaluation; returns the check's name when it failed and blocks."""
    check = item.check
    assert check is not None
    output_name, spec = _check_spec_for(step, check)
    item.output_name = output_name
    severity = AssetCheckSeverity(check.severity)
    # A partitioned check records its result for each partition of the run (one, or a range).
    partitions: list[str | None] = [None]
    if _partitioned(step):
        keys = run.partition_keys
        partitions = list(keys) if keys else [run.partition_key]
    for partition in partitions:
        run.emit(
            EventType.ASSET_CHECK_EVALUATION,
            f"Check '{spec.name}' on {spec.asset_key.to_user_string()} "
            f"{'passed' if check.passed else 'failed'}"
            + (f" (partition {partition})." if partition is not None else "."),
            step_key=step.key,
            level=logging.INFO if check.passed else logging.WARNING,
            data=AssetCheckData(
                asset_key=spec.asset_key.path,
                check_name=spec.name,
                passed=check.passed,
                severity=severity.value,
                description=check.description,
                metadata=snap_metadata(check.metadata, f"check '{spec.name}'"),
                partition=partition,
            ),
        )
    if not check.passed and spec.blocking and severity is AssetCheckSeverity.ERROR:
        failed: str = spec.key.to_user_string()
        return failed
    return None


def _check_spec_for(step: ExecutionStep, check: AssetCheckResult) -> tuple[str, Any]:
    definition = step.assets_def
    specs = definition.check_specs_by_output_name if definition is not None else {}
    if definition is not None and definition.is_graph_backed:
        # An op of a graph-backed asset reports the checks its own outputs map to.
        by_key = {spec.key: spec for spec in specs.values()}
        specs = {o.name: by_key[o.check_key] for o in step.outputs if o.check_key is not None}
    wanted_key = AssetKey.from_coercible(check.asset_key) if check.asset_key is not None else None
    matches = [
        (name, spec)
        for name, spec in specs.items()
        if (wanted_key is None or spec.asset_key == wanted_key)
        and (check.check_name is None or spec.name == check.check_name)
    ]
    if len(matches) == 1:
        return matches[0]
    declared = ", ".join(spec.key.to_user_string() for spec in specs.values()) or "none"
    if not matches:
        raise InvalidOutputError(
            f"{step.describe} returned an AssetCheckResult (asset_key={check.asset_key!r}, "
            f"check_name={check.check_name!r}) that matches none of its checks: {declared}."
        )
    raise InvalidOutputError(
        f"{step.describe} returned an AssetCheckResult without enough detail to tell which of "
        f"its checks it is ({declared}); pass asset_key= and check_name=."
    )


def report_asset_event(run: RunContext, step: ExecutionStep, event: Any) -> None:
    """Emit an ``AssetMaterialization`` or ``AssetObservation`` logged by user code."""
    if isinstance(event, ExpectationResult):
        outcome = "passed" if event.success else "failed"
        run.emit(
            EventType.STEP_EXPECTATION_RESULT,
            f"Expectation{' ' + repr(event.label) if event.label else ''} {outcome}.",
            step_key=step.key,
            level=logging.INFO if event.success else logging.WARNING,
            data=ExpectationData(success=event.success, label=event.label,
                                 description=event.description,
                                 metadata=snap_metadata(event.metadata, step.describe)),
        )
        return
    if isinstance(event, AssetMaterialization):
        event_type = EventType.ASSET_MATERIALIZATION
        verb = "Materialized"
    elif isinstance(event, AssetObservation):
        event_type = EventType.ASSET_OBSERVATION
        verb = "Observed"
    else:
        raise InvalidOutputError(
            f"{step.describe} logged {type(event).__name__}; context.log_event takes an "
            "AssetMaterialization, AssetObservation or ExpectationResult."
        )
    data_version = event.tags.get(DATA_VERSION_TAG)
    run_data_versions(run)[event.asset_key] = data_version
    run.emit(
        event_type,
        f"{verb} {event.asset_key.to_user_string()}"
        + (f" (data version {data_version})." if data_version is not None else "."),
        step_key=step.key,
        data=AssetEventData(
            asset_key=event.asset_key.path,
            partition=event.partition,
            description=event.description,
            metadata=snap_metadata(event.metadata, step.describe),
            tags=dict(event.tags),
            data_version=data_version,
        ),
    )


def run_data_versions(run: RunContext) -> dict[AssetKey, str | None]:
    """The data version of each asset this run materialized or observed so far (None: its
    newest event has none). Read before storage, which the event writer may not have written
    yet, and so that a parent made in this run costs no storage query."""
    found: dict[AssetKey, str | None] = run.__dict__.setdefault("_data_versions", {})
    return found


def input_data_version_tags(run: RunContext, parents: Iterable[AssetKey]) -> dict[str, str]:
    """``dagster/input_data_version/<parent>`` tags: each parent's current data version (of its
    newest observation or materialization), for parents that have one."""
    parents = sorted(parents)
    if not parents:
        return {}
    known = run_data_versions(run)
    missing = [key for key in parents if key not in known]
    stored: dict[AssetKey, str] = {}
    if missing:
        try:
            stored = latest_data_versions(run.instance, missing)
        except HeadwaterError as exc:
            # Storage is unreachable (the worker keeps its events until it is back): the
            # step still succeeds; without these tags staleness falls back to event times.
            logging.getLogger(__name__).warning(
                "Could not read the data versions of %s to record them as input versions: %s",
                ", ".join(key.to_user_string() for key in missing), exc)
    tags: dict[str, str] = {}
    for key in parents:
        version = known.get(key) or stored.get(key)
        if version is not None:
            tags[INPUT_DATA_VERSION_TAG_PREFIX + key.to_user_string()] = version
    return tags


def latest_data_versions(instance: Any, keys: list[AssetKey]) -> dict[AssetKey, str]:
    """The data version of each key's newest observation or materialization, from storage."""
    storage = getattr(instance, "storage", None)
    if storage is None:
        return {}
    paths = [key.path for key in keys]
    newest: dict[tuple[str, ...], Any] = dict(storage.get_latest_materializations(paths))
    for path, record in storage.get_latest_observations(paths).items():
        if path not in newest or newest[path].storage_id < record.storage_id:
            newest[path] = record
    found: dict[AssetKey, str] = {}
    for path, record in newest.items():
        data = record.event.data
        if isinstance(data, AssetEventData) and data.data_version is not None:
            found[AssetKey(path)] = data.data_version
    return found
