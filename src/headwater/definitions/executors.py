"""Executor definitions: how a run's steps are executed (in one process, or one per step)."""

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
