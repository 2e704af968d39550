"""The daemon's sections of ``headwater.yaml``: run queue, scheduler, sensors, run monitoring.

    run_queue:
      max_concurrent_runs: 10        # -1: no limit; 0: launch nothing (pause the queue)
      dequeue_interval: 1            # seconds between looks at the queue
      location_wait_timeout: 300     # a run whose location's code server is restarting
                                     # waits this long for it before failing
      tag_concurrency_limits:
        - {key: database, value: warehouse, limit: 2}   # runs tagged database=warehouse
        - {key: team, limit: 4}      # runs with a "team" tag, whatever its value
    scheduler:
      catchup_window: 3600           # a tick missed while the daemon was down is launched
                                     # (once, the newest) if it is at most this old
      retry_interval: 10             # a tick whose code server could not be reached is
                                     # tried again after this long
    sensors:
      evaluation_timeout: 60         # a sensor evaluation slower than this fails its tick
      max_workers: 8                 # sensors evaluated at the same time
    run_monitoring:
      enabled: true
      poll_interval: 5
      worker_heartbeat_timeout: 60   # a started run without a worker heartbeat this long fails
      start_timeout: 180             # a run STARTING this long fails
    auto_materialize:
      minimum_interval_seconds: 30   # between two evaluations of each location's
                                     # default_automation_condition_sensor

Times are seconds. :func:`parse_daemon_settings` reads them with the reader of
:mod:`headwater.storage.config`, so errors name the file, line and key like the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn, Protocol

Path_ = tuple[str, ...]

DAEMON_SECTIONS = ("run_queue", "scheduler", "sensors", "run_monitoring", "auto_materialize")
_RUN_QUEUE_KEYS = ("max_concurrent_runs", "dequeue_interval", "tag_concurrency_limits",
                   "location_wait_timeout")
_LIMIT_KEYS = ("key", "value", "limit")
_SCHEDULER_KEYS = ("catchup_window", "retry_interval")
_SENSOR_KEYS = ("evaluation_timeout", "max_workers")
_MONITORING_KEYS = ("enabled", "poll_interval", "worker_heartbeat_timeout", "start_timeout",
                    "max_runtime")
_AUTOMATION_KEYS = ("minimum_interval_seconds",)


@dataclass(frozen=True)
class TagConcurrencyLimit:
    """At most ``limit`` runs with tag ``key`` (equal to ``value`` when given) in progress."""

    key: str
    limit: int
    value: str | None = None

    def matches(self, tags: dict[str, str]) -> bool:
        """Whether a run with ``tags`` counts against this limit."""
        return self.key in tags and (self.value is None or tags[self.key] == self.value)


@dataclass(frozen=True)
class RunQueueSettings:
    """How the run queue launches QUEUED runs (``max_concurrent_runs`` -1 = no limit)."""

    max_concurrent_runs: int = 10
    dequeue_interval: float = 1.0
    tag_concurrency_limits: tuple[TagConcurrencyLimit, ...] = ()
    #: How long a run waits for its location's crashed code server to be restarted.
    location_wait_timeout: float = 300.0


@dataclass(frozen=True)
class SchedulerSettings:
    """How schedules catch up after the daemon was down, and retry unreachable code servers."""

    catchup_window: float = 3600.0
    retry_interval: float = 10.0


@dataclass(frozen=True)
class SensorSettings:
    """How sensors are evaluated."""

    evaluation_timeout: float = 60.0
    max_workers: int = 8


@dataclass(frozen=True)
class RunMonitoringSettings:
    """When the run monitor declares a run's worker dead."""

    enabled: bool = True
    poll_interval: float = 5.0
    worker_heartbeat_timeout: float = 60.0
    start_timeout: float = 180.0
    #: Longest a run may stay STARTED before it is failed and its worker stopped (0: no
    #: limit); a run's ``dagster/max_runtime`` tag sets its own.
    max_runtime: float = 0.0


@dataclass(frozen=True)
class AutomationSettings:
    """Declarative automation (Dagster's ``auto_materialize`` section): the least time between
    two evaluations of a default automation condition sensor (sensors defined with
    ``AutomationConditionSensorDefinition`` use their own ``minimum_interval_seconds``)."""

    minimum_interval_seconds: float = 30.0


@dataclass(frozen=True)
class DaemonSettings:
    """Everything the daemon reads from headwater.yaml, plus its own heartbeat period."""

    run_queue: RunQueueSettings = field(default_factory=RunQueueSettings)
    scheduler: SchedulerSettings = field(default_factory=SchedulerSettings)
    sensors: SensorSettings = field(default_factory=SensorSettings)
    run_monitoring: RunMonitoringSettings = field(default_factory=RunMonitoringSettings)
    auto_materialize: AutomationSettings = field(default_factory=AutomationSettings)
    heartbeat_interval: float = 5.0
    #: The daemon counts as alive while its last heartbeat is at most this old.
    heartbeat_tolerance: float = 30.0


class ConfigReader(Protocol):
    """What of ``headwater.storage.config``'s reader this module uses."""

    def fail(self, path: Path_, problem: str) -> NoReturn: ...

    def mapping(self, value: object, path: Path_, allowed: tuple[str, ...]) -> dict[str, Any]:
        ...

    def resolve(self, value: object, path: Path_) -> object: ...

    def string(self, value: object, path: Path_) -> str: ...

    def seconds(self, value: object, path: Path_) -> float: ...


def parse_daemon_settings(reader: ConfigReader, top: dict[str, Any]) -> DaemonSettings:
    """The daemon sections of a parsed headwater.yaml (defaults for the missing ones)."""
    return DaemonSettings(
        run_queue=_run_queue(reader, top.get("run_queue")),
        scheduler=SchedulerSettings(**_seconds(reader, top.get("scheduler"), "scheduler",
                                               _SCHEDULER_KEYS)),
        sensors=_sensors(reader, top.get("sensors")),
        run_monitoring=_monitoring(reader, top.get("run_monitoring")),
        auto_materialize=AutomationSettings(**_seconds(
            reader, top.get("auto_materialize"), "auto_materialize", _AUTOMATION_KEYS)),
    )


def _seconds(reader: ConfigReader, value: object, section: str,
             keys: tuple[str, ...]) -> dict[str, float]:
    data = reader.mapping({} if value is None else value, (section,), keys)
    return {key: reader.seconds(item, (section, key)) for key, item in data.items()}


def _integer(reader: ConfigReader, value: object, path: Path_, minimum: int) -> int:
    value = reader.resolve(value, path)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        reader.fail(path, f"expected a whole number, not {value!r}.")
    if value < minimum:
        reader.fail(path, f"must be at least {minimum}, not {value}.")
    return value


def _run_queue(reader: ConfigReader, value: object) -> RunQueueSettings:
    path: Path_ = ("run_queue",)
    data = reader.mapping({} if value is None else value, path, _RUN_QUEUE_KEYS)
    settings: dict[str, Any] = {}
    if "max_concurrent_runs" in data:
        settings["max_concurrent_runs"] = _integer(
            reader, data["max_concurrent_runs"], (*path, "max_concurrent_runs"), -1)
    for key in ("dequeue_interval", "location_wait_timeout"):
        if key in data:
            settings[key] = reader.seconds(data[key], (*path, key))
    limits = data.get("tag_concurrency_limits")
    if limits is not None:
        limits_path = (*path, "tag_concurrency_limits")
        if not isinstance(limits, list):
            reader.fail(limits_path, "expected a list of {key, value (optional), limit}.")
        settings["tag_concurrency_limits"] = tuple(
            _limit(reader, item, limits_path) for item in limits)
    return RunQueueSettings(**settings)


def _limit(reader: ConfigReader, item: object, path: Path_) -> TagConcurrencyLimit:
    data = reader.mapping(item, path, _LIMIT_KEYS)
    for required in ("key", "limit"):
        if required not in data:
            reader.fail(path, f"each tag concurrency limit needs '{required}' "
                              "(e.g. {key: database, value: warehouse, limit: 2}).")
    value = data.get("value")
    return TagConcurrencyLimit(
        key=reader.string(data["key"], (*path, "key")),
        limit=_integer(reader, data["limit"], (*path, "limit"), 0),
        value=None if value is None else reader.string(value, (*path, "value")),
    )


def _sensors(reader: ConfigReader, value: object) -> SensorSettings:
    path: Path_ = ("sensors",)
    data = reader.mapping({} if value is None else value, path, _SENSOR_KEYS)
    settings: dict[str, Any] = {}
    if "evaluation_timeout" in data:
        settings["evaluation_timeout"] = reader.seconds(data["evaluation_timeout"],
                                                        (*path, "evaluation_timeout"))
    if "max_workers" in data:
        settings["max_workers"] = _integer(reader, data["max_workers"], (*path, "max_workers"),
                                           1)
    return SensorSettings(**settings)


def _monitoring(reader: ConfigReader, value: object) -> RunMonitoringSettings:
    path: Path_ = ("run_monitoring",)
    data = reader.mapping({} if value is None else value, path, _MONITORING_KEYS)
    settings: dict[str, Any] = {}
    for key, item in data.items():
        if key == "enabled":
            enabled = reader.resolve(item, (*path, key))
            if isinstance(enabled, str) and enabled.lower() in ("true", "false"):
                enabled = enabled.lower() == "true"
            if not isinstance(enabled, bool):
                reader.fail((*path, key), f"expected true or false, not {enabled!r}.")
            settings[key] = enabled
        else:
            settings[key] = reader.seconds(item, (*path, key))
    return RunMonitoringSettings(**settings)
