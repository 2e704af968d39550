"""``get_logger``: a Python logger for code that runs inside assets and ops."""

from __future__ import annotations

import logging

USER_LOGGER_NAME = "headwater.user"


def get_logger(name: str | None = None) -> logging.Logger:
    """A standard ``logging.Logger`` under ``headwater.user``.

    Inside a run, its records are captured into the run's event log alongside
    ``context.log`` messages; outside a run it logs like any Python logger.
    """
    return logging.getLogger(f"{USER_LOGGER_NAME}.{name}" if name else USER_LOGGER_NAME)


def get_dagster_logger(name: str | None = None) -> logging.Logger:
    """Dagster's name for :func:`get_logger`: inside a run, its records become run events."""
    return get_logger(name)
