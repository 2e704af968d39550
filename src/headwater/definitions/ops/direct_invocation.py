"""Calling an op's or asset's function directly, outside any run (unit tests)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from headwater.definitions.ops.context import (
    OpExecutionContext,
    build_asset_context,
    build_op_context,
)
from headwater.definitions.ops.params import NO_VALUE
from headwater.errors import InvalidInvocationError

if TYPE_CHECKING:
    from headwater.definitions.ops.op_definition import OpDefinition


def invoke_compute_fn(op_def: OpDefinition, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
    """Bind ``args``/``kwargs`` to the function's context, config, resources and inputs; call it.

    A context may be passed first; when the function wants one and none is given, an empty
    one is built. Config and resources may be passed by parameter name, or come from the
    context.
    """
    params = op_def.params
    remaining = list(args)
    extra = dict(kwargs)
    call: dict[str, Any] = {}
    context: OpExecutionContext | None = None
    if remaining and isinstance(remaining[0], OpExecutionContext):
        context = remaining.pop(0)
    elif params.context and params.context in extra:
        context = extra.pop(params.context)
    if params.context:
        if context is None:
            context = build_asset_context() if op_def.kind == "asset" else build_op_context()
        call[params.context] = context
    if params.config:
        given = extra.pop(params.config, NO_VALUE)
        if given is NO_VALUE:
            given = _positional_config(op_def, remaining, context)
        call[params.config] = _config_value(op_def, given, context)
    call.update(_resources(op_def, extra, context))
    call.update(_inputs(op_def, remaining, extra))
    if remaining or extra:
        unexpected = [repr(v) for v in remaining] + list(extra)
        raise InvalidInvocationError(
            f"{op_def.describe} was called with unexpected arguments: {', '.join(unexpected)}."
        )
    return op_def.compute_fn(**call)


def _resources(
    op_def: OpDefinition, extra: dict[str, Any], context: OpExecutionContext | None
) -> dict[str, Any]:
    """Resource parameters: passed by name (taken out of ``extra``) or from the context."""
    found: dict[str, Any] = {}
    for key in op_def.params.resources:
        if key in extra:
            found[key] = extra.pop(key)
        elif context is not None and context.resources is not None and key in context.resources:
            found[key] = context.resources[key]
        else:
            raise InvalidInvocationError(
                f"{op_def.describe} needs resource '{key}'. Pass it as {key}=... or in "
                "build_asset_context(resources={...})."
            )
    return found


def _inputs(op_def: OpDefinition, remaining: list[Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Input values: by name, then positionally, then defaults (consuming the arguments)."""
    found: dict[str, Any] = {}
    for param in op_def.params.inputs:
        if param.name in extra:
            found[param.name] = extra.pop(param.name)
        elif remaining:
            found[param.name] = remaining.pop(0)
        elif param.default is not NO_VALUE:
            found[param.name] = param.default
        else:
            raise InvalidInvocationError(
                f"{op_def.describe} was called without a value for input '{param.name}'."
            )
    return found


def _positional_config(
    op_def: OpDefinition, remaining: list[Any], context: OpExecutionContext | None
) -> Any:
    """The config passed positionally (in the parameter's place), taken out of ``remaining``."""
    params = op_def.params
    position = params.config_position
    if len(remaining) <= position:
        return NO_VALUE
    candidate = remaining[position]
    config_class = params.config_class
    is_config = config_class is not None and isinstance(candidate, config_class)
    context_config = context.op_config if context is not None else None
    # A dict is the config only where an input would not take the place's argument instead.
    if is_config or (isinstance(candidate, Mapping) and context_config is None):
        if is_config or len(remaining) > len(params.inputs):
            return remaining.pop(position)
    return NO_VALUE


def _config_value(op_def: OpDefinition, given: Any, context: OpExecutionContext | None) -> Any:
    config_class = op_def.params.config_class
    if given is NO_VALUE:
        given = context.op_config if context is not None else None
    if config_class is None or isinstance(given, config_class):
        return given
    from headwater.definitions.config.pythonic import validate_config

    return validate_config(config_class, given, op_def.describe)

