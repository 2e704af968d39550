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

from headwater.definitions.ops.jobs import JobDefinition
from headwater.errors import ConfigError

IN_PROCESS = "in_process"
MULTIPROCESS = "multiprocess"
CELERY = "celery"
START_METHODS = ("fork", "spawn")
#: Steps a Celery run keeps queued or running at once unless ``max_concurrent`` says otherwise.
_CELERY_IN_FLIGHT = 64

_KEYS: dict[str, set[str]] = {
    IN_PROCESS: set(),
    MULTIPROCESS: {"max_concurrent", "start_method"},
    CELERY: {"broker", "backend", "queue", "max_concurrent", "worker_lost_timeout"},
}


@dataclass(frozen=True)
class ExecutorSettings:
    """The executor a run uses.

    Attributes:
        name: ``in_process`` or ``multiprocess``.
        max_concurrent: most step processes at once (multiprocess).
        start_method: ``fork`` (Linux/macOS: the step process starts from the worker, with
            the code already loaded) or ``spawn`` (a fresh interpreter per step).
    """

    name: str
    max_concurrent: int = 1
    start_method: str = "fork"
    #: The rest of the executor's config (celery: broker, backend, queue, ...).
    options: Mapping[str, Any] = field(default_factory=dict)


def default_start_method() -> str:
    """``fork`` where the platform has it, else ``spawn``."""
    return "fork" if hasattr(os, "fork") and sys.platform != "win32" else "spawn"


def resolve_executor(job: JobDefinition, run_config: Mapping[str, Any] | None) -> ExecutorSettings:
    """The executor settings of a run of ``job`` with ``run_config``.

    Raises:
        ConfigError: the executor is unknown, or its config has unknown keys or bad values.
    """
    definition = job.executor_def
    name = definition.name if definition is not None else IN_PROCESS
    config: dict[str, Any] = dict(definition.config) if definition is not None else {}
    execution = _execution_section(job, run_config)
    if execution:
        chosen, given = _execution_config(execution)
        if chosen is not None:
            name = chosen
        config.update(given)
    if name not in _KEYS:
        raise ConfigError(
            f"Job '{job.name}' uses executor '{name}', which run workers do not support. Use "
            "in_process_executor, multiprocess_executor or celery_executor."
        )
    unknown = sorted(set(config) - _KEYS[name])
    if unknown:
        raise ConfigError(
            f"Executor '{name}' of job '{job.name}' has unknown config key(s) "
            f"{', '.join(unknown)}; allowed: {', '.join(sorted(_KEYS[name])) or 'none'}."
        )
    if name == IN_PROCESS:
        return ExecutorSettings(IN_PROCESS)
    if name == CELERY:
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
    )


def _execution_section(job: JobDefinition, run_config: Mapping[str, Any] | None) -> Any:
    base = job.default_run_config.get("execution")
    given = (run_config or {}).get("execution")
    if isinstance(base, Mapping) and isinstance(given, Mapping):
        return {**base, **given}
    return given if given is not None else base


def _execution_config(execution: Any) -> tuple[str | None, dict[str, Any]]:
    if not isinstance(execution, Mapping):
        raise ConfigError(
            "Run config 'execution' must be a mapping like {config: {max_concurrent: 4}}; got "
            f"{type(execution).__name__}."
        )
    if set(execution) <= {"config"}:
        return None, _mapping(execution.get("config"), "execution.config")
    if len(execution) == 1:
        [(name, body)] = execution.items()
        if name in _KEYS:
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
