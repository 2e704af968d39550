"""Step executors by name: how the run worker finds the executor a run's settings name.

The in-process and multiprocess executors live in this package; others (Celery) live in
their own packages, which import ``execution``. So that ``execution`` never imports them back,
they are registered here by the dotted path of a factory function, imported only when a run
uses that executor (the way plugin entry points work).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Protocol

from headwater.errors import ConfigError
from headwater.execution.executor_config import ExecutorSettings
from headwater.execution.run_context import StepExecutor


class StepExecutorFactory(Protocol):
    """Builds the step executor of one run."""

    def __call__(self, settings: ExecutorSettings, instance: Any,
                 terminate_grace_seconds: float,
                 flush: Callable[[], None] | None = None) -> StepExecutor: ...


#: Executors built outside this package: name -> ``"module:function"`` of their factory.
_FACTORY_PATHS: dict[str, str] = {
    "celery": "headwater.celery.executor_factory:celery_executor_for",
}
_FACTORIES: dict[str, StepExecutorFactory] = {}


def register_step_executor(name: str, factory: StepExecutorFactory | str) -> None:
    """Make ``name`` resolvable: a factory, or the ``"module:function"`` path of one."""
    if isinstance(factory, str):
        _FACTORY_PATHS[name] = factory
        _FACTORIES.pop(name, None)
    else:
        _FACTORIES[name] = factory


def registered_step_executor(name: str) -> StepExecutorFactory | None:
    """The factory registered for ``name``, imported on first use; None when none is."""
    factory = _FACTORIES.get(name)
    if factory is not None:
        return factory
    path = _FACTORY_PATHS.get(name)
    if path is None:
        return None
    module_name, _, attribute = path.partition(":")
    try:
        loaded: StepExecutorFactory = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(
            f"The '{name}' executor needs {module_name}, which could not be imported: {exc}. "
            f"Install what it needs (for celery: pip install 'headwater[celery]')."
        ) from exc
    _FACTORIES[name] = loaded
    return loaded
