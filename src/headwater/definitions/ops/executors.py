"""Executor definitions: how a run's steps are executed (in one process, one process per step,
or one Celery task per step). Celery itself is imported only where steps execute.

Each executor has a config schema; run config gives its config under
``execution: {config: {...}}`` and is validated against it, every problem naming its path
(``execution.config.max_concurrent``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, overload


@dataclass(frozen=True)
class ExecutorDefinition:
    """Names an executor, its config schema and its (base) config; the engine implements it.

    Attributes:
        name: ``in_process``, ``multiprocess``, ``celery`` or a custom executor's name.
        config: config already given (``.configured({...})``); run config overrides it.
        description: what the executor does.
        config_schema: the schema of ``execution.config`` in run config (built-in executors:
            see :meth:`resolved_config_schema`).
        executor_creation_fn: for ``@executor``: receives an :class:`InitExecutorContext` and
            returns the step executor the run worker uses.
    """

    name: str
    config: Mapping[str, Any] = field(default_factory=dict)
    description: str | None = None
    config_schema: Any = None
    executor_creation_fn: Callable[..., Any] | None = None

    def resolved_config_schema(self) -> Any:
        """The config schema: the one given, else the built-in executor's of this name."""
        if self.config_schema is not None or self.executor_creation_fn is not None:
            return self.config_schema
        from headwater.definitions.ops.executor_schemas import BUILTIN_SCHEMAS

        return BUILTIN_SCHEMAS.get(self.name)

    def configured(self, config: Mapping[str, Any]) -> ExecutorDefinition:
        """A copy with config merged in, e.g. ``multiprocess_executor.configured({...})``."""
        return ExecutorDefinition(self.name, {**self.config, **config}, self.description,
                                  self.config_schema, self.executor_creation_fn)


@dataclass(frozen=True)
class InitExecutorContext:
    """What a custom executor's function receives: the job, the definition and its config."""

    job: Any
    executor_def: ExecutorDefinition
    executor_config: Mapping[str, Any]
    instance: Any = None


@overload
def executor(name: Callable[..., Any]) -> ExecutorDefinition: ...


@overload
def executor(
    name: str | None = None, config_schema: Any = None, requirements: Any = None
) -> Callable[[Callable[..., Any]], ExecutorDefinition]: ...


def executor(
    name: str | Callable[..., Any] | None = None,
    config_schema: Any = None,
    requirements: Any = None,
) -> ExecutorDefinition | Callable[[Callable[..., Any]], ExecutorDefinition]:
    """Define a custom executor: ``@executor(name=..., config_schema=...)``.

    The function receives an :class:`InitExecutorContext` (``executor_config`` validated,
    defaults filled in) and returns a step executor: an object with ``execute(run)`` returning
    the keys of failed steps and ``per_step_resources``. ``requirements`` is accepted for
    compatibility and not checked.
    """
    if callable(name):
        return ExecutorDefinition(name.__name__, description=inspect.getdoc(name),
                                  executor_creation_fn=name)

    def decorate(fn: Callable[..., Any]) -> ExecutorDefinition:
        return ExecutorDefinition(name or fn.__name__, description=inspect.getdoc(fn),
                                  config_schema=config_schema, executor_creation_fn=fn)

    return decorate


in_process_executor = ExecutorDefinition(
    "in_process",
    description="Runs every step one after another in the run worker's process.",
)

multiprocess_executor = ExecutorDefinition(
    "multiprocess",
    description="Runs each step in its own subprocess, up to max_concurrent at a time.",
)

celery_executor = ExecutorDefinition(
    "celery",
    description=(
        "Sends each step to a Celery worker (`headwater celery worker`) as a task; config: "
        "broker, backend, queue, max_concurrent, worker_lost_timeout. A step's tags "
        "headwater/celery_queue and headwater/celery_priority choose its queue and priority."
    ),
)

#: The built-in executors by name.
BUILTIN_EXECUTORS: dict[str, ExecutorDefinition] = {
    e.name: e for e in (in_process_executor, multiprocess_executor, celery_executor)
}
