"""Turning what a compute function returned or yielded into a list of outputs, checks and events."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.ops.expectations import ExpectationResult
from headwater.definitions.ops.results import (
    AssetCheckResult,
    AssetMaterialization,
    AssetObservation,
    DynamicOutput,
    MaterializeResult,
    ObserveResult,
    Output,
)
from headwater.errors import InvalidOutputError
from headwater.execution.plan import ExecutionStep

_NO_VALUE: Any = object()


@dataclass
class StepResultItem:
    """One thing a step produced: an output value, a check result, or an asset event."""

    kind: str  # "output" | "check" | "event"
    output_name: str = ""
    value: Any = _NO_VALUE
    metadata: dict[str, Any] = field(default_factory=dict)
    data_version: Any = None
    tags: dict[str, str] = field(default_factory=dict)
    check: AssetCheckResult | None = None
    event: Any = None
    #: Set for a ``DynamicOutput``: which mapping key of the dynamic output this value is.
    mapping_key: str | None = None

    @property
    def has_value(self) -> bool:
        """Whether there is a value to hand to the IO manager."""
        return self.value is not _NO_VALUE


def normalize_step_result(step: ExecutionStep, result: Any) -> Iterator[StepResultItem]:
    """Items for ``result``: a returned value, or the list of items a generator yielded."""
    if step.assets_def is not None and step.assets_def.is_observable:
        from headwater.execution.observations import observation_items

        yield from observation_items(step, result)
        return
    check_outputs = {o.name for o in step.outputs if o.check_key is not None}
    value_outputs = [
        d.name for d in step.op_def.output_defs
        if d.name not in check_outputs and (
            step.assets_def is None or step.assets_def.is_graph_backed
            or d.name not in step.assets_def.check_specs_by_output_name)
    ]
    if isinstance(result, list) and (
        _was_generator(step, result) or _is_dynamic_list(step, result)
        or _is_result_sequence(result)
    ):
        for element in result:
            yield from _from_result_object(step, element, value_outputs, yielded=True)
        return
    if isinstance(result, tuple) and len(value_outputs) > 1:
        if len(result) != len(value_outputs):
            raise InvalidOutputError(
                f"{step.describe} returned a tuple of {len(result)} values but declares "
                f"{len(value_outputs)} outputs ({', '.join(value_outputs)}). Return one value "
                "per output, in that order, or yield Output(value, output_name=...)."
            )
        for name, element in zip(value_outputs, result, strict=True):
            if isinstance(element, Output) and element.output_name == "result":
                # An unnamed Output in a tuple is the output at its position.
                yield StepResultItem("output", name, element.value, element.metadata,
                                     element.data_version, element.tags)
            elif isinstance(element, (Output, MaterializeResult)):
                yield from _from_result_object(step, element, value_outputs, yielded=False)
            else:
                yield StepResultItem("output", name, element)
        return
    yield from _from_result_object(step, result, value_outputs, yielded=False)


def _is_result_sequence(result: list[Any]) -> bool:
    """A returned list of result objects (``MaterializeResult``, ``AssetCheckResult``, ...),
    e.g. what ``PipesClientCompletedInvocation.get_results()`` gives: one result each."""
    return bool(result) and all(
        isinstance(element, (MaterializeResult, AssetCheckResult, ObserveResult))
        for element in result
    )


def _is_dynamic_list(step: ExecutionStep, result: list[Any]) -> bool:
    """A returned list of ``DynamicOutput``s (allowed for a ``DynamicOut``)."""
    return any(d.is_dynamic for d in step.op_def.output_defs) and all(
        isinstance(element, DynamicOutput) for element in result
    )


def _was_generator(step: ExecutionStep, result: list[Any]) -> bool:
    import inspect

    fn = step.op_def.compute_fn
    return inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn)


def _from_result_object(
    step: ExecutionStep, obj: Any, value_outputs: list[str], *, yielded: bool
) -> Iterator[StepResultItem]:
    if isinstance(obj, Output):
        yield StepResultItem("output", obj.output_name if obj.output_name != "result"
                             or "result" in value_outputs else _single(step, value_outputs),
                             obj.value, obj.metadata, obj.data_version, obj.tags)
    elif isinstance(obj, MaterializeResult):
        name = _output_for_asset(step, obj.asset_key, value_outputs)
        value = obj.value if obj.value is not None else _NO_VALUE
        yield StepResultItem("output", name, value, dict(obj.metadata), obj.data_version,
                             dict(obj.tags))
        for check in obj.check_results:
            yield StepResultItem("check", check=check)
    elif isinstance(obj, AssetCheckResult):
        yield StepResultItem("check", check=obj)
    elif isinstance(obj, (AssetMaterialization, AssetObservation, ExpectationResult)):
        yield StepResultItem("event", event=obj)
    elif isinstance(obj, ObserveResult):
        key = _asset_key(step, obj.asset_key)
        yield StepResultItem("event", event=AssetObservation(key, metadata=obj.metadata,
                                                             tags=obj.tags))
    elif isinstance(obj, DynamicOutput):
        name = obj.output_name if obj.output_name != "result" or "result" in value_outputs \
            else _single(step, value_outputs)
        yield StepResultItem("output", name, obj.value, obj.metadata, mapping_key=obj.mapping_key)
    elif yielded:
        raise InvalidOutputError(
            f"{step.describe} yielded {type(obj).__name__} ({_short(obj)}). A generator must "
            "yield Output, MaterializeResult, AssetCheckResult, AssetMaterialization or "
            "AssetObservation objects."
        )
    elif obj is None and not value_outputs:
        return
    else:
        yield StepResultItem("output", _single(step, value_outputs), obj)


def _single(step: ExecutionStep, value_outputs: list[str]) -> str:
    if len(value_outputs) == 1:
        return value_outputs[0]
    raise InvalidOutputError(
        f"{step.describe} returned a single value but declares {len(value_outputs)} outputs "
        f"({', '.join(value_outputs) or 'none'}). Return a tuple with one value per output, or "
        "yield Output(value, output_name=...)."
    )


def _asset_key(step: ExecutionStep, given: Any) -> AssetKey:
    if given is not None:
        return AssetKey.from_coercible(given)
    definition = step.assets_def
    if definition is None or len(definition.keys) != 1:
        raise InvalidOutputError(
            f"{step.describe} reported a result without asset_key=, but it computes "
            f"{len(definition.keys) if definition else 0} assets. Pass asset_key=."
        )
    return definition.key


def _output_for_asset(step: ExecutionStep, given: Any, value_outputs: list[str]) -> str:
    definition = step.assets_def
    if definition is None:
        return _single(step, value_outputs)
    if given is None and len(definition.selected_keys) == 1:
        key = next(iter(definition.selected_keys))
    else:
        key = _asset_key(step, given)
    name = definition.output_names_by_key.get(key)
    if name is None:
        raise InvalidOutputError(
            f"{step.describe} reported a MaterializeResult for '{key.to_user_string()}', which "
            f"it does not compute. It computes: "
            f"{', '.join(sorted(k.to_user_string() for k in definition.keys))}."
        )
    return name


def _short(obj: Any) -> str:
    text = repr(obj)
    return text if len(text) <= 80 else text[:77] + "..."
