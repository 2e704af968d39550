"""Message readers: how the external process's messages come back (a file it appends JSON
lines to, read while it runs)."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from headwater.definitions.pipes.protocol import parse_message

if TYPE_CHECKING:
    from headwater.definitions.pipes.session import PipesMessageHandler

#: How often a message file is read while the external process runs (seconds).
POLL_SECONDS = 0.05


class PipesMessageReader(ABC):
    """Receives messages from the external process and hands each to the handler; yields the
    parameters that tell the external side where to write them."""

    @abstractmethod
    @contextmanager
    def read_messages(self, handler: PipesMessageHandler) -> Iterator[Mapping[str, Any]]:
        """Read messages into ``handler`` while the block runs (and what is left after)."""

    def no_messages_debug_text(self) -> str:
        """A hint for when no message came back."""
        return f"Messages were expected through {type(self).__name__}."


class PipesFileMessageReader(PipesMessageReader):
    """The external process appends one JSON message per line to ``path``; the file is read
    as it grows, and to its end when the block ends."""

    def __init__(self, path: str, include_stdio_in_messages: bool = False) -> None:
        self._path = path
        self._include_stdio = include_stdio_in_messages

    @contextmanager
    def read_messages(self, handler: PipesMessageHandler) -> Iterator[Mapping[str, Any]]:
        with open(self._path, "w", encoding="utf-8"):
            pass  # start empty: only this run's messages
        stop = threading.Event()
        tail = _Tail(self._path, handler)
        thread = threading.Thread(target=tail.follow, args=(stop,), name="pipes-messages",
                                  daemon=True)
        thread.start()
        params: dict[str, Any] = {"path": self._path}
        if self._include_stdio:
            params["include_stdio_in_messages"] = True
        try:
            yield params
        finally:
            stop.set()
            thread.join()
            tail.read_available(final=True)

    def no_messages_debug_text(self) -> str:
        return (f"Messages were expected in {self._path}; did the external process call "
                "open_dagster_pipes()?")


class PipesTempFileMessageReader(PipesMessageReader):
    """A :class:`PipesFileMessageReader` on a new temporary file (the default)."""

    def __init__(self, include_stdio_in_messages: bool = False) -> None:
        self._include_stdio = include_stdio_in_messages

    @contextmanager
    def read_messages(self, handler: PipesMessageHandler) -> Iterator[Mapping[str, Any]]:
        folder = tempfile.mkdtemp(prefix="headwater-pipes-")
        reader = PipesFileMessageReader(os.path.join(folder, "messages.jsonl"),
                                        self._include_stdio)
        try:
            with reader.read_messages(handler) as params:
                yield params
        finally:
            shutil.rmtree(folder, ignore_errors=True)


class _Tail:
    """Reads complete lines appended to a file, from where it stopped."""

    def __init__(self, path: str, handler: PipesMessageHandler) -> None:
        self._path = path
        self._handler = handler
        self._offset = 0
        self._lock = threading.Lock()

    def follow(self, stop: threading.Event) -> None:
        while not stop.wait(POLL_SECONDS):
            self.read_available(final=False)

    def read_available(self, *, final: bool) -> None:
        with self._lock:
            try:
                with open(self._path, "rb") as file:
                    file.seek(self._offset)
                    data = file.read()
            except FileNotFoundError:
                return
            end = len(data) if final else data.rfind(b"\n") + 1
            if end <= 0:
                return
            self._offset += end
            for line in data[:end].decode("utf-8", errors="replace").splitlines():
                message = parse_message(line) if line.strip() else None
                if message is not None:
                    self._handler.handle_message(message)
