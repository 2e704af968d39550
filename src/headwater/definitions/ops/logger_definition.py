"""Loggers: ``@logger`` / ``LoggerDefinition``, the Python loggers a run's messages also go to.

A job's loggers (``@job(logger_defs={...})``, or ``Definitions(loggers={...})`` for jobs that
name none) are instantiated for a run when its run config names them::

    loggers: {my_logger: {config: {path: /tmp/run.log}}}

The logger function receives an :class:`InitLoggerContext` (``logger_config`` is the validated
config, defaults filled in) and returns a ``logging.Logger``. Every message of the run
(``context.log``, ``get_dagster_logger()`` and the run's own events) then reaches each
configured logger, and still the run's event log.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Mapping
from typing import Any, overload

from headwater.errors import InvalidDefinitionError

__all__ = [
    "InitLoggerContext",
    "LoggerDefinition",
    "build_init_logger_context",
    "logger",
]


class InitLoggerContext:
    """What a logger function receives when a run starts.

    Attributes:
        logger_config: the logger's config from run config, validated, defaults filled in.
        logger_def: the definition being instantiated.
        job_def: the job of the run.
        run_id: the id of the run.
    """

    def __init__(
        self,
        logger_config: Any,
        logger_def: LoggerDefinition | None = None,
        job_def: Any = None,
        run_id: str | None = None,
    ) -> None:
        self.logger_config = logger_config
        self.logger_def = logger_def
        self.job_def = job_def
        self.run_id = run_id

    def __repr__(self) -> str:
        return f"InitLoggerContext(run_id={self.run_id!r})"


InitLoggerFunction = Callable[[InitLoggerContext], logging.Logger]


class LoggerDefinition:
    """A logger a job's runs can use, built by ``logger_fn`` from its config.

    Args:
        logger_fn: receives an :class:`InitLoggerContext` and returns a ``logging.Logger``.
        config_schema: the schema of ``loggers.<name>.config`` in run config (an old-style
            schema such as ``{"path": str}`` or ``Field(...)``, or a ``Config`` class).
        description: what the logger does, shown with the job.
    """

    def __init__(
        self,
        logger_fn: InitLoggerFunction,
        config_schema: Any = None,
        description: str | None = None,
    ) -> None:
        if not callable(logger_fn):
            raise InvalidDefinitionError(
                f"LoggerDefinition needs a callable logger_fn; got {logger_fn!r}."
            )
        self._logger_fn = logger_fn
        self._config_schema = config_schema
        self._description = description

    @property
    def logger_fn(self) -> InitLoggerFunction:
        """The function that builds the ``logging.Logger``."""
        return self._logger_fn

    @property
    def config_schema(self) -> Any:
        """The schema of the logger's config (None: it takes none)."""
        return self._config_schema

    @property
    def description(self) -> str | None:
        """What the logger does."""
        return self._description

    @property
    def name(self) -> str:
        """The function's name, for messages."""
        return getattr(self._logger_fn, "__name__", "logger")

    def __call__(self, init_context: InitLoggerContext | None = None) -> logging.Logger:
        """Build the logger directly, e.g. in a test with ``build_init_logger_context``.

        The context's ``logger_config`` is validated against the logger's schema first
        (defaults filled in), as a run would.
        """
        context = init_context if init_context is not None else build_init_logger_context()
        if not isinstance(context, InitLoggerContext):
            raise InvalidDefinitionError(
                f"Logger '{self.name}' was called with {type(context).__name__}; pass an "
                "InitLoggerContext (build_init_logger_context(logger_config=...))."
            )
        config = self._validated(context.logger_config)
        bound = InitLoggerContext(config, self, context.job_def, context.run_id)
        return self._logger_fn(bound)

    def _validated(self, config: Any) -> Any:
        if self._config_schema is None:
            return config
        from headwater.definitions.config.schema_types import schema_field

        field = schema_field(self, self._config_schema)
        if field is None:  # a Config class: the pythonic path validates it
            from headwater.definitions.config.pythonic import (
                config_model_from_schema,
                validate_config,
            )

            model = config_model_from_schema(self._config_schema, f"{self.name}_config")
            return validate_config(model, config, f"logger '{self.name}'")
        from headwater.definitions.config.schema_validation import validate_field

        return validate_field(field, config, f"logger '{self.name}'", path="config")

    def __repr__(self) -> str:
        return f"<LoggerDefinition {self.name}>"


@overload
def logger(config_schema: InitLoggerFunction) -> LoggerDefinition: ...


@overload
def logger(
    config_schema: Any = None, description: str | None = None
) -> Callable[[InitLoggerFunction], LoggerDefinition]: ...


def logger(
    config_schema: Any = None, description: str | None = None
) -> LoggerDefinition | Callable[[InitLoggerFunction], LoggerDefinition]:
    """Define a logger: ``@logger`` or ``@logger(config_schema=..., description=...)``.

    The decorated function receives an :class:`InitLoggerContext` and returns a
    ``logging.Logger``; its docstring is the description when none is given.
    """
    if inspect.isfunction(config_schema):  # bare @logger
        fn = config_schema
        return LoggerDefinition(fn, description=inspect.getdoc(fn))

    def decorate(fn: InitLoggerFunction) -> LoggerDefinition:
        return LoggerDefinition(
            fn, config_schema=config_schema, description=description or inspect.getdoc(fn)
        )

    return decorate


def build_init_logger_context(
    logger_config: Any = None, job_def: Any = None
) -> InitLoggerContext:
    """An :class:`InitLoggerContext` for calling a logger directly in a test."""
    return InitLoggerContext(logger_config, job_def=job_def)


def checked_logger_defs(logger_defs: Mapping[str, Any], where: str) -> dict[str, LoggerDefinition]:
    """``logger_defs`` as a dict, each value a ``LoggerDefinition``; otherwise an error that
    starts with ``where`` (``Job 'x' has logger``, ``Definitions(loggers=...) has``) and names
    the key."""
    for key, value in logger_defs.items():
        if not isinstance(value, LoggerDefinition):
            raise InvalidDefinitionError(
                f"{where} '{key}' = {value!r}, which is not a logger; pass "
                "LoggerDefinitions made with @logger (or colored_console_logger)."
            )
    return dict(logger_defs)
