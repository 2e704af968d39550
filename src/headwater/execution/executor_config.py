"""Which executor a run uses and its settings, from the job's executor and the run config.

The job's ``ExecutorDefinition`` (``in_process_executor`` by default, or
``multiprocess_executor.configured({...})``) gives the executor and its base config; the run
config's ``execution`` section may override the config::

    execution: {config: {max_concurrent: 4, start_method: spawn}}

The Dagster form naming the executor, ``execution: {multiprocess: {config: {...}}}``, is
accepted too. ``celery_executor`` takes ``broker``, ``backend``, ``queue``,
``max_concurrent`` (steps in flight) and ``worker_lost_timeout`` (see ``headwater.celery``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from headwater.definitions.ops.executors import (
    BUILTIN_EXECUTORS,
    ExecutorDefinition,
    in_process_executor,
)
from headwater.definitions.ops.jobs import JobDefinition
from headwater.errors import ConfigError
from headwater.execution.definition_config import validate_definition_config

IN_PROCESS = "in_process"
MULTIPROCESS = "multiprocess"
CELERY = "celery"
START_METHODS = ("fork", "spawn")
#: Steps a Celery run keeps queued or running at once unless ``max_concurrent`` says otherwise.
_CELERY_IN_FLIGHT = 64


@dataclass(frozen=True)
class TagConcurrencyLimit:
    """At most ``limit`` steps whose tag ``key`` (equal to ``value`` when given) run at once;
    with ``per_unique_value`` the limit applies to each value of the tag separately."""

    key: str
    limit: int
    value: str | None = None
    per_unique_value: bool = False


@dataclass(frozen=True)
class ExecutorSettings:
    """The executor a run uses.

    Attributes:
        name: ``in_process``, ``multiprocess``, ``celery`` or a custom executor's name.
        max_concurrent: most step processes at once (multiprocess).
        start_method: ``fork`` (Linux/macOS: the step process starts from the worker, with
            the code already loaded) or ``spawn`` (a fresh interpreter per step).
        retries_enabled: whether steps' retry policies apply (``retries: {disabled: {}}``).
        tag_concurrency_limits: limits on steps running at once by tag (multiprocess).
    """

    name: str
    max_concurrent: int = 1
    start_method: str = "fork"
    #: The rest of the executor's config (celery: broker, backend, queue, ...).
    options: Mapping[str, Any] = field(default_factory=dict)
    retries_enabled: bool = True
    tag_concurrency_limits: tuple[TagConcurrencyLimit, ...] = ()
    #: A custom executor's definition (``@executor``), whose function builds the executor.
    definition: ExecutorDefinition | None = None


def default_start_method() -> str:
    """``fork`` where the platform has it, else ``spawn``."""
    return "fork" if hasattr(os, "fork") and sys.platform != "win32" else "spawn"


def resolve_executor(job: JobDefinition, run_config: Mapping[str, Any] | None) -> ExecutorSettings:
    """The executor settings of a run of ``job`` with ``run_config``.

    The config (the executor's own, then run config's ``execution``) is validated against
    the executor's config schema.

    Raises:
        ConfigError: the executor is unknown, or its config does not fit its schema (a
            ``DagsterInvalidConfigError`` naming each problem's path).
    """
    definition = job.executor_def or in_process_executor
    execution = _execution_section(job, run_config)
    given: dict[str, Any] = {}
    path = "execution.config"
    if execution:
        chosen, given = _execution_config(execution, definition.name)
        if chosen is not None and chosen != definition.name:
            definition = BUILTIN_EXECUTORS[chosen]
        if chosen is not None:
            path = f"execution.{chosen}.config"
    if definition.name not in BUILTIN_EXECUTORS and definition.executor_creation_fn is None:
        raise ConfigError(
            f"Job '{job.name}' uses executor '{definition.name}', which run workers do not "
            "support. Use in_process_executor, multiprocess_executor or celery_executor, or "
            "define it with @executor."
        )
    config = validate_definition_config(
        definition, definition.resolved_config_schema(), {**definition.config, **given},
        f"executor '{definition.name}' of job '{job.name}'", path,
    ) or {}
    retries = "disabled" not in (config.get("retries") or {})
    if definition.executor_creation_fn is not None:
        return ExecutorSettings(definition.name, options=config, definition=definition)
    if definition.name == IN_PROCESS:
        return ExecutorSettings(IN_PROCESS, retries_enabled=retries)
    if definition.name == CELERY:
        limit = config.get("max_concurrent")
        return ExecutorSettings(
            CELERY,
            max_concurrent=_max_concurrent(limit, job.name) if limit else _CELERY_IN_FLIGHT,
            options={key: value for key, value in config.items() if key != "max_concurrent"},
        )
    return ExecutorSettings(
        MULTIPROCESS,
        max_concurrent=_max_concurrent(config.get("max_concurrent"), job.name),
        start_method=_start_method(config.get("start_method"), job.name),
        retries_enabled=retries,
        tag_concurrency_limits=tuple(
            _tag_limit(item) for item in config.get("tag_concurrency_limits") or ()
        ),
    )


def retries_enabled(job: JobDefinition, run_config: Mapping[str, Any]) -> bool:
    """Whether the run's executor config leaves retries on, validating that config.

    A job naming an executor no run worker knows still executes in process (as
    ``execute_in_process`` always does); only a run worker refuses it.
    """
    definition = job.executor_def
    if (definition is not None and definition.name not in BUILTIN_EXECUTORS
            and definition.executor_creation_fn is None):
        return True
    return resolve_executor(job, run_config).retries_enabled


def _tag_limit(item: Mapping[str, Any]) -> TagConcurrencyLimit:
    value = item.get("value")
    per_value = isinstance(value, Mapping) and bool(value.get("applyLimitPerUniqueValue"))
    return TagConcurrencyLimit(
        key=str(item["key"]), limit=int(item["limit"]),
        value=value if isinstance(value, str) else None, per_unique_value=per_value,
    )


def _execution_section(job: JobDefinition, run_config: Mapping[str, Any] | None) -> Any:
    base = job.default_run_config.get("execution")
    given = (run_config or {}).get("execution")
    if isinstance(base, Mapping) and isinstance(given, Mapping):
        return {**base, **given}
    return given if given is not None else base


def _execution_config(execution: Any, own: str) -> tuple[str | None, dict[str, Any]]:
    if not isinstance(execution, Mapping):
        raise ConfigError(
            "Run config 'execution' must be a mapping like {config: {max_concurrent: 4}}; got "
            f"{type(execution).__name__}."
        )
    if set(execution) <= {"config"}:
        return None, _mapping(execution.get("config"), "execution.config")
    if len(execution) == 1:
        [(name, body)] = execution.items()
        if name in BUILTIN_EXECUTORS or name == own:
            body = _mapping(body, f"execution.{name}")
            return str(name), _mapping(body.get("config"), f"execution.{name}.config")
    raise ConfigError(
        f"Run config 'execution' has unexpected keys {', '.join(map(repr, execution))}; use "
        "{config: {...}} (or {multiprocess: {config: {...}}})."
    )


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"Run config '{where}' must be a mapping, got {value!r}.")
    return dict(value)


def _max_concurrent(value: Any, job_name: str) -> int:
    if value is None or value == 0:
        return os.cpu_count() or 1
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(
            f"Executor config 'max_concurrent' of job '{job_name}' must be a whole number "
            f"(0 or unset: one per CPU); got {value!r}."
        )
    return value


def _start_method(value: Any, job_name: str) -> str:
    if value is None:
        return default_start_method()
    if isinstance(value, Mapping):  # Dagster's selector form: {spawn: {}}, {forkserver: {...}}
        [value] = value
        value = "spawn" if value == "forkserver" else value
    if value not in START_METHODS:
        raise ConfigError(
            f"Executor config 'start_method' of job '{job_name}' must be 'fork' or 'spawn'; "
            f"got {value!r}."
        )
    if value == "fork" and default_start_method() != "fork":
        raise ConfigError(
            f"Executor config 'start_method' of job '{job_name}' is 'fork', which this "
            "platform does not have; use 'spawn'."
        )
    return str(value)
