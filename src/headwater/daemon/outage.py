"""Saying once that storage is unreachable, not once per loop per iteration.

Every daemon loop reads or writes the instance storage, most of them several times a second.
When the database goes away each iteration fails the same way; :class:`StorageOutageLog`
turns that into one warning when the outage starts (whichever loop sees it first) and one
line when storage answers again, instead of a traceback per loop per iteration.
"""

from __future__ import annotations

import logging
import threading
import time

from headwater.storage.errors import StorageConnectionError

logger = logging.getLogger("headwater.daemon")


def is_storage_outage(exc: BaseException) -> bool:
    """Whether ``exc`` says the storage cannot be reached (rather than a bug or bad data)."""
    return isinstance(exc, StorageConnectionError)


class StorageOutageLog:
    """Shared by the daemon's loops: one log line per outage, one when it ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._since: float | None = None

    @property
    def in_outage(self) -> bool:
        """Whether the last storage access of any loop failed to reach storage."""
        return self._since is not None

    def failed(self, loop: str, exc: BaseException) -> None:
        """A loop could not reach storage."""
        with self._lock:
            if self._since is not None:
                return
            self._since = time.monotonic()
        logger.warning("The instance storage is unreachable (seen by the '%s' loop): %s "
                       "The daemon keeps retrying; runs, ticks and the heartbeat wait until "
                       "storage is reachable again.", loop, exc)

    def succeeded(self) -> None:
        """A loop reached storage."""
        with self._lock:
            if self._since is None:
                return
            seconds, self._since = time.monotonic() - self._since, None
        logger.warning("The instance storage is reachable again after %.1f s.", seconds)
