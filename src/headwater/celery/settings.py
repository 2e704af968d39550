"""Where Celery work goes: broker, result backend, queue (plain data; Celery is not imported).

The celery executor takes them from its config, then from the instance's ``run_launcher:
{celery: {...}}`` section, then from ``$HEADWATER_CELERY_BROKER`` / ``$HEADWATER_CELERY_BACKEND``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from headwater.errors import ConfigError
from headwater.storage.config import RunLauncherSettings

BROKER_ENV = "HEADWATER_CELERY_BROKER"
BACKEND_ENV = "HEADWATER_CELERY_BACKEND"
DEFAULT_QUEUE = "headwater"
#: Step tags choosing a step's queue and priority (0-9, higher runs first).
QUEUE_TAG = "headwater/celery_queue"
PRIORITY_TAG = "headwater/celery_priority"
DEFAULT_PRIORITY = 5
MAX_PRIORITY = 9
#: Seconds a worker executing a step may stay silent (no ping reply) before it counts as lost.
DEFAULT_WORKER_LOST_TIMEOUT = 10.0


@dataclass(frozen=True)
class CeleryConnection:
    """A broker, the result backend and the default queue."""

    broker: str
    backend: str
    queue: str = DEFAULT_QUEUE


def default_backend(broker: str) -> str:
    """The result backend when none is given: the broker itself if it is Redis."""
    if broker.startswith(("redis://", "rediss://")):
        return broker
    raise ConfigError(
        f"The Celery broker {broker!r} is not Redis, so give a result backend too (for example "
        "backend: redis://127.0.0.1:6379/1); headwater reads step states from it."
    )


def resolve_connection(
    options: Mapping[str, Any],
    launcher: RunLauncherSettings | None = None,
    environ: Mapping[str, str] | None = None,
) -> CeleryConnection:
    """The connection from executor ``options``, else ``launcher``, else the environment.

    Raises:
        ConfigError: no broker anywhere, or a value is not a string.
    """
    env = os.environ if environ is None else environ
    from_launcher = launcher if launcher is not None and launcher.kind == "celery" else None
    broker = _string(options, "broker") or (from_launcher.broker if from_launcher else None) \
        or env.get(BROKER_ENV)
    if not broker:
        raise ConfigError(
            "The celery executor needs a broker URL: set its config (broker: redis://...), "
            f"the instance's run_launcher: {{celery: {{broker: ...}}}}, or ${BROKER_ENV}."
        )
    backend = _string(options, "backend") or (from_launcher.backend if from_launcher else None) \
        or env.get(BACKEND_ENV) or default_backend(broker)
    queue = _string(options, "queue") or (from_launcher.queue if from_launcher else None) \
        or DEFAULT_QUEUE
    return CeleryConnection(broker, backend, queue)


def worker_lost_timeout(options: Mapping[str, Any]) -> float:
    """``worker_lost_timeout`` of the executor config (seconds, default 10)."""
    value = options.get("worker_lost_timeout", DEFAULT_WORKER_LOST_TIMEOUT)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ConfigError(
            f"Celery executor config 'worker_lost_timeout' must be a positive number of "
            f"seconds; got {value!r}."
        )
    return float(value)


def step_priority(tags: Mapping[str, str], step_key: str) -> int:
    """The step's priority from its ``headwater/celery_priority`` tag (0-9, higher first)."""
    raw = tags.get(PRIORITY_TAG)
    if raw is None:
        return DEFAULT_PRIORITY
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_PRIORITY:
        raise ConfigError(
            f"Step '{step_key}' has tag {PRIORITY_TAG}={raw!r}; it must be a whole number "
            f"from 0 to {MAX_PRIORITY} (higher runs first)."
        )
    return value


def _string(options: Mapping[str, Any], key: str) -> str | None:
    value = options.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ConfigError(f"Celery executor config '{key}' must be a non-empty string; "
                          f"got {value!r}.")
    return value
