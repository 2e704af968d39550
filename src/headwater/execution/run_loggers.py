"""A run's configured loggers: checking ``loggers:`` run config, building the loggers, and
handing every event of the run to them.

Only the loggers that run config names are built (as Dagster does); a run whose config names
none uses its event log alone. Each event reaches each logger as one record, worded as
``job - run_id - step - EVENT_TYPE - message`` (user messages without the event type) and
carrying ``dagster_meta``; the run's own events (step started, output handled, ...) are logged
at DEBUG unless they are warnings or errors, user messages at their own level.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from headwater.definitions.ops.builtin_loggers import META_ATTRIBUTE
from headwater.definitions.ops.jobs import JobDefinition
from headwater.definitions.ops.logger_definition import InitLoggerContext
from headwater.errors import ConfigError, UserCodeError, user_code_boundary
from headwater.execution.definition_config import validate_definition_config
from headwater.execution.log_capture import forwarding
from headwater.execution.run_context import EventSink
from headwater.snapshot.events import EventType, RunEvent

__all__ = ["LoggerInitError", "forwarding_sink", "resolve_logger_configs", "start_loggers"]

#: Captured output is already text a logger may have written; never send it back to one.
_NOT_FORWARDED = frozenset({EventType.STEP_STDOUT, EventType.STEP_STDERR})


class LoggerInitError(UserCodeError):
    """A logger's function raised while the run started."""


def resolve_logger_configs(job: JobDefinition, run_config: Mapping[str, Any]) -> dict[str, Any]:
    """The validated config of each logger run config names, by logger name.

    Raises:
        ConfigError: ``loggers`` names a logger the job does not have, or an entry is not
            ``{config: ...}``; ``DagsterInvalidConfigError`` for a bad config value, naming
            its path (``loggers.my_logger.config.path``).
    """
    section = run_config.get("loggers")
    if section is None:
        return {}
    if not isinstance(section, Mapping):
        raise ConfigError(
            "Run config 'loggers' must be a mapping of logger name to {config: ...}; got "
            f"{type(section).__name__}."
        )
    definitions = job.loggers
    resolved: dict[str, Any] = {}
    for name, entry in section.items():
        definition = definitions.get(name)
        if definition is None:
            known = ", ".join(sorted(definitions)) or "none"
            raise ConfigError(
                f"Run config has config for logger 'loggers.{name}', which job '{job.name}' "
                f"does not have; its loggers: {known}. Add it to @job(logger_defs=...) or "
                "Definitions(loggers=...), or fix the name."
            )
        if entry is None:
            entry = {}
        if not isinstance(entry, Mapping) or not set(entry) <= {"config"}:
            raise ConfigError(
                f"Run config 'loggers.{name}' must be {{config: ...}}; got {entry!r}."
            )
        resolved[str(name)] = validate_definition_config(
            definition, definition.config_schema, entry.get("config"),
            f"logger '{name}' of job '{job.name}'", f"loggers.{name}.config",
        )
    return resolved


def start_loggers(job: JobDefinition, configs: Mapping[str, Any],
                  run_id: str) -> list[logging.Logger]:
    """Build each configured logger (in run config's order).

    Raises:
        LoggerInitError: a logger function raised, or returned something not a logger.
    """
    built: list[logging.Logger] = []
    definitions = job.loggers
    for name, config in configs.items():
        definition = definitions[name]
        context = InitLoggerContext(config, definition, job_def=job, run_id=run_id)
        with user_code_boundary(f"initializing logger '{name}' of job '{job.name}'",
                                LoggerInitError):
            made = definition.logger_fn(context)
        if not isinstance(made, logging.Logger):
            raise LoggerInitError(
                f"Logger '{name}' of job '{job.name}' returned {type(made).__name__}; a logger "
                "function must return a logging.Logger.",
                TypeError(f"expected logging.Logger, got {type(made).__name__}"),
            )
        built.append(made)
    return built


def forwarding_sink(sink: EventSink, loggers: list[logging.Logger]) -> EventSink:
    """``sink``, also handing each event to ``loggers``."""

    def emit(event: RunEvent) -> None:
        sink(event)
        send_to_loggers(event, loggers)

    return emit


def send_to_loggers(event: RunEvent, loggers: list[logging.Logger]) -> None:
    """Log ``event`` to each of ``loggers``."""
    if event.event_type in _NOT_FORWARDED:
        return
    is_message = event.event_type is EventType.LOG
    level = event.level if is_message or event.level >= logging.WARNING else logging.DEBUG
    parts = [event.job_name or "", event.run_id]
    if event.step_key:
        parts.append(event.step_key)
    if not is_message:
        parts.append(event.event_type.value)
    text = " - ".join([*parts, event.message])
    meta = {
        "run_id": event.run_id,
        "job_name": event.job_name,
        "step_key": event.step_key,
        "orig_message": event.message,
        "event_type": None if is_message else event.event_type.value,
        "log_message_id": None,
    }
    with forwarding():
        for target in loggers:
            if target.isEnabledFor(level):
                try:
                    target.log(level, text, extra={META_ATTRIBUTE: meta})
                except Exception:  # noqa: BLE001 - a broken handler must not fail the run
                    logging.getLogger("headwater").exception(
                        "Logger %r failed to log a message of run %s", target.name, event.run_id
                    )
