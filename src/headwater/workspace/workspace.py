"""The host side of code locations: start, supervise, reload and stop their code servers.

:class:`Workspace` keeps one :class:`~headwater.workspace.entry.LocationEntry` per location.
Managed locations (files, modules, packages) each get a code server the workspace starts
and heartbeats; ``grpc_server`` locations are polled. Nothing here imports user code: all
the workspace knows of a location comes over gRPC.

Threads: one loader per location at :meth:`Workspace.start`, one supervisor per location
(restarts a dead managed server with capped exponential backoff; polls a remote server and
picks up a redeploy), and one heartbeat thread for all managed servers.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from headwater.codeserver.client import CodeServerClient
from headwater.core.origins import GrpcServerOrigin, LocationOrigin
from headwater.errors import NotFoundError
from headwater.storage.config import CodeServerSettings
from headwater.workspace.entry import LocationEntry, LocationStatus, host_error
from headwater.workspace.process_manager import (
    LaunchResult,
    ServerHandle,
    WorkspaceError,
    launch_server,
    rpc_error,
)
from headwater.workspace.reload_queue import ReloadQueue
from headwater.workspace.remote import RemoteLocation

logger = logging.getLogger(__name__)

#: How long stop() waits for the supervising threads, in total.
STOP_JOIN_SECONDS = 5.0

OnChange = Callable[[LocationEntry], None]


class _Restart:
    """Restart bookkeeping of one managed location."""

    def __init__(self) -> None:
        self.pending = False
        self.attempts = 0
        self.next_at = 0.0


class Workspace:
    """The code locations of a webserver, daemon or ``headwater dev``, each in its own server.

    Args:
        origins: the locations; their names must be unique.
        settings: timeouts and heartbeat periods (``code_servers`` in headwater.yaml).
        env: extra environment variables for the code servers, on top of this process's
            (a location's virtualenv ``bin/`` is put first on ``PATH`` either way).
        on_change: called with the new entry whenever an entry changes, from the thread
            that changed it; keep it quick.
    """

    def __init__(
        self,
        origins: Iterable[LocationOrigin],
        *,
        settings: CodeServerSettings | None = None,
        env: Mapping[str, str] | None = None,
        on_change: OnChange | None = None,
    ) -> None:
        self.settings = settings or CodeServerSettings()
        self._env = dict(env) if env is not None else None
        self._on_change = on_change
        self._lock = threading.Condition()
        self._entries: dict[str, LocationEntry] = {}
        for origin in origins:
            if origin.location_name in self._entries:
                raise WorkspaceError(
                    f"Two code locations are named '{origin.location_name}'. Give one of them "
                    "another location_name."
                )
            self._entries[origin.location_name] = LocationEntry.initial(origin)
        self._servers: dict[str, ServerHandle | None] = {}
        self._remotes: dict[str, RemoteLocation] = {}
        self._restarts = {name: _Restart() for name in self._entries}
        self._ops = {name: threading.Lock() for name in self._entries}
        self._reloads: ReloadQueue[LocationEntry] = ReloadQueue(self._reload_now)
        self._handles: set[ServerHandle] = set()
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []
        self._socket_dir: str | None = None
        self._generation = 0
        self._started = False

    # Reading ----------------------------------------------------------------------------

    def get_entries(self) -> list[LocationEntry]:
        """Every location's current entry, in the order the origins were given."""
        with self._lock:
            return list(self._entries.values())

    def get(self, name: str) -> LocationEntry:
        """The entry of location ``name``; ``NotFoundError`` naming the locations there are."""
        with self._lock:
            entry = self._entries.get(name)
            if entry is None:
                names = ", ".join(self._entries) or "none"
                raise NotFoundError(f"No code location named '{name}' (there are: {names}).")
            return entry

    def client(self, name: str) -> CodeServerClient:
        """The client of the code server now serving ``name``.

        Raises:
            NotFoundError: no such location.
            WorkspaceError: the location has no running code server (it failed to start or
                is being restarted); the message says why.
        """
        entry = self.get(name)
        with self._lock:
            remote = self._remotes.get(name)
            if remote is not None:
                return remote.client
            handle = self._servers.get(name)
        if handle is None or not handle.alive():
            why = f": {entry.error.message}" if entry.error is not None else "."
            raise WorkspaceError(f"Location '{name}' has no running code server{why}")
        return handle.client

    def restarting(self, name: str) -> bool:
        """Whether the code server of ``name`` crashed and is waiting to be restarted."""
        with self._lock:
            restart = self._restarts.get(name)
            return restart is not None and restart.pending and name not in self._remotes

    def wait_until_settled(self, timeout: float) -> list[LocationEntry]:
        """Wait until no location is ``loading`` (or ``timeout`` passes); the entries."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while any(e.status is LocationStatus.LOADING for e in self._entries.values()):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._lock.wait(left)
            return list(self._entries.values())

    # Lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        """Start every location's code server (in parallel) and the supervising threads.

        Returns at once; entries move from ``loading`` to ``loaded`` or ``error``.
        """
        if self._started:
            raise WorkspaceError("This workspace was already started.")
        self._started = True
        self._socket_dir = tempfile.mkdtemp(prefix="hw-ws-")
        for name, entry in self.get_entries_by_name().items():
            if isinstance(entry.origin, GrpcServerOrigin):
                self._remotes[name] = RemoteLocation(entry.origin, self.settings)
            self._spawn(f"headwater-supervise-{name}", self._supervise, name)
        self._spawn("headwater-heartbeat", self._heartbeat_loop)

    def stop(self) -> None:
        """Stop the supervising threads and every managed code server (gracefully)."""
        self._stopped.set()
        with self._lock:
            self._lock.notify_all()
        # A thread still waiting for a server to start is left behind (it is a daemon); the
        # server it waits for is killed by _register/_replace_server once they see the stop.
        deadline = time.monotonic() + STOP_JOIN_SECONDS
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        with self._lock:
            handles = list(self._handles)
            self._handles.clear()
            self._servers.clear()
        if handles:
            with ThreadPoolExecutor(max_workers=len(handles)) as pool:
                list(pool.map(lambda handle: handle.stop(), handles))
        for remote in self._remotes.values():
            remote.close()
        if self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)

    def get_entries_by_name(self) -> dict[str, LocationEntry]:
        """Every entry, by location name."""
        with self._lock:
            return dict(self._entries)

    # Reloading --------------------------------------------------------------------------

    def reload_location(self, name: str) -> LocationEntry:
        """Reload one location; blocks until its new code has loaded or failed.

        Managed: a new code server is started and, once it has loaded, swapped in; the old
        one is then shut down gracefully (runs it started keep running). While the new one
        loads, the entry is ``loading`` and keeps the previous snapshot. If the new code fails
        to load, the entry is ``error`` with that load error (and the user's traceback); a
        server still serving working code keeps serving it (its snapshot stays in the entry),
        else the failed server is swapped in. Remote: the server is asked to reload and its
        snapshot fetched again; if the new code fails, the server keeps serving the old code,
        and the entry shows the error with the snapshot of the code still served. Either way
        a later successful reload makes the entry ``loaded`` again.
        """
        return self.request_reload(name).result()

    def request_reload(self, name: str) -> Future[LocationEntry]:
        """Reload one location in the background; a future of its entry afterwards.

        Requests made while the location reloads share the next reload (at most one runs
        and one waits per location), so a burst of requests costs two reloads, not one each.

        Raises:
            NotFoundError: no such location.
        """
        self.get(name)
        return self._reloads.request(name)

    def _reload_now(self, name: str) -> LocationEntry:
        with self._ops[name]:
            self._set(name, status=LocationStatus.LOADING)
            if name in self._remotes:
                self._refresh_remote(name, reload=True)
            else:
                restart = self._restarts[name]
                restart.pending, restart.attempts = False, 0
                self._replace_server(name, keep_working=True)
        return self.get(name)

    def reload_all(self) -> list[LocationEntry]:
        """Reload every location in parallel; the new entries."""
        return [future.result() for future in self.request_reload_all()]

    def request_reload_all(self) -> list[Future[LocationEntry]]:
        """Reload every location in the background (coalesced as :meth:`request_reload`)."""
        return [self._reloads.request(name) for name in self.get_entries_by_name()]

    # Internals --------------------------------------------------------------------------

    def _spawn(self, name: str, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _set(self, name: str, **changes: object) -> LocationEntry:
        with self._lock:
            entry = self._entries[name].evolve(**changes)
            self._entries[name] = entry
            self._lock.notify_all()
        if self._on_change is not None:
            try:
                self._on_change(entry)
            except Exception:
                logger.exception("on_change failed for location '%s'", name)
        return entry

    def _socket_path(self, name: str) -> str:
        with self._lock:
            self._generation += 1
            index = list(self._entries).index(name)
            return str(Path(self._socket_dir or tempfile.gettempdir())
                       / f"{index}-{self._generation}.sock")

    def _replace_server(self, name: str, *, keep_working: bool = False) -> LaunchResult:
        """Start a new server for ``name``, swap it in, stop the old one (caller holds op).

        With ``keep_working``, a new server whose code failed to load is not swapped in when
        the old one still serves working code: the entry then shows the load error with the
        old snapshot.
        """
        entry = self.get(name)
        result = launch_server(entry.origin, settings=self.settings,
                               socket_path=self._socket_path(name), env=self._env,
                               on_started=self._register)
        handle = result.handle
        with self._lock:
            if handle is None:
                self._handles.difference_update(
                    {h for h in self._handles if not h.alive()})
            elif self._stopped.is_set():
                self._handles.discard(handle)
                handle.kill()
                return result
            old = self._servers.get(name)
            keep_old = (keep_working and result.snapshot is None and old is not None
                        and old.alive() and entry.snapshot is not None)
            if not keep_old:
                self._servers[name] = handle
        if keep_old:
            if handle is not None:
                self._retire(handle)
            self._set(name, status=LocationStatus.ERROR, error=result.error)
            return result
        if old is not None:
            self._retire(old)
        info = result.info
        self._set(
            name,
            status=LocationStatus.LOADED if result.snapshot is not None else LocationStatus.ERROR,
            error=result.error,
            snapshot=result.snapshot,
            server_id=info.server_id if info is not None else None,
            pid=handle.pid if handle is not None else None,
            address=handle.address if handle is not None else None,
            load_seconds=info.load_seconds if info is not None else None,
            location_pid=info.location_pid if info is not None else None,
        )
        return result

    def _register(self, handle: ServerHandle) -> None:
        """Heartbeat a new server from the moment it listens (stop() also reaps it)."""
        with self._lock:
            if not self._stopped.is_set():
                self._handles.add(handle)
                return
        handle.kill()

    def _retire(self, handle: ServerHandle) -> None:
        """Stop a replaced server in the background; stop() still reaps it if need be."""

        def retire() -> None:
            handle.stop()
            with self._lock:
                self._handles.discard(handle)

        threading.Thread(target=retire, name="headwater-retire", daemon=True).start()

    def _heartbeat_loop(self) -> None:
        interval = self.settings.heartbeat_interval
        with ThreadPoolExecutor(max_workers=8, thread_name_prefix="headwater-hb") as pool:
            while True:
                with self._lock:
                    handles = list(self._handles)
                list(pool.map(lambda handle: handle.heartbeat(), handles))
                if self._stopped.wait(interval):
                    return

    def _supervise(self, name: str) -> None:
        poll = min(0.5, self.settings.heartbeat_interval)
        with self._ops[name]:
            if self._stopped.is_set():
                return
            if name in self._remotes:
                self._refresh_remote(name, reload=False)
            else:
                self._replace_server(name)
        while not self._stopped.wait(poll):
            if not self._ops[name].acquire(blocking=False):
                continue  # a reload is running
            try:
                if name in self._remotes:
                    self._check_remote(name)
                else:
                    self._check_managed(name)
            except Exception:
                logger.exception("Supervising location '%s' failed", name)
            finally:
                self._ops[name].release()

    def _check_managed(self, name: str) -> None:
        restart = self._restarts[name]
        with self._lock:
            handle = self._servers.get(name)
        now = time.monotonic()
        if handle is not None:
            if handle.alive():
                return
            with self._lock:
                self._servers[name] = None
                self._handles.discard(handle)
            handle.close_clients()
            if now - handle.started_at > self.settings.restart_backoff_max:
                restart.attempts = 0
            delay = self._backoff(restart)
            self._set(name, status=LocationStatus.ERROR, error=host_error(
                f"The code server of location '{name}' (pid {handle.pid}) "
                f"{handle.death_reason()}; restarting it in {delay:.1f} s.",
                "CodeServerExited"), pid=None, location_pid=None)
            return
        if restart.pending and now >= restart.next_at and not self._stopped.is_set():
            restart.pending = False
            self._set(name, status=LocationStatus.LOADING)
            result = self._replace_server(name)
            if result.handle is None and result.error is not None:
                delay = self._backoff(restart)
                self._set(name, error=host_error(
                    f"{result.error.message} Retrying in {delay:.1f} s.", result.error.class_name))

    def _backoff(self, restart: _Restart) -> float:
        delay = min(self.settings.restart_backoff_max, 0.5 * 2.0 ** min(restart.attempts, 30))
        restart.attempts += 1
        restart.pending = True
        restart.next_at = time.monotonic() + delay
        return delay

    def _check_remote(self, name: str) -> None:
        remote = self._remotes[name]
        if not remote.due():
            return
        entry = self.get(name)
        try:
            info = remote.server_info()
        except Exception as exc:
            remote.unreachable = True
            message = rpc_error(name, remote.address, exc, self.settings)
            if entry.status is not LocationStatus.ERROR or entry.error is None or (
                    entry.error.message != message):
                self._set(name, status=LocationStatus.ERROR, pid=None,
                          error=host_error(message, "CodeServerUnavailableError"))
            return
        failed = entry.status is LocationStatus.ERROR and entry.error is not None
        shown = entry.error.message if failed and entry.error is not None else None
        served = info.load_error or info.reload_error
        if (remote.unreachable or info.server_id != entry.server_id
                or (served.message if served else None) != shown):
            self._refresh_remote(name, reload=False)

    def _refresh_remote(self, name: str, *, reload: bool) -> None:
        remote = self._remotes[name]
        try:
            info, snapshot, reload_error = remote.fetch(reload=reload)
        except Exception as exc:
            remote.unreachable = True
            self._set(name, status=LocationStatus.ERROR, pid=None, error=host_error(
                rpc_error(name, remote.address, exc, self.settings),
                "CodeServerUnavailableError"))
            return
        remote.unreachable = False
        error = reload_error or info.load_error or info.reload_error
        self._set(
            name,
            status=(LocationStatus.LOADED if snapshot is not None and error is None
                    else LocationStatus.ERROR),
            error=error,
            snapshot=snapshot,
            server_id=info.server_id,
            pid=info.pid,
            address=remote.address,
            load_seconds=info.load_seconds,
            location_pid=info.location_pid,
        )
