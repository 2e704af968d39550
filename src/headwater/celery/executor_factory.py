"""Building the celery executor for a run worker from the executor settings and the instance."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from headwater.celery.settings import resolve_connection, worker_lost_timeout
from headwater.execution.executor_config import ExecutorSettings
from headwater.execution.run_context import StepExecutor


def celery_executor_for(settings: ExecutorSettings, instance: Any,
                        terminate_grace_seconds: float,
                        flush: Callable[[], None] | None = None) -> StepExecutor:
    """The :class:`~headwater.celery.executor.CeleryExecutor` of a run.

    Broker, backend and queue come from the executor config, else the instance's
    ``run_launcher: {celery: ...}`` section, else the environment. ``flush`` stores the run
    worker's queued events at once.

    Raises:
        ConfigError: no broker is configured, or a config value is invalid.
    """
    config = getattr(instance, "config", None)
    connection = resolve_connection(settings.options, getattr(config, "run_launcher", None))
    lost_after = worker_lost_timeout(settings.options)
    from headwater.celery.executor import CeleryExecutor  # imports Celery

    return CeleryExecutor(connection, settings.max_concurrent, lost_after,
                          terminate_grace_seconds, flush)
