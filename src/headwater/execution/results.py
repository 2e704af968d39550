"""The result of an in-process run: success, events, and the values each output produced."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from headwater.core.run_status import RunStatus
from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey, CoercibleToAssetKey
from headwater.definitions.ops.graphs import GraphDefinition
from headwater.definitions.ops.jobs import JobDefinition
from headwater.definitions.ops.results import AssetMaterialization, AssetObservation
from headwater.errors import NotFoundError, OutputNotFoundError
from headwater.snapshot.dagster_event import DagsterEvent
from headwater.snapshot.events import AssetCheckData, AssetEventData, EventType, RunEvent
from headwater.snapshot.metadata import metadata_from_snap
from headwater.snapshot.runs import RunRecord


@dataclass(frozen=True)
class AssetCheckEvaluation:
    """A check's outcome: as recorded in a run, or built to report one outside a run
    (``instance.report_runless_asset_event``)."""

    asset_key: AssetKey
    check_name: str
    passed: bool
    metadata: Mapping[str, Any] = field(default_factory=dict)
    severity: str = "ERROR"
    description: str | None = None
    partition: str | None = None
    blocking: bool | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "asset_key", AssetKey.from_coercible(self.asset_key))
        object.__setattr__(self, "metadata", dict(self.metadata or {}))
        object.__setattr__(self, "severity", str(getattr(self.severity, "value", self.severity)))

    @property
    def asset_check_key(self) -> AssetCheckKey:
        """The check's key."""
        return AssetCheckKey(self.asset_key, self.check_name)


class ExecuteInProcessResult:
    """What an in-process run produced."""

    def __init__(
        self,
        run_id: str,
        job: JobDefinition,
        events: list[RunEvent],
        success: bool,
        outputs: Mapping[tuple[str, str], Any],
        tags: Mapping[str, str] | None = None,
    ) -> None:
        self.run_id = run_id
        #: The run's tags: the job's run tags, then the ones given for this run.
        self.tags = dict(tags or {})
        self.job_def = job
        #: Every event of the run, as Dagster's ``DagsterEvent`` (``event_type``,
        #: ``step_key``, ``asset_key``, ``is_step_success``, ``event_specific_data``, ...).
        self.all_events = [DagsterEvent(event) for event in events]
        self.success = success
        self._outputs = dict(outputs)

    @property
    def job_name(self) -> str:
        """Name of the job that ran."""
        return self.job_def.name

    @property
    def status(self) -> str:
        """``SUCCESS`` or ``FAILURE``."""
        return "SUCCESS" if self.success else "FAILURE"

    @property
    def dagster_run(self) -> RunRecord:
        """The run as a record (``run_id``, ``job_name``, ``status``), as Dagster's."""
        status = RunStatus.SUCCESS if self.success else RunStatus.FAILURE
        times = [e.timestamp for e in self.all_events]
        return RunRecord(
            run_id=self.run_id,
            job_name=self.job_name,
            status=status,
            tags=dict(self.tags),
            start_time=min(times) if times else None,
            end_time=max(times) if times else None,
        )

    # Values -------------------------------------------------------------------------------

    def output_for_node(self, node_str: str, output_name: str = "result") -> Any:
        """The value of ``output_name`` of the node ``node_str``.

        ``node_str`` is an op's dotted path (``outer.inner.op``) or a graph's, whose output
        is the op output it maps to.
        """
        key = _resolve_output(self.job_def.graph, node_str.split("."), output_name, "")
        step_key, name = key or (node_str, output_name)
        mapped = {
            step[len(step_key) + 1:-1]: value for (step, out), value in self._outputs.items()
            if out == name and step.startswith(f"{step_key}[") and step.endswith("]")
        }
        try:
            return self._outputs[(step_key, name)]
        except KeyError:
            if mapped:  # a mapped op: its value for each mapping key
                return mapped
            produced = sorted(f"{step}:{name}" for step, name in self._outputs)
            raise OutputNotFoundError(
                f"Node '{node_str}' produced no output '{output_name}' in run {self.run_id}. "
                f"Outputs produced: {', '.join(produced) or 'none'}."
            ) from None

    def output_value(self, output_name: str = "result") -> Any:
        """The value of the job's output ``output_name`` (what its graph body returned).

        For a job whose body returns nothing, the output of its only op.
        """
        handle = self.job_def.graph.output_mappings.get(output_name)
        if handle is not None:
            return self.output_for_node(handle.node_name, handle.output_name)
        nodes = {step for step, _ in self._outputs}
        if len(nodes) != 1:
            raise NotFoundError(
                f"Job '{self.job_name}' has no output '{output_name}'. Return op outputs from "
                "its body to give it outputs, or use output_for_node(node, output_name)."
            )
        return self.output_for_node(nodes.pop(), output_name)

    def asset_value(self, asset_key: CoercibleToAssetKey) -> Any:
        """The value computed for ``asset_key`` in this run."""
        key = AssetKey.from_coercible(asset_key)
        layer = self.job_def.asset_layer
        definition = layer.definition_for(key) if layer is not None else None
        if definition is None or definition.node_def is None:
            raise NotFoundError(f"Asset '{key.to_user_string()}' was not part of this run.")
        output_name = definition.output_names_by_key[key]
        if definition.is_graph_backed:
            handle, _, inner = definition.node_def.resolve_output(output_name)
            return self.output_for_node(f"{definition.node_name}.{handle}", inner)
        return self.output_for_node(definition.node_name, output_name)

    # Events -------------------------------------------------------------------------------

    def filter_events(self, predicate: Callable[[DagsterEvent], bool]) -> list[DagsterEvent]:
        """Events for which ``predicate`` is true."""
        return [event for event in self.all_events if predicate(event)]

    def events_for_node(self, node_name: str) -> list[DagsterEvent]:
        """Events of the node ``node_name`` (every mapped step of a mapped op)."""
        return self.filter_events(lambda e: e.step_key == node_name or e.node_name == node_name)

    def is_node_success(self, node_str: str) -> bool:
        """Whether a step of the node succeeded."""
        return any(e.is_step_success for e in self.events_for_node(node_str))

    def is_node_failed(self, node_str: str) -> bool:
        """Whether a step of the node failed."""
        return any(e.is_step_failure for e in self.events_for_node(node_str))

    def is_node_skipped(self, node_str: str) -> bool:
        """Whether a step of the node was skipped."""
        return any(e.is_step_skipped for e in self.events_for_node(node_str))

    def is_node_untouched(self, node_str: str) -> bool:
        """Whether the node logged no event at all (it was not part of the run)."""
        return not self.events_for_node(node_str)

    def failure_data_for_node(self, node_str: str) -> Any:
        """The failure payload (its ``error``) of the node's failed step, None if it did not
        fail."""
        failures = [e for e in self.events_for_node(node_str) if e.is_step_failure]
        return failures[-1].step_failure_data if failures else None

    def expectation_results_for_node(self, node_str: str) -> list[Any]:
        """The ``ExpectationResult``s the node reported."""
        return [e.event_specific_data.expectation_result for e in self.events_for_node(node_str)
                if e.is_expectation_result]

    def retry_attempts_for_node(self, node_str: str) -> int:
        """How many times the node's step was retried."""
        return sum(1 for e in self.events_for_node(node_str) if e.is_step_restarted)

    def get_run_success_event(self) -> DagsterEvent:
        """The RUN_SUCCESS event; ``NotFoundError`` if the run did not succeed."""
        return self._only(EventType.RUN_SUCCESS)

    def get_run_failure_event(self) -> DagsterEvent:
        """The RUN_FAILURE event; ``NotFoundError`` if the run did not fail."""
        return self._only(EventType.RUN_FAILURE)

    get_job_success_event = get_run_success_event
    get_job_failure_event = get_run_failure_event

    def _only(self, kind: EventType) -> DagsterEvent:
        found = self.filter_events(lambda e: e.event_type is kind)
        if not found:
            raise NotFoundError(
                f"Run {self.run_id} of job '{self.job_name}' has no {kind.value} event (it "
                f"ended {self.status})."
            )
        return found[0]

    def get_step_skipped_events(self) -> list[DagsterEvent]:
        """STEP_SKIPPED events."""
        return self.filter_events(lambda e: e.event_type is EventType.STEP_SKIPPED)

    @property
    def all_node_events(self) -> list[DagsterEvent]:
        """Events that belong to a step."""
        return self.filter_events(lambda e: e.step_key is not None)

    def get_step_success_events(self) -> list[DagsterEvent]:
        """STEP_SUCCESS events."""
        return self.filter_events(lambda e: e.event_type is EventType.STEP_SUCCESS)

    def get_step_failure_events(self) -> list[DagsterEvent]:
        """STEP_FAILURE events."""
        return self.filter_events(lambda e: e.event_type is EventType.STEP_FAILURE)

    def get_failed_step_keys(self) -> list[str]:
        """Keys of the steps that failed."""
        return [e.step_key for e in self.get_step_failure_events() if e.step_key]

    def get_skipped_step_keys(self) -> list[str]:
        """Keys of the steps that were skipped."""
        return [
            e.step_key
            for e in self.filter_events(lambda e: e.event_type is EventType.STEP_SKIPPED)
            if e.step_key
        ]

    def get_asset_materialization_events(self) -> list[DagsterEvent]:
        """ASSET_MATERIALIZATION events."""
        return self.filter_events(lambda e: e.event_type is EventType.ASSET_MATERIALIZATION)

    def get_asset_observation_events(self) -> list[DagsterEvent]:
        """ASSET_OBSERVATION events."""
        return self.filter_events(lambda e: e.event_type is EventType.ASSET_OBSERVATION)

    def asset_materializations_for_node(self, node_name: str) -> list[AssetMaterialization]:
        """Materializations reported by ``node_name``, as user-facing objects."""
        return [
            _asset_event(AssetMaterialization, e)
            for e in self.get_asset_materialization_events()
            if e.step_key == node_name
        ]

    def asset_observations_for_node(self, node_name: str) -> list[AssetObservation]:
        """Observations reported by ``node_name``."""
        return [
            _asset_event(AssetObservation, e)
            for e in self.get_asset_observation_events()
            if e.step_key == node_name
        ]

    @property
    def asset_materializations(self) -> list[AssetMaterialization]:
        """Every materialization of the run."""
        return [_asset_event(AssetMaterialization, e)
                for e in self.get_asset_materialization_events()]

    def get_asset_check_evaluations(self) -> list[AssetCheckEvaluation]:
        """Every check outcome of the run."""
        found = []
        for event in self.filter_events(
            lambda e: e.event_type is EventType.ASSET_CHECK_EVALUATION
        ):
            data = event.data
            assert isinstance(data, AssetCheckData)
            found.append(
                AssetCheckEvaluation(
                    asset_key=AssetKey(data.asset_key),
                    check_name=data.check_name,
                    passed=data.passed,
                    severity=data.severity,
                    description=data.description,
                    metadata=metadata_from_snap(data.metadata),
                    partition=data.partition,
                )
            )
        return found

    def __repr__(self) -> str:
        return f"<ExecuteInProcessResult {self.job_name} run_id={self.run_id} {self.status}>"


def _resolve_output(
    graph: GraphDefinition, path: list[str], output_name: str, prefix: str
) -> tuple[str, str] | None:
    """The (step key, output name) that ``path``'s output is, following graph output mappings."""
    invocation = graph.invocations.get(path[0])
    if invocation is None:
        return None
    definition = invocation.definition
    handle = f"{prefix}{path[0]}"
    if not isinstance(definition, GraphDefinition):
        return (handle, output_name) if len(path) == 1 else None
    if len(path) > 1:
        return _resolve_output(definition, path[1:], output_name, f"{handle}.")
    mapped = definition.output_mappings.get(output_name)
    if mapped is None:
        return None
    return _resolve_output(definition, [mapped.node_name], mapped.output_name, f"{handle}.")


def _asset_event(cls: type[Any], event: DagsterEvent) -> Any:
    data = event.data
    assert isinstance(data, AssetEventData)
    return cls(
        AssetKey(data.asset_key),
        description=data.description,
        metadata=metadata_from_snap(data.metadata),
        partition=data.partition,
        tags=data.tags,
    )
