"""One code location as the host sees it: an immutable record, replaced on every change.

A :class:`LocationEntry` is never mutated: the workspace swaps in a new one (under its lock)
whenever the location's status, server or snapshot changes, so any thread may read an entry
it holds without locking.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from enum import Enum
from typing import Any

from headwater.core.origins import GrpcServerOrigin, LocationOrigin
from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.location import LocationSnapshot


class LocationStatus(str, Enum):
    """Where a location stands: its code server is starting or reloading, serves, or failed."""

    LOADING = "loading"
    LOADED = "loaded"
    ERROR = "error"


@dataclass(frozen=True)
class LocationEntry:
    """A code location in the workspace.

    Attributes:
        name: the location's name.
        origin: where its code is, or the gRPC server serving it.
        status: ``loading`` (starting or reloading), ``loaded`` or ``error``.
        error: why it is in error: the load error with the user's traceback, or why its
            code server died or cannot be reached.
        snapshot: the latest snapshot; the previous one is kept while a reload runs.
        server_id: the id of the load currently served (changes on every (re)load).
        pid: the code server's process id (the server's own report for remote locations).
        address: where the code server listens (``host:port`` or ``unix:/path``).
        updated_at: when this entry last changed (epoch seconds).
        managed: whether the workspace started (and supervises) the code server.
        load_seconds: how long the served code took to import, as the server reports it.
        location_pid: the process that imported the location's code (a child of the code
            server), when the server reports it.
    """

    name: str
    origin: LocationOrigin
    status: LocationStatus = LocationStatus.LOADING
    error: ErrorInfo | None = None
    snapshot: LocationSnapshot | None = None
    server_id: str | None = None
    pid: int | None = None
    address: str | None = None
    updated_at: float = dataclasses.field(default_factory=time.time)
    managed: bool = True
    load_seconds: float | None = None
    location_pid: int | None = None

    @classmethod
    def initial(cls, origin: LocationOrigin) -> LocationEntry:
        """A location that has not been started yet (status ``loading``)."""
        return cls(name=origin.location_name, origin=origin,
                   managed=not isinstance(origin, GrpcServerOrigin))

    def evolve(self, **changes: Any) -> LocationEntry:
        """A copy with ``changes`` applied and ``updated_at`` set to now."""
        return dataclasses.replace(self, updated_at=time.time(), **changes)


def host_error(message: str, class_name: str = "CodeServerError") -> ErrorInfo:
    """An error the host noticed (no user traceback), e.g. a code server that died."""
    return ErrorInfo(message=message, class_name=class_name)
