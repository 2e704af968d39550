"""Inputs taken from run config: ``ops: {op: {inputs: {name: ...}}}`` for unconnected inputs
whose type has a loader (see ``definitions.ops.type_loaders``).

The config of every such input is validated against its loader's schema when the run starts
(with the ops' own config); the step builds the value with the loader when it runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from headwater.definitions.config.schema_validation import validate_field
from headwater.definitions.ops.params import NO_VALUE
from headwater.errors import ConfigError, user_code_boundary
from headwater.execution.plan import ExecutionPlan, ExecutionStep, FromConfig


def resolve_input_configs(plan: ExecutionPlan, run_config: Mapping[str, Any]
                          ) -> dict[tuple[str, ...], dict[str, Any]]:
    """Validated input config by op config path and input name; raises ``ConfigError`` for a
    missing required input, an unknown one, or config that does not fit its loader."""
    ops_config = run_config.get("ops") or {}
    resolved: dict[tuple[str, ...], dict[str, Any]] = {}
    for step in plan.steps.values():
        if step.config_path in resolved:
            continue  # mapped steps of one op share its config
        given = _inputs_at(ops_config, step.config_path)
        loadable = {i.name: s for i in step.inputs for s in i.sources if isinstance(s, FromConfig)}
        unknown = sorted(set(given) - set(loadable))
        if unknown:
            raise ConfigError(
                f"Run config gives input(s) {', '.join(unknown)} of {step.describe} at "
                f"{_path(step, 'inputs')}, which are connected or do not exist. Inputs run "
                f"config can give: {', '.join(sorted(loadable)) or 'none'}."
            )
        values = {}
        for name, source in loadable.items():
            if name in given or source.default is NO_VALUE:
                # Absent and without a default: the loader's schema says whether that is fine.
                values[name] = _validated(step, name, source, given.get(name))
        if values:
            resolved[step.config_path] = values
    return resolved


def _validated(step: ExecutionStep, name: str, source: FromConfig, value: Any) -> Any:
    from headwater.definitions.config.schema_types import resolve_top_level

    field = resolve_top_level(source.loader.config_schema)
    if field is None:
        if value is None:
            raise ConfigError(f"Missing required config entry {_path(step, 'inputs', name)}: "
                              f"input '{name}' of {step.describe} is not connected; give it.")
        return value
    return validate_field(field, value, f"input '{name}' of {step.describe}",
                          path=_path(step, "inputs", name))


class LoaderContext:
    """The ``context`` a type loader receives."""

    def __init__(self, resources: Any, log: Any, step: ExecutionStep) -> None:
        self.resources = resources
        self.log = log
        self.op_def = step.op_def
        self.step_key = step.key


def load_from_config(step: ExecutionStep, name: str, source: FromConfig,
                     configs: Mapping[tuple[str, ...], Mapping[str, Any]],
                     context: LoaderContext) -> Any:
    """The value of input ``name`` of ``step``: built by its loader from run config, else its
    default."""
    given = configs.get(step.config_path, {})
    if name not in given:
        if source.default is NO_VALUE:
            raise ConfigError(
                f"Input '{name}' of {step.describe} has no value: give it in the run config at "
                f"{_path(step, 'inputs', name)}."
            )
        return source.default
    with user_code_boundary(f"loader of input '{name}' of {step.describe}"):
        return source.loader.construct_from_config_value(context, given[name])


def _inputs_at(ops_config: Any, path: tuple[str, ...]) -> Mapping[str, Any]:
    node: Any = ops_config
    for index, name in enumerate(path):
        entry = node.get(name) if isinstance(node, Mapping) else None
        if index < len(path) - 1:
            node = entry.get("ops") if isinstance(entry, Mapping) else None
            continue
        inputs = entry.get("inputs") if isinstance(entry, Mapping) else None
        if inputs is not None and not isinstance(inputs, Mapping):
            raise ConfigError(f"Run config ops.{'.ops.'.join(path)}.inputs must be a mapping of "
                              "input name to its config.")
        return inputs or {}
    return {}


def _path(step: ExecutionStep, *tail: str) -> str:
    return "ops." + ".ops.".join(step.config_path) + "." + ".".join(tail)
