"""Run config: validating ``{"ops": ..., "resources": ...}`` against a plan's op config schemas."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from headwater.errors import ConfigError
from headwater.execution.plan import ExecutionPlan, ExecutionStep

_TOP_LEVEL_KEYS = ("ops", "resources", "execution", "loggers")


def normalize_run_config(run_config: Any) -> dict[str, Any]:
    """A plain dict from a dict, a ``RunConfig`` or None; unknown top-level keys are errors."""
    if run_config is None:
        return {}
    to_dict = getattr(run_config, "to_config_dict", None)
    config = dict(to_dict()) if callable(to_dict) else run_config
    if not isinstance(config, Mapping):
        raise ConfigError(
            f"Run config must be a mapping or RunConfig; got {type(run_config).__name__}."
        )
    unknown = [key for key in config if key not in _TOP_LEVEL_KEYS]
    if unknown:
        raise ConfigError(
            f"Run config has unknown top-level key(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(_TOP_LEVEL_KEYS)}."
        )
    return dict(config)


def job_run_config(job: Any, run_config: Any,
                   partition_config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The run config a run of ``job`` uses: the job's defaults, or its config mapping, applied.

    With ``@job(config=ConfigMapping(...))`` the given run config (minus ``resources``,
    ``execution`` and ``loggers``) is the mapping's outer config. ``partition_config`` (a
    partitioned config's run config for the run's partition) lies between the job's defaults
    and the given run config.
    """
    return _with_graph_mappings(job, _job_run_config(job, run_config, partition_config))


def _job_run_config(job: Any, run_config: Any,
                    partition_config: Mapping[str, Any] | None) -> dict[str, Any]:
    mapping = job.config
    if not callable(getattr(mapping, "resolve", None)):
        base = merge_run_config(job.default_run_config, partition_config or {})
        return merge_run_config(base, normalize_run_config(run_config))
    to_dict = getattr(run_config, "to_config_dict", None)
    given = dict(to_dict() if callable(to_dict) else run_config or {})
    passthrough = {k: given.pop(k) for k in ("resources", "execution", "loggers") if k in given}
    inner = normalize_run_config(mapping.resolve(given, f"job '{job.name}'"))
    return merge_run_config(inner, passthrough)


def _with_graph_mappings(job: Any, config: dict[str, Any]) -> dict[str, Any]:
    ops = config.get("ops")
    graph = getattr(job, "graph", None)
    if not isinstance(ops, Mapping) or graph is None:
        return config
    from headwater.execution.graph_config import apply_graph_config_mappings

    return {**config, "ops": apply_graph_config_mappings(graph, ops)}


def merge_run_config(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` laid over ``base``, merging nested mappings."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge_run_config(merged[key], value)
        else:
            merged[key] = value
    return merged


def resolve_step_configs(plan: ExecutionPlan, run_config: Mapping[str, Any]) -> dict[str, Any]:
    """Validated config for each step that has a config schema.

    Config given for an op that is not in the plan, or for an op without a config schema,
    is an error naming it.
    """
    ops_config = run_config.get("ops") or {}
    if not isinstance(ops_config, Mapping):
        raise ConfigError("Run config 'ops' must be a mapping of op name to {config: ...}.")
    _check_known_ops(plan, ops_config)
    resolved: dict[str, Any] = {}
    for step in plan.steps.values():
        given = _config_at(ops_config, step.config_path)
        value = _validate_step_config(step, given)
        if value is not None:
            resolved[step.key] = value
    return resolved


def _config_at(ops_config: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = ops_config
    for index, name in enumerate(path):
        if not isinstance(node, Mapping) or name not in node:
            return None
        entry = node[name]
        if index == len(path) - 1:
            if isinstance(entry, Mapping) and set(entry) <= {"config", "inputs", "outputs"}:
                return entry.get("config")
            return entry
        node = entry.get("ops") if isinstance(entry, Mapping) else None
    return None


def _validate_step_config(step: ExecutionStep, given: Any) -> Any:
    schema = step.op_def.config_schema
    where = step.describe
    if schema is None:
        if given not in (None, {}):
            raise ConfigError(
                f"Run config sets config for {where}, which takes no config. Remove "
                f"ops.{'.'.join(step.config_path)} from the run config, or give the op a "
                "config parameter."
            )
        return None
    from headwater.definitions.config.schema_types import schema_field

    field = schema_field(step.op_def, schema)
    if field is not None:
        from headwater.definitions.config.schema_validation import validate_field

        return validate_field(field, given, where, path=op_config_path(step.config_path))
    from headwater.definitions.config.pythonic import config_model_from_schema, validate_config

    model = schema if isinstance(schema, type) and hasattr(schema, "model_validate") else None
    if model is None:
        model = config_model_from_schema(schema, f"{step.op_def.name}_config")
    return validate_config(model, given, where)


def op_config_path(config_path: tuple[str, ...]) -> str:
    """Where an op's config sits in run config: ``ops.my_op.config`` (``ops.g.ops.inner...``)."""
    return "ops." + ".ops.".join(config_path) + ".config"


def _check_known_ops(plan: ExecutionPlan, ops_config: Mapping[str, Any]) -> None:
    paths = [step.config_path for step in plan.steps.values() if step.config_path]
    _check_level(plan.job_name, ops_config, paths, ())


def _check_level(
    job_name: str,
    level: Mapping[str, Any],
    paths: list[tuple[str, ...]],
    prefix: tuple[str, ...],
) -> None:
    """Every name at this level of ``ops`` (nested graphs included) must be a node of the job."""
    depth = len(prefix)
    known = {path[depth] for path in paths if len(path) > depth and path[:depth] == prefix}
    for name, entry in level.items():
        if name not in known:
            close = difflib.get_close_matches(str(name), sorted(known), n=3)
            hint = f" Did you mean: {', '.join(close)}?" if close else ""
            raise ConfigError(
                f"Run config has config for op '{'.'.join((*prefix, str(name)))}', which is not "
                f"part of job '{job_name}'.{hint}"
            )
        nested = entry.get("ops") if isinstance(entry, Mapping) else None
        if isinstance(nested, Mapping):
            _check_level(job_name, nested, paths, (*prefix, name))
