"""``DagsterEvent``: a stored run event as Dagster users read it.

``ExecuteInProcessResult.all_events`` / ``get_*_events()`` and
``EventLogEntry.dagster_event`` hand these out. Each wraps one :class:`RunEvent` (whose stored
format does not change) and answers with Dagster's names: ``event_type`` (a
``DagsterEventType``), ``event_type_value``, ``step_key``, ``asset_key`` as an ``AssetKey``,
``is_step_success`` and the other ``is_*`` checks, and ``event_specific_data`` (for a
materialization: ``.materialization``, the ``AssetMaterialization`` with its metadata).
"""

from __future__ import annotations

from typing import Any

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.ops.expectations import ExpectationResult
from headwater.definitions.ops.results import AssetMaterialization, AssetObservation
from headwater.snapshot.events import (
    AssetEventData,
    EventData,
    EventType,
    ExpectationData,
    InputData,
    OutputData,
    RunEvent,
)
from headwater.snapshot.metadata import metadata_from_snap

__all__ = ["DagsterEvent", "StepExpectationResultData", "StepMaterializationData"]

_STEP_EVENTS = frozenset(t for t in EventType if t.value.startswith("STEP_")) | {
    EventType.LOADED_INPUT, EventType.HANDLED_OUTPUT, EventType.ASSET_MATERIALIZATION,
    EventType.ASSET_OBSERVATION, EventType.ASSET_CHECK_EVALUATION,
}
_RUN_EVENTS = frozenset({
    EventType.RUN_START, EventType.RUN_SUCCESS, EventType.RUN_FAILURE,
    EventType.RUN_CANCELING, EventType.RUN_CANCELED,
})
_HOOK_EVENTS = frozenset({EventType.HOOK_COMPLETED, EventType.HOOK_ERRORED,
                          EventType.HOOK_SKIPPED})


class StepMaterializationData:
    """``event_specific_data`` of a materialization or observation."""

    def __init__(self, materialization: AssetMaterialization | None,
                 observation: AssetObservation | None) -> None:
        self.materialization = materialization
        self.asset_observation = observation

    def __repr__(self) -> str:
        return f"StepMaterializationData({self.materialization or self.asset_observation!r})"


class StepExpectationResultData:
    """``event_specific_data`` of an expectation result: its ``expectation_result``."""

    def __init__(self, expectation_result: ExpectationResult) -> None:
        self.expectation_result = expectation_result

    def __repr__(self) -> str:
        return f"StepExpectationResultData({self.expectation_result!r})"


class DagsterEvent:
    """One event of a run, with Dagster's attribute names."""

    __slots__ = ("_event",)

    def __init__(self, event: RunEvent) -> None:
        self._event = event

    @property
    def run_event(self) -> RunEvent:
        """The stored event this wraps."""
        return self._event

    # What and where -----------------------------------------------------------------------

    @property
    def event_type(self) -> EventType:
        """The kind of event (``DagsterEventType.STEP_SUCCESS``, ...)."""
        return self._event.event_type

    @property
    def event_type_value(self) -> str:
        """The kind of event as a string (``"ASSET_MATERIALIZATION"``)."""
        return self._event.event_type.value

    @property
    def run_id(self) -> str:
        """The run that logged the event."""
        return self._event.run_id

    @property
    def job_name(self) -> str | None:
        """The job of that run."""
        return self._event.job_name

    @property
    def step_key(self) -> str | None:
        """The step that logged the event (None for run-level events)."""
        return self._event.step_key

    @property
    def node_name(self) -> str | None:
        """The op's path in the job (the step key without a mapping key)."""
        key = self._event.step_key
        return key.split("[", 1)[0] if key else None

    @property
    def message(self) -> str:
        """The event's message."""
        return self._event.message

    @property
    def level(self) -> int:
        """Its ``logging`` level."""
        return self._event.level

    @property
    def timestamp(self) -> float:
        """When it was logged (seconds since the epoch)."""
        return self._event.timestamp

    @property
    def data(self) -> EventData | None:
        """headwater's stored payload of the event."""
        return self._event.data

    @property
    def asset_key(self) -> AssetKey | None:
        """The asset the event is about, if any."""
        path = self._event.asset_key
        return AssetKey(path) if path else None

    @property
    def partition(self) -> str | None:
        """The asset partition the event is about, if any."""
        data = self._event.data
        return data.partition if isinstance(data, AssetEventData) else None

    # Payloads -----------------------------------------------------------------------------

    @property
    def event_specific_data(self) -> Any:
        """What the event carries: for materializations and observations an object with
        ``materialization`` / ``asset_observation``; otherwise the stored payload (a step
        failure's ``error``, a step success's ``duration_ms``, ...), or None."""
        data = self._event.data
        if isinstance(data, ExpectationData):
            return StepExpectationResultData(ExpectationResult(
                data.success, label=data.label, description=data.description,
                metadata=metadata_from_snap(data.metadata)))
        if not isinstance(data, AssetEventData):
            return data
        kwargs: dict[str, Any] = {
            "partition": data.partition,
            "description": data.description,
            "metadata": metadata_from_snap(data.metadata),
            "tags": data.tags,
        }
        if self._event.event_type is EventType.ASSET_MATERIALIZATION:
            return StepMaterializationData(AssetMaterialization(AssetKey(data.asset_key),
                                                                **kwargs), None)
        return StepMaterializationData(None, AssetObservation(AssetKey(data.asset_key),
                                                              **kwargs))

    @property
    def step_materialization_data(self) -> Any:
        """The same as ``event_specific_data`` (Dagster's name for materializations)."""
        return self.event_specific_data

    @property
    def asset_observation_data(self) -> Any:
        """The same as ``event_specific_data`` (Dagster's name for observations)."""
        return self.event_specific_data

    @property
    def step_failure_data(self) -> Any:
        """A step failure's payload (its ``error``)."""
        return self._event.data

    @property
    def step_success_data(self) -> Any:
        """A step success's payload (its ``duration_ms``)."""
        return self._event.data

    @property
    def step_output_data(self) -> OutputData | None:
        """An output event's payload (``output_name``, ...)."""
        data = self._event.data
        return data if isinstance(data, OutputData) else None

    @property
    def step_input_data(self) -> InputData | None:
        """An input event's payload (``input_name``, ...)."""
        data = self._event.data
        return data if isinstance(data, InputData) else None

    # Kinds --------------------------------------------------------------------------------

    def _is(self, kind: EventType) -> bool:
        return self._event.event_type is kind

    @property
    def is_step_event(self) -> bool:
        """Whether a step logged the event."""
        return self._event.event_type in _STEP_EVENTS

    @property
    def is_job_event(self) -> bool:
        """Whether it is about the whole run (start, success, failure, cancel)."""
        return self._event.event_type in _RUN_EVENTS

    @property
    def is_hook_event(self) -> bool:
        """Whether a hook logged it."""
        return self._event.event_type in _HOOK_EVENTS

    @property
    def is_step_start(self) -> bool:
        """STEP_START."""
        return self._is(EventType.STEP_START)

    @property
    def is_step_success(self) -> bool:
        """STEP_SUCCESS."""
        return self._is(EventType.STEP_SUCCESS)

    @property
    def is_step_failure(self) -> bool:
        """STEP_FAILURE."""
        return self._is(EventType.STEP_FAILURE)

    @property
    def is_step_skipped(self) -> bool:
        """STEP_SKIPPED."""
        return self._is(EventType.STEP_SKIPPED)

    @property
    def is_step_up_for_retry(self) -> bool:
        """STEP_UP_FOR_RETRY."""
        return self._is(EventType.STEP_UP_FOR_RETRY)

    @property
    def is_step_restarted(self) -> bool:
        """STEP_RESTARTED."""
        return self._is(EventType.STEP_RESTARTED)

    @property
    def is_successful_output(self) -> bool:
        """STEP_OUTPUT."""
        return self._is(EventType.STEP_OUTPUT)

    @property
    def is_handled_output(self) -> bool:
        """HANDLED_OUTPUT."""
        return self._is(EventType.HANDLED_OUTPUT)

    @property
    def is_loaded_input(self) -> bool:
        """LOADED_INPUT."""
        return self._is(EventType.LOADED_INPUT)

    @property
    def is_step_materialization(self) -> bool:
        """ASSET_MATERIALIZATION (Dagster's name)."""
        return self._is(EventType.ASSET_MATERIALIZATION)

    @property
    def is_asset_materialization(self) -> bool:
        """ASSET_MATERIALIZATION."""
        return self._is(EventType.ASSET_MATERIALIZATION)

    @property
    def is_asset_observation(self) -> bool:
        """ASSET_OBSERVATION."""
        return self._is(EventType.ASSET_OBSERVATION)

    @property
    def is_asset_check_evaluation(self) -> bool:
        """ASSET_CHECK_EVALUATION."""
        return self._is(EventType.ASSET_CHECK_EVALUATION)

    @property
    def is_expectation_result(self) -> bool:
        """STEP_EXPECTATION_RESULT."""
        return self._is(EventType.STEP_EXPECTATION_RESULT)

    @property
    def is_engine_event(self) -> bool:
        """ENGINE_EVENT."""
        return self._is(EventType.ENGINE_EVENT)

    @property
    def is_resource_init_failure(self) -> bool:
        """RESOURCE_INIT_FAILURE."""
        return self._is(EventType.RESOURCE_INIT_FAILURE)

    @property
    def is_job_success(self) -> bool:
        """RUN_SUCCESS."""
        return self._is(EventType.RUN_SUCCESS)

    @property
    def is_job_failure(self) -> bool:
        """RUN_FAILURE."""
        return self._is(EventType.RUN_FAILURE)

    @property
    def is_run_failure(self) -> bool:
        """RUN_FAILURE."""
        return self._is(EventType.RUN_FAILURE)

    @property
    def is_failure(self) -> bool:
        """A step or the run failed (STEP_FAILURE, RUN_FAILURE or RESOURCE_INIT_FAILURE)."""
        return self._event.event_type in (EventType.STEP_FAILURE, EventType.RUN_FAILURE,
                                          EventType.RESOURCE_INIT_FAILURE)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DagsterEvent) and other._event == self._event

    def __hash__(self) -> int:
        return hash((self._event.run_id, self._event.timestamp, self._event.event_type))

    def __repr__(self) -> str:
        return f"DagsterEvent({self.event_type_value}, step={self._event.step_key!r})"
