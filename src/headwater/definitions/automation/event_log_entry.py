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
        event_details: the event's full details when read through
            ``instance.get_event_records`` (what ``dagster_event`` then returns).
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
    event_details: Any = None
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
    def dagster_event(self) -> Any:
        """The event's details as Dagster names them (``event_type_value``, ``asset_key``,
        ``partition``, ``event_specific_data.materialization``, ...): those read from storage
        when the entry came from ``instance.get_event_records``, else built from the entry;
        ``None`` for events that are not about an asset."""
        if self.event_details is not None:
            return self.event_details
        if self.asset_key is None:
            return None
        return AssetEventDetails(self)

    @property
    def is_materialization(self) -> bool:
        """Whether the event records a materialization."""
        return self.asset_materialization is not None


class AssetEventDetails:
    """What Dagster's ``EventLogEntry.dagster_event`` offers about an asset event."""

    def __init__(self, entry: EventLogEntry) -> None:
        self._entry = entry

    @property
    def event_type_value(self) -> str:
        """``"ASSET_MATERIALIZATION"`` (the only asset event handed to sensors)."""
        return "ASSET_MATERIALIZATION"

    @property
    def is_step_materialization(self) -> bool:
        """Whether the event is a materialization."""
        return self._entry.is_materialization

    @property
    def asset_key(self) -> AssetKey | None:
        """The asset the event is about."""
        return self._entry.asset_key

    @property
    def partition(self) -> str | None:
        """The asset partition the event is about, if any."""
        return self._entry.partition

    @property
    def step_key(self) -> str | None:
        """The step that logged the event."""
        return self._entry.step_key

    @property
    def job_name(self) -> str | None:
        """The job of the run that logged the event."""
        return self._entry.job_name

    @property
    def event_specific_data(self) -> AssetEventDetails:
        """Itself: ``event_specific_data.materialization`` is the materialization."""
        return self

    @property
    def step_materialization_data(self) -> AssetEventDetails:
        """Itself: ``step_materialization_data.materialization`` is the materialization."""
        return self

    @property
    def materialization(self) -> AssetMaterialization | None:
        """The materialization."""
        return self._entry.asset_materialization
