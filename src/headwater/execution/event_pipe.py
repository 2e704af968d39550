"""Events from a step process to its run worker, through a pipe.

Each event is one frame: a 4-byte big-endian length, then the event as msgpack. The step
process writes frames as events happen (:class:`EventPipeWriter`, an event sink); the worker
reads whatever has arrived without blocking (:class:`EventPipeReader`). Events written before
a step process dies stay in the pipe, so the worker still stores them.
"""

from __future__ import annotations

import os
import threading

import msgspec

from headwater.execution.cancellation import Cancellation
from headwater.snapshot.events import RunEvent

_HEADER = 4
_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(RunEvent)


class EventPipeWriter:
    """The step process's event sink: writes each event to the pipe at once."""

    def __init__(self, fd: int, cancellation: Cancellation | None = None) -> None:
        self.fd = fd
        self.cancellation = cancellation
        self._lock = threading.Lock()
        #: Set when the worker is gone (nobody reads the pipe any more).
        self.broken = False

    def emit(self, event: RunEvent) -> None:
        """Send ``event`` to the worker (a whole frame, even if a cancellation arrives)."""
        if self.broken:
            return
        body = _encoder.encode(event)
        frame = len(body).to_bytes(_HEADER, "big") + body
        if self.cancellation is None:
            self._write(frame)
            return
        with self.cancellation.deferred():
            self._write(frame)

    def _write(self, frame: bytes) -> None:
        view = memoryview(frame)
        with self._lock:
            try:
                while view:
                    written = os.write(self.fd, view)
                    view = view[written:]
            except BrokenPipeError:
                self.broken = True

    def close(self) -> None:
        """Close the pipe's write end."""
        try:
            os.close(self.fd)
        except OSError:
            pass


class EventPipeReader:
    """The worker's end: decodes the frames that have arrived so far."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        os.set_blocking(fd, False)
        self._buffer = bytearray()
        #: The write end is closed (every event has been read).
        self.at_eof = False

    def read(self) -> list[RunEvent]:
        """Every complete event available now (never blocks)."""
        while not self.at_eof:
            try:
                chunk = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                break
            if not chunk:
                self.at_eof = True
                break
            self._buffer += chunk
        return self._frames()

    def _frames(self) -> list[RunEvent]:
        events: list[RunEvent] = []
        buffer = self._buffer
        offset = 0
        while len(buffer) - offset >= _HEADER:
            size = int.from_bytes(buffer[offset:offset + _HEADER], "big")
            end = offset + _HEADER + size
            if len(buffer) < end:
                break
            events.append(_decoder.decode(bytes(buffer[offset + _HEADER:end])))
            offset = end
        if offset:
            del buffer[:offset]
        return events

    @property
    def leftover(self) -> int:
        """Bytes of an incomplete frame (a process that died while writing one)."""
        return len(self._buffer)

    def close(self) -> None:
        """Close the read end."""
        try:
            os.close(self.fd)
        except OSError:
            pass
