"""Coalescing reload requests: one reload of a location at a time, plus at most one queued.

Reloading a location imports its code again, which may take seconds. Requests for a location
that arrive while it reloads are not each given a reload (and a waiting thread): they share
the next one, which starts when the current one ends, so a change made during a reload is
still picked up. Callers get a future; the webserver awaits it without holding a thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Generic, TypeVar

T = TypeVar("T")


class _Slot(Generic[T]):
    def __init__(self) -> None:
        self.running: Future[T] | None = None
        self.queued: Future[T] | None = None


class ReloadQueue(Generic[T]):
    """Runs ``reload(name)`` in a background thread, coalescing concurrent requests."""

    def __init__(self, reload: Callable[[str], T]) -> None:
        self._reload = reload
        self._lock = threading.Lock()
        self._slots: dict[str, _Slot[T]] = {}

    def request(self, name: str) -> Future[T]:
        """A future of the reload that will include everything changed until now."""
        with self._lock:
            slot = self._slots.setdefault(name, _Slot())
            if slot.running is None:
                slot.running = Future()
                future = slot.running
                start = True
            else:
                if slot.queued is None:
                    slot.queued = Future()
                future = slot.queued
                start = False
        if start:
            threading.Thread(target=self._work, args=(name,), name=f"headwater-reload-{name}",
                             daemon=True).start()
        return future

    def _work(self, name: str) -> None:
        while True:
            with self._lock:
                future = self._slots[name].running
            assert future is not None
            try:
                future.set_result(self._reload(name))
            except BaseException as exc:  # noqa: BLE001 - handed to every waiting caller
                future.set_exception(exc)
            with self._lock:
                slot = self._slots[name]
                slot.running, slot.queued = slot.queued, None
                if slot.running is None:
                    return
