"""Starting, watching and stopping the code servers the workspace manages.

A :class:`ServerHandle` is one code server process plus its clients. Servers listen on a
Unix socket in the workspace's temporary folder (no port race), are started in their own
process group by :func:`headwater.codeserver.client.start_code_server_process`, and are
stopped gracefully: the ``shutdown`` RPC lets calls in flight finish and never touches run
workers (they run in sessions of their own), and only a server that does not exit in time
is terminated.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from headwater.codeserver.client import (
    CodeServerClient,
    ServerInfo,
    start_code_server_process,
)
from headwater.core.origins import LocationOrigin
from headwater.errors import HeadwaterError
from headwater.processes import describe_exit, kill_process_group
from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.location import LocationSnapshot
from headwater.storage.config import CodeServerSettings

#: Extra time, past the startup timeout, to wait for the server's own timeout error.
STARTUP_MARGIN_SECONDS = 5.0

#: How long a server may take to exit after the ``shutdown`` RPC before it is terminated.
SHUTDOWN_GRACE_SECONDS = 10.0


class WorkspaceError(HeadwaterError):
    """A workspace operation failed: a location is unknown or its code server is unusable."""


class ServerHandle:
    """A code server process this workspace started, with the clients that talk to it."""

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        address: str,
        settings: CodeServerSettings,
    ) -> None:
        self.process = process
        self.address = address
        self.started_at = time.monotonic()
        self.client = CodeServerClient(address, timeout=settings.rpc_timeout)
        #: A separate client with a short deadline, so a slow call never delays heartbeats.
        self.heartbeat_client = CodeServerClient(
            address, timeout=max(1.0, min(settings.heartbeat_interval, settings.rpc_timeout))
        )
        self._closed = False
        self._lock = threading.Lock()

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self.process.pid

    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.process.poll() is None

    def death_reason(self) -> str:
        """``exited with code 1`` / ``was killed by signal SIGKILL`` (``is running`` if alive)."""
        return describe_exit(self.process.poll())

    def heartbeat(self) -> None:
        """Tell the server the host is alive; errors are ignored (the supervisor sees deaths)."""
        if self._closed:
            return
        try:
            self.heartbeat_client.heartbeat()
        except Exception:  # noqa: BLE001 - a missed beat is harmless; death is noticed elsewhere
            pass

    def stop(self, grace: float = SHUTDOWN_GRACE_SECONDS) -> None:
        """Shut the server down gracefully, terminating it only if it does not exit in time."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if self.alive():
            try:
                self.client.shutdown()
            except Exception:  # noqa: BLE001 - already gone or unresponsive: terminate below
                pass
            if not _wait(self.process, grace):
                self._signal(signal.SIGTERM)
                if not _wait(self.process, 5.0):
                    self._signal(signal.SIGKILL)
                    _wait(self.process, 5.0)
        self.close_clients()

    def kill(self, *, group: bool = False) -> None:
        """Stop the server at once (it never finished starting, or the host is exiting);
        with ``group``, also every process left in its process group (what its import
        started; run workers have sessions of their own)."""
        with self._lock:
            self._closed = True
        if self.alive():
            self._signal(signal.SIGKILL)
            _wait(self.process, 5.0)
        if group:
            kill_process_group(self.process)
        self.close_clients()

    def close_clients(self) -> None:
        """Close the gRPC channels (idempotent)."""
        for client in (self.client, self.heartbeat_client):
            try:
                client.close()
            except Exception:  # noqa: BLE001 - closing a dead channel may fail; nothing to do
                pass

    def _signal(self, signum: signal.Signals) -> None:
        try:
            os.kill(self.process.pid, signum)
        except ProcessLookupError:
            pass


@dataclass(frozen=True)
class LaunchResult:
    """What starting a code server gave: the handle (None if it never served) and its load."""

    handle: ServerHandle | None
    info: ServerInfo | None = None
    snapshot: LocationSnapshot | None = None
    error: ErrorInfo | None = None


def launch_server(
    origin: LocationOrigin,
    *,
    settings: CodeServerSettings,
    socket_path: str,
    env: Mapping[str, str] | None,
    on_started: Callable[[ServerHandle], None] | None = None,
) -> LaunchResult:
    """Start a code server for ``origin`` and wait until it has loaded the code (or failed).

    Never raises for problems of the location: they come back as ``error`` (with the user's
    traceback when the code failed to load), and a server that never served is killed.
    ``on_started`` gets the handle as soon as the process listens (to send it heartbeats
    while it loads).
    """
    name = origin.location_name
    try:
        process, address = start_code_server_process(
            origin,
            socket_path=socket_path,
            heartbeat_timeout=settings.heartbeat_timeout,
            startup_timeout=settings.startup_timeout,
            env=dict(env) if env is not None else None,
            # The workspace replaces the whole server on reload: no location process needed.
            in_process=True,
        )
    except Exception as exc:  # noqa: BLE001 - any failure to start is the location's error
        return LaunchResult(None, error=startup_error(name, exc, settings))
    handle = ServerHandle(process, address, settings)
    if on_started is not None:
        on_started(handle)
    try:
        # The server enforces the startup timeout on the import itself and then serves the
        # error; the margin lets that (more precise) error arrive first.
        info = handle.client.wait_until_ready(settings.startup_timeout + STARTUP_MARGIN_SECONDS,
                                              still_starting=handle.alive)
        if info.load_error is not None:
            if _import_timed_out(info.load_error):
                # The import still runs in that server (burning a core, holding what it
                # opened): stop it and all it started now, not at the next reload.
                handle.kill(group=True)
                return LaunchResult(None, error=_with_setting_hint(info.load_error))
            return LaunchResult(handle, info=info, error=_with_setting_hint(info.load_error))
        return LaunchResult(handle, info=info, snapshot=handle.client.snapshot())
    except Exception as exc:  # noqa: BLE001 - as above
        died = handle.process.poll() is not None
        handle.kill()
        if died:
            message = (f"The code server of location '{name}' {handle.death_reason()} while "
                       f"loading: {exc}")
            return LaunchResult(None, error=ErrorInfo(message=message,
                                                      class_name=type(exc).__name__))
        return LaunchResult(None, error=startup_error(name, exc, settings))


def _import_timed_out(error: ErrorInfo) -> bool:
    return error.class_name == "TimeoutError" and "did not finish loading" in error.message


def _with_setting_hint(error: ErrorInfo) -> ErrorInfo:
    """A load error; an import that timed out also names the headwater.yaml setting."""
    if "--startup-timeout" not in error.message:
        return error
    hint = " (here: code_servers.startup_timeout in headwater.yaml)"
    return ErrorInfo(message=error.message.rstrip() + hint, class_name=error.class_name,
                     stack=error.stack, cause=error.cause, full_stack=error.full_stack)


def startup_error(name: str, exc: BaseException, settings: CodeServerSettings) -> ErrorInfo:
    """The error for a code server that did not start, naming the setting to raise."""
    error = ErrorInfo.from_exception(exc)
    text = str(exc)
    if _is_rpc_timeout(text):
        message = (f"The code server of location '{name}' started but a call timed out: "
                   f"{text}{_rpc_hint(settings)}")
    elif isinstance(exc, TimeoutError) or "within" in text or "timed out" in text.lower():
        message = (f"The code server of location '{name}' was not ready within "
                   f"{settings.startup_timeout:g} s ({text}). If it is just slow to start, "
                   "raise code_servers.startup_timeout in headwater.yaml.")
    else:
        message = f"The code server of location '{name}' could not be started: {text}"
    return ErrorInfo(message=message, class_name=error.class_name, stack=error.stack,
                     cause=error.cause, full_stack=error.full_stack)


def rpc_error(name: str, address: str, exc: BaseException, settings: CodeServerSettings) -> str:
    """Why a call to a location's code server failed, naming the setting when it timed out."""
    text = str(exc).rstrip(".")
    hint = _rpc_hint(settings) if _is_rpc_timeout(text) else ""
    return f"Cannot reach the code server of location '{name}' at {address}: {text}.{hint}"


def _is_rpc_timeout(text: str) -> bool:
    lowered = text.lower()
    return "did not answer" in lowered or "deadline" in lowered


def _rpc_hint(settings: CodeServerSettings) -> str:
    return (f" (The limit is {settings.rpc_timeout:g} s; if the server is busy rather than "
            "down, raise code_servers.rpc_timeout in headwater.yaml.)")


def _wait(process: subprocess.Popen[bytes], timeout: float) -> bool:
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return False
    return True
