"""Events a run worker could not store yet, kept on local disk until storage is back.

The event writer keeps failing writes in memory first; when storage stays unreachable past
its spool time (or too many events wait), it appends them here, oldest first, and replays
them from here before anything newer once storage answers again. One file per writer, each
event a 4-byte big-endian length and its JSON; the file is removed once replayed.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable
from pathlib import Path

from headwater.snapshot.events import RunEvent, decode_event, encode_event

_LENGTH = struct.Struct(">I")


class EventSpool:
    """An append-only file of events, read back in order."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._read_offset = 0
        self._peeked_offset = 0
        self._peeked = 0
        self._count = 0

    def __len__(self) -> int:
        """Events in the spool not yet replayed."""
        return self._count

    def append(self, events: Iterable[RunEvent]) -> int:
        """Write ``events`` after those already spooled (and to disk); how many."""
        chunks = []
        for event in events:
            body = encode_event(event)
            chunks.append(_LENGTH.pack(len(body)))
            chunks.append(body)
        if not chunks:
            return 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "ab") as file:
            file.write(b"".join(chunks))
            file.flush()
            os.fsync(file.fileno())
        added = len(chunks) // 2
        self._count += added
        return added

    def peek(self, limit: int) -> list[RunEvent]:
        """The oldest ``limit`` spooled events (still spooled until :meth:`advance`)."""
        events: list[RunEvent] = []
        with open(self.path, "rb") as file:
            file.seek(self._read_offset)
            while len(events) < limit:
                header = file.read(_LENGTH.size)
                if len(header) < _LENGTH.size:
                    break
                (size,) = _LENGTH.unpack(header)
                events.append(decode_event(file.read(size)))
            self._peeked_offset = file.tell()
        self._peeked = len(events)
        return events

    def advance(self) -> None:
        """Drop the events the last :meth:`peek` returned (they are stored now)."""
        self._read_offset = self._peeked_offset
        self._count -= self._peeked
        self._peeked = 0
        if self._count <= 0:
            self._count = 0
            self._read_offset = self._peeked_offset = 0
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
