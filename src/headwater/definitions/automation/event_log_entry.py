"""The stored event a sensor is handed, e.g. the new materialization an asset sensor reacts to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.ops.results import AssetMaterialization


@dataclass(frozen=True)
class EventLogEntry:
    """One event read back from the instance's event log.

    The daemon builds these from stored events and hands them to user code; tests build them
    directly.

    Attributes:
        run_id: the run that logged the event.
        timestamp: when it was logged, in seconds since the epoch.
        asset_key: the asset the event is about, if any.
        partition: the asset partition the event is about, if any.
        asset_materialization: the materialization, when the event is one.
        step_key: the step that logged the event, if any.
        job_name: the job of the run that logged the event.
        storage_id: the event's id in storage; ids grow with time, so sensors use them as
            cursors.
        dagster_event: the event's details (``event_type_value``, ``asset_key``,
            ``event_specific_data``...) when read through ``instance.get_event_records``.
        user_message: the event's message.
    """

    run_id: str
    timestamp: float
    asset_key: AssetKey | None = None
    partition: str | None = None
    asset_materialization: AssetMaterialization | None = None
    step_key: str | None = None
    job_name: str | None = None
    storage_id: int = 0
    dagster_event: Any = None
    user_message: str = ""

    @property
    def is_dagster_event(self) -> bool:
        """Whether the entry carries the event's details (``dagster_event``)."""
        return self.dagster_event is not None

    @property
    def dagster_event_type(self) -> Any:
        """The kind of event, when ``dagster_event`` is set."""
        return getattr(self.dagster_event, "event_type", None)

    @property
    def is_materialization(self) -> bool:
        """Whether the event records a materialization."""
        return self.asset_materialization is not None
