"""What every handler works with: the workspace, the instance and the webserver's caches."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from headwater.snapshot.location import LocationSnapshot
from headwater.storage.instance import Instance
from headwater.webserver.errors import ApiError
from headwater.webserver.location_feed import LocationFeed
from headwater.workspace import LocationEntry, Workspace

#: Returns ``{"alive": bool, "last_heartbeat": float | None, ...}`` for /api/health.
DaemonStatusProvider = Callable[[], dict[str, Any]]


@dataclass
class ApiContext:
    """The state shared by the handlers of one app.

    Attributes:
        workspace: the code locations.
        instance: runs, events, schedule/sensor state.
        read_only: whether mutations are refused.
        daemon_status: tells whether a daemon heartbeats (None: none known).
        stopping: set when the server shuts down, so that event streams end.
        location_feed: pushes location changes to event streams (None: they poll).
    """

    workspace: Workspace
    instance: Instance
    read_only: bool = False
    daemon_status: DaemonStatusProvider | None = None
    stopping: threading.Event = field(default_factory=threading.Event)
    location_feed: LocationFeed | None = None
    caches: dict[str, Any] = field(default_factory=dict)

    def entry(self, name: str) -> LocationEntry:
        """The location ``name``; 404 naming the locations there are."""
        entries = self.workspace.get_entries_by_name()
        entry = entries.get(name)
        if entry is None:
            names = ", ".join(entries) or "none"
            raise ApiError(404, f"No code location named '{name}' (there are: {names}).")
        return entry

    def snapshot(self, name: str) -> LocationSnapshot:
        """The snapshot of location ``name``; 409 when it has none (loading or failed)."""
        entry = self.entry(name)
        if entry.snapshot is None:
            why = f": {entry.error.message}" if entry.error is not None else "."
            raise ApiError(409, f"Location '{name}' is {entry.status.value} and has no "
                                f"definitions to show{why}")
        return entry.snapshot


def context_of(request: Request) -> ApiContext:
    """The :class:`ApiContext` of the app serving ``request``."""
    context: ApiContext = request.app.state.context
    return context


def loaded_snapshots(workspace: Workspace) -> Iterator[tuple[LocationEntry, LocationSnapshot]]:
    """Every location with a snapshot (loaded, reloading, or a remote one whose reload failed)."""
    for entry in workspace.get_entries():
        if entry.snapshot is not None:
            yield entry, entry.snapshot
