"""``--watch``: reload a location when files in its folder change (watchfiles, debounced).

Each managed location is watched in its working directory, else its Python file's folder
(a module or package without a working directory has no folder we can know without
importing it, so it is not watched). A change reloads only the locations whose folder holds
the changed file; version-control, cache, virtualenv and instance folders are ignored.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

import watchfiles

from headwater.core.origins import GrpcServerOrigin, LocationOrigin, PythonFileOrigin
from headwater.workspace.workspace import Workspace

logger = logging.getLogger(__name__)

#: File types whose change reloads a location.
WATCHED_SUFFIXES = (".py", ".pyi", ".yaml", ".yml", ".toml", ".json", ".sql", ".cfg", ".ini")

#: Folders never watched, besides watchfiles' defaults (.git, __pycache__, .venv, …).
IGNORED_DIRS = (".headwater", "venv", "env", "site-packages", ".ruff_cache", "build", "dist")


class _Filter(watchfiles.DefaultFilter):
    def __init__(self) -> None:
        super().__init__(ignore_dirs=(*watchfiles.DefaultFilter.ignore_dirs, *IGNORED_DIRS))

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        return path.endswith(WATCHED_SUFFIXES) and super().__call__(change, path)


def watched_folder(origin: LocationOrigin) -> Path | None:
    """The folder watched for ``origin``: working directory, else the file's folder."""
    if isinstance(origin, GrpcServerOrigin):
        return None
    if origin.working_directory:
        return Path(origin.working_directory).resolve()
    if isinstance(origin, PythonFileOrigin):
        return Path(origin.python_file).resolve().parent
    return None


class LocationWatcher:
    """Reloads each managed location of ``workspace`` when its files change.

    Args:
        workspace: the (started) workspace.
        debounce: seconds of quiet after a change before reloading; changes within it are
            grouped into one reload per location.
        on_reload: called with the location name after each reload this watcher caused.
    """

    def __init__(self, workspace: Workspace, debounce: float = 0.3,
                 on_reload: Callable[[str], None] | None = None) -> None:
        self.workspace = workspace
        self.debounce = debounce
        self._on_reload = on_reload
        self._folders: dict[str, Path] = {}
        for entry in workspace.get_entries():
            folder = watched_folder(entry.origin)
            if folder is not None and folder.is_dir():
                self._folders[entry.name] = folder
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._running: set[str] = set()
        self._pending: set[str] = set()

    @property
    def folders(self) -> dict[str, Path]:
        """The folder watched for each watched location."""
        return dict(self._folders)

    def start(self) -> None:
        """Start watching in a background thread (nothing to do without watched folders)."""
        if self._thread is not None or not self._folders:
            return
        self._thread = threading.Thread(target=self._run, name="headwater-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching; reloads already started finish on their own."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def locations_for(self, paths: set[str]) -> list[str]:
        """The watched locations whose folder holds any of ``paths``."""
        names = []
        for name, folder in self._folders.items():
            if any(_is_within(Path(path), folder) for path in paths):
                names.append(name)
        return names

    def _run(self) -> None:
        step = max(10, min(50, int(self.debounce * 1000)))
        try:
            for changes in watchfiles.watch(
                *sorted({str(folder) for folder in self._folders.values()}),
                watch_filter=_Filter(),
                debounce=max(step, int(self.debounce * 1000) * 4),
                step=step,
                stop_event=self._stop,
                rust_timeout=500,
                yield_on_timeout=False,
                raise_interrupt=False,
            ):
                for name in self.locations_for({path for _, path in changes}):
                    self._request(name)
        except Exception:
            if not self._stop.is_set():
                logger.exception("Watching the code locations' files failed")

    def _request(self, name: str) -> None:
        with self._lock:
            if name in self._running:
                self._pending.add(name)
                return
            self._running.add(name)
        threading.Thread(target=self._reload, args=(name,), name=f"headwater-watch-{name}",
                         daemon=True).start()

    def _reload(self, name: str) -> None:
        while not self._stop.is_set():
            try:
                self.workspace.reload_location(name)
                if self._on_reload is not None:
                    self._on_reload(name)
            except Exception:
                logger.exception("Reloading location '%s' after a file change failed", name)
            with self._lock:
                if name not in self._pending:
                    self._running.discard(name)
                    return
                self._pending.discard(name)
        with self._lock:
            self._running.discard(name)


def _is_within(path: Path, folder: Path) -> bool:
    try:
        return os.path.commonpath([str(path), str(folder)]) == str(folder)
    except ValueError:
        return False
