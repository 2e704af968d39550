"""Checking input and output values against their ``DagsterType`` while a step runs.

Only inputs and outputs with a type to check (see ``definitions.ops.types``) cost anything.
Every input is recorded as STEP_INPUT (unchecked annotations as passed); a failed output
check goes on its STEP_OUTPUT. A failed check raises ``TypeCheckError`` naming the
input or output, which fails the step.
"""

from __future__ import annotations

import inspect
import logging
from typing import Any

from headwater.definitions.ops.types import DagsterType, TypeCheck, resolve_dagster_type
from headwater.errors import TypeCheckError
from headwater.execution.plan import ExecutionStep
from headwater.execution.reporting import snap_metadata
from headwater.execution.run_context import RunContext
from headwater.snapshot.events import EventType, OutputData, TypeCheckData


class _Context:
    """The ``context`` a type check function receives."""

    def __init__(self, run: RunContext, log: Any) -> None:
        self.resources = run.resources
        self.log = log
        self.run_id = run.run_id


def check_inputs(run: RunContext, step: ExecutionStep, values: dict[str, Any], log: Any) -> None:
    """Check each input value that has a type and record every input as STEP_INPUT (as
    Dagster does, after all inputs are loaded, in input order); a failed check raises."""
    for name, value in values.items():
        annotation = step.op_def.input_def(name).annotation
        dagster_type = resolve_dagster_type(annotation)
        if dagster_type is None:  # not checked: passes, named as Dagster names it
            run.emit(EventType.STEP_INPUT,
                     f"Got input '{name}' of type '{_type_name(annotation)}'. "
                     "(Type check passed).", step_key=step.key, level=logging.DEBUG,
                     data=TypeCheckData(name=name, type_name=_type_name(annotation),
                                        success=True))
            continue
        result = dagster_type.type_check(_Context(run, log), value)
        data = _data(name, dagster_type, result, True, step)
        if not result.success:
            run.emit(EventType.STEP_INPUT,
                     f"Got input '{name}' of type '{dagster_type.display_name}'. "
                     "(Type check failed).", step_key=step.key, level=logging.WARNING, data=data)
            raise _failure("input", name, dagster_type, result)
        run.emit(EventType.STEP_INPUT,
                 f"Got input '{name}' of type '{dagster_type.display_name}'. (Type check passed).",
                 step_key=step.key, level=logging.DEBUG, data=data)


def _type_name(annotation: Any) -> str:
    if annotation is None or annotation is inspect.Parameter.empty or annotation is Any:
        return "Any"
    if annotation is list:
        return "[Any]"
    return str(getattr(annotation, "__name__", annotation))


def check_output(run: RunContext, step: ExecutionStep, output_name: str, value: Any,
                 mapping_key: str | None, log: Any) -> None:
    """Check an output value that has a type; a failed check is recorded, then raised."""
    if not step.op_def.has_output(output_name):
        return
    output_def = step.op_def.output_def(output_name)
    if output_def.is_nothing:
        return
    dagster_type = resolve_dagster_type(output_def.annotation)
    if dagster_type is None:
        return
    result = dagster_type.type_check(_Context(run, log), value)
    if result.success:
        return
    run.emit(
        EventType.STEP_OUTPUT,
        f"Yielded output '{output_name}' of type '{dagster_type.display_name}'. Warning! Type "
        "check failed.",
        step_key=step.key, level=logging.WARNING,
        data=OutputData(output_name=output_name, mapping_key=mapping_key,
                        type_check=_data(output_name, dagster_type, result, False, step)),
    )
    raise _failure("output", output_name, dagster_type, result)


def _data(name: str, dagster_type: DagsterType, result: TypeCheck, is_input: bool,
          step: ExecutionStep) -> TypeCheckData:
    return TypeCheckData(
        name=name, type_name=dagster_type.display_name, success=result.success,
        description=result.description, is_input=is_input,
        metadata=snap_metadata(result.metadata, step.describe),
    )


def _failure(kind: str, name: str, dagster_type: DagsterType, result: TypeCheck) -> TypeCheckError:
    description = f" Description: {result.description}" if result.description else ""
    return TypeCheckError(
        f'Type check failed for step {kind} "{name}" - expected type '
        f'"{dagster_type.display_name}".{description}',
        description=result.description, metadata=dict(result.metadata),
    )
