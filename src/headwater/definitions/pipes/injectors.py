"""Context injectors: how the external process receives its context (a file or the
environment)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any


class PipesContextInjector(ABC):
    """Makes the context data available to the external process; yields the parameters that
    tell the external side where to find it."""

    @abstractmethod
    @contextmanager
    def inject_context(self, context_data: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
        """Place ``context_data`` where the external process can read it while the block runs."""

    def no_messages_debug_text(self) -> str:
        """A hint for when no message came back."""
        return f"The context was handed over by {type(self).__name__}."


class PipesFileContextInjector(PipesContextInjector):
    """Writes the context as JSON to ``path`` (removed afterwards)."""

    def __init__(self, path: str) -> None:
        self._path = path

    @contextmanager
    def inject_context(self, context_data: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
        with open(self._path, "w", encoding="utf-8") as file:
            json.dump(context_data, file)
        try:
            yield {"path": self._path}
        finally:
            if os.path.exists(self._path):
                os.remove(self._path)

    def no_messages_debug_text(self) -> str:
        return f"The context was written to {self._path}; can the external process read it?"


class PipesTempFileContextInjector(PipesContextInjector):
    """Writes the context as JSON to a new temporary file (the default)."""

    @contextmanager
    def inject_context(self, context_data: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
        folder = tempfile.mkdtemp(prefix="headwater-pipes-")
        try:
            with PipesFileContextInjector(os.path.join(folder, "context.json")).inject_context(
                    context_data) as params:
                yield params
        finally:
            shutil.rmtree(folder, ignore_errors=True)


class PipesEnvContextInjector(PipesContextInjector):
    """Puts the context itself into the parameters (an environment variable)."""

    @contextmanager
    def inject_context(self, context_data: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
        yield {"data": dict(context_data)}
