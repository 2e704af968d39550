"""Executor definitions: how a run's steps are executed (in one process, one process per step,
or one Celery task per step). Celery itself is imported only where steps execute."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ExecutorDefinition:
    """Names an executor and its config; the execution engine implements it."""

    name: str
    config: Mapping[str, Any] = field(default_factory=dict)
    description: str | None = None

    def configured(self, config: Mapping[str, Any]) -> ExecutorDefinition:
        """A copy with config merged in, e.g. ``multiprocess_executor.configured({...})``."""
        return ExecutorDefinition(self.name, {**self.config, **config}, self.description)


in_process_executor = ExecutorDefinition(
    "in_process", description="Runs every step one after another in the run worker's process."
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
