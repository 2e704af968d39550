"""The built-in loggers: ``colored_console_logger`` (a job's ``console`` logger unless it names
its own) and ``json_console_logger``, both writing to stderr.

Each record a run sends carries ``dagster_meta`` (run id, job, step key, event type and the
original message), which the JSON logger writes out with the record's other fields.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping

from headwater.definitions.config.schema_types import Field, Shape, String
from headwater.definitions.ops.logger_definition import (
    InitLoggerContext,
    LoggerDefinition,
    logger,
)
from headwater.errors import ConfigError

__all__ = ["colored_console_logger", "default_loggers", "json_console_logger"]

#: Attribute of a log record holding the run's facts about it (Dagster's name).
META_ATTRIBUTE = "dagster_meta"


def _schema(description: str) -> Field:
    return Field(
        Shape(
            {
                "log_level": Field(
                    String, default_value="INFO", description="The logger's threshold."
                ),
                "name": Field(
                    String, default_value="headwater", description="The name of the logger."
                ),
            }
        ),
        description=description,
    )


def coerce_log_level(value: object) -> int:
    """A ``logging`` level from a name (``"debug"``, ``"INFO"``) or a number."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    level = logging.getLevelName(str(value).upper())
    if not isinstance(level, int):
        raise ConfigError(
            f"Logger config 'log_level' is {value!r}, which is not a logging level; use one "
            "of DEBUG, INFO, WARNING, ERROR, CRITICAL."
        )
    return level


_COLORS = {
    logging.DEBUG: "\033[34m",
    logging.INFO: "\033[32m",
    logging.WARNING: "\033[33m",
    logging.ERROR: "\033[31m",
    logging.CRITICAL: "\033[1;31m",
}


class _ColoredFormatter(logging.Formatter):
    """``time - name - LEVEL - message``, the level colored when stderr is a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s - %(name)s - %(levelname)s - %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        text = super().formatMessage(record)
        color = _COLORS.get(record.levelno)
        if color is None or not sys.stderr.isatty():
            return text
        return text.replace(record.levelname, f"{color}{record.levelname}\033[0m", 1)


class JsonLogFormatter(logging.Formatter):
    """One JSON object per record: its fields, ``dagster_meta`` included."""

    def format(self, record: logging.LogRecord) -> str:
        fields = dict(record.__dict__)
        fields["msg"] = record.getMessage()
        fields.pop("args", None)
        if record.exc_info:
            fields["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(fields, default=repr)


def _console(init_context: InitLoggerContext, formatter: logging.Formatter) -> logging.Logger:
    config: Mapping[str, object] = init_context.logger_config or {}
    built = logging.Logger(str(config.get("name", "headwater")),
                           coerce_log_level(config.get("log_level", "INFO")))
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    built.addHandler(handler)
    return built


@logger(_schema("The default colored console logger."),
        description="The default colored console logger.")
def colored_console_logger(init_context: InitLoggerContext) -> logging.Logger:
    """Writes each message to stderr as ``time - name - LEVEL - message``."""
    return _console(init_context, _ColoredFormatter())


@logger(_schema("A JSON-formatted console logger."),
        description="A JSON-formatted console logger.")
def json_console_logger(init_context: InitLoggerContext) -> logging.Logger:
    """Writes each message to stderr as one JSON object."""
    return _console(init_context, JsonLogFormatter())


def default_loggers() -> dict[str, LoggerDefinition]:
    """The loggers of a job that names none: ``{"console": colored_console_logger}``."""
    return {"console": colored_console_logger}
