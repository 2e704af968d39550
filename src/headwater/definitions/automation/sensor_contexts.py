"""The context a sensor function receives, and the helper that builds one in tests."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from headwater.definitions.automation.instigation_context import InstigationContext
from headwater.errors import InvalidDefinitionError

if TYPE_CHECKING:
    from headwater.definitions.config.resources import Resources


def _check_cursor(cursor: object) -> str | None:
    if cursor is None or isinstance(cursor, str):
        return cursor
    raise InvalidDefinitionError(
        f"A sensor cursor must be a string; got {cursor!r} ({type(cursor).__name__}). "
        "Serialise the value, e.g. with str() or json.dumps()."
    )


class SensorEvaluationContext(InstigationContext):
    """Handed to a sensor function on each tick.

    The cursor is the string the sensor stored on its previous tick: use it to remember
    how far it has looked (the last file seen, the last event id). Build one in tests with
    :func:`build_sensor_context`.

    Args:
        cursor: the cursor stored by the previous tick.
        last_tick_completion_time: when the previous tick finished, in seconds since the epoch.
        last_run_key: the run key of the last run the sensor requested.
        repository_name: the code location's repository name.
        instance: the headwater instance, when evaluated by the daemon.
        resources: the resources the function may use, a dict or ``Resources``.
        sensor_name: the sensor being evaluated.
        log: the logger to use; by default one named after the sensor.
    """

    _kind = "sensor"

    def __init__(
        self,
        cursor: str | None = None,
        last_tick_completion_time: float | None = None,
        last_run_key: str | None = None,
        repository_name: str | None = None,
        instance: Any = None,
        resources: Mapping[str, Any] | Resources | None = None,
        sensor_name: str | None = None,
        log: logging.Logger | None = None,
    ) -> None:
        super().__init__(
            name=sensor_name,
            resources=resources,
            instance=instance,
            log=log,
            repository_name=repository_name,
        )
        self._cursor = _check_cursor(cursor)
        self._cursor_updated = False
        self._last_tick_completion_time = last_tick_completion_time
        self._last_run_key = last_run_key

    @property
    def cursor(self) -> str | None:
        """The cursor: the previous tick's, or the value given to :meth:`update_cursor`."""
        return self._cursor

    def update_cursor(self, cursor: str | None) -> None:
        """Set the cursor that is stored when this tick ends and handed to the next tick.

        Do not also return ``SensorResult(cursor=...)`` on the same tick.
        """
        self._cursor = _check_cursor(cursor)
        self._cursor_updated = True

    @property
    def cursor_updated(self) -> bool:
        """Whether :meth:`update_cursor` was called on this tick."""
        return self._cursor_updated

    @property
    def last_tick_completion_time(self) -> float | None:
        """When the previous tick finished, in seconds since the epoch."""
        return self._last_tick_completion_time

    @property
    def last_run_key(self) -> str | None:
        """The run key of the last run this sensor requested."""
        return self._last_run_key

    @property
    def sensor_name(self) -> str | None:
        """The name of the sensor being evaluated, when known."""
        return self._name

    def bound_to(self, sensor_name: str) -> SensorEvaluationContext:
        """This context with its sensor name set (if it had none); used by ``evaluate_tick``."""
        if self._name is None:
            self._name = sensor_name
        return self


def build_sensor_context(
    instance: Any = None,
    cursor: str | None = None,
    repository_name: str | None = None,
    resources: Mapping[str, Any] | None = None,
    last_tick_completion_time: float | None = None,
    sensor_name: str | None = None,
    last_run_key: str | None = None,
) -> SensorEvaluationContext:
    """Build a sensor context for testing a sensor function.

    Args:
        instance: a headwater instance, if the function uses one.
        cursor: the cursor a previous tick stored.
        repository_name: the repository name the function may read.
        resources: resources by key, e.g. ``{"bucket": FakeBucket()}``.
        last_tick_completion_time: when the previous tick finished (epoch seconds).
        sensor_name: the sensor's name (filled in by ``evaluate_tick`` otherwise).
        last_run_key: the run key of the last run the sensor requested.
    """
    return SensorEvaluationContext(
        cursor=cursor,
        last_tick_completion_time=last_tick_completion_time,
        last_run_key=last_run_key,
        repository_name=repository_name,
        instance=instance,
        resources=resources,
        sensor_name=sensor_name,
    )
