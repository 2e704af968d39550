"""Location changes pushed to event streams as they happen (no state is missed).

The workspace calls :meth:`LocationFeed.publish` from its own threads (give it as the
workspace's ``on_change``); each ``/api/events`` stream subscribes and receives every entry,
including short-lived ``loading`` states that polling could miss.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from headwater.workspace import LocationEntry

_Subscriber = tuple[asyncio.AbstractEventLoop, "asyncio.Queue[LocationEntry]"]


class LocationFeed:
    """Fans location entries out to the subscribed event streams."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: set[_Subscriber] = set()

    def publish(self, entry: LocationEntry) -> None:
        """Hand ``entry`` to every subscriber (safe from any thread)."""
        with self._lock:
            subscribers = list(self._subscribers)
        for loop, queue in subscribers:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, entry)
            except RuntimeError:  # its loop closed: the stream is gone
                self._discard((loop, queue))

    @contextmanager
    def subscribe(self) -> Iterator[asyncio.Queue[LocationEntry]]:
        """A queue receiving every entry published while the block runs (call it from the
        event loop of the stream)."""
        subscriber: _Subscriber = (asyncio.get_running_loop(), asyncio.Queue())
        with self._lock:
            self._subscribers.add(subscriber)
        try:
            yield subscriber[1]
        finally:
            self._discard(subscriber)

    def _discard(self, subscriber: _Subscriber) -> None:
        with self._lock:
            self._subscribers.discard(subscriber)
