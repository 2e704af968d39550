"""Talking to a code server, and starting one in a location's environment.

    client = CodeServerClient("127.0.0.1:4266")       # or "unix:/path/to/socket"
    info = client.wait_until_ready(timeout=60)
    snapshot = client.snapshot()
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import time
from collections.abc import Callable
from typing import Any, TypeVar

import grpc
import msgspec

from headwater.codeserver import health as h
from headwater.codeserver import protocol as p
from headwater.codeserver.protocol import (
    ListRunsResult,
    ReloadResult,
    RunWorkerInfo,
    ServerInfo,
    TickResult,
)
from headwater.codeserver.security import token_metadata
from headwater.core.environments import environment_for, python_for
from headwater.core.origins import LocationOrigin
from headwater.errors import HeadwaterError
from headwater.snapshot.location import LocationSnapshot
from headwater.snapshot.versioning import decode_snapshot

__all__ = [
    "CodeServerClient",
    "CodeServerError",
    "CodeServerUnavailableError",
    "ListRunsResult",
    "ReloadResult",
    "RunWorkerInfo",
    "ServerInfo",
    "TickResult",
    "start_code_server_process",
]

T = TypeVar("T")

_UNREACHABLE = {"UNAVAILABLE", "DEADLINE_EXCEEDED", "CANCELLED"}


class CodeServerError(HeadwaterError):
    """A code server answered with an error (or something unreadable)."""


class CodeServerUnavailableError(CodeServerError):
    """A code server could not be reached, or did not answer in time."""


class CodeServerClient:
    """A client of one code server.

    Args:
        address: ``"host:port"`` or ``"unix:/path/to/socket"``.
        timeout: seconds each call may take before it fails.
        ssl: connect with TLS.
        root_certificates: PEM certificates to trust for TLS (default: the system's).
        token: the token of a server started with ``--token-env``, sent with every call.
    """

    def __init__(self, address: str, *, timeout: float = 60.0, ssl: bool = False,
                 root_certificates: bytes | None = None, token: str | None = None) -> None:
        self.address = address
        self.timeout = timeout
        self._metadata = token_metadata(token)
        if ssl:
            credentials = grpc.ssl_channel_credentials(root_certificates=root_certificates)
            self._channel: Any = grpc.secure_channel(address, credentials)
        else:
            self._channel = grpc.insecure_channel(address)
        self._health_check: Any = self._channel.unary_unary(h.CHECK)
        self._health_watch: Any = self._channel.unary_stream(h.WATCH)

    def __enter__(self) -> CodeServerClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self._channel.close()

    # -- calls ----------------------------------------------------------------------------

    def server_info(self) -> ServerInfo:
        """Versions, the location name, the current server id and the load error if any."""
        return self._call(p.SERVER_INFO, p.Empty(), ServerInfo)

    def snapshot(self) -> LocationSnapshot:
        """The location's snapshot, reassembled from its streamed chunks."""
        method = self._channel.unary_stream(f"/{p.SERVICE_NAME}/{p.GET_SNAPSHOT}")
        try:
            data = b"".join(method(p.encode(p.Empty()), timeout=self.timeout,
                                   metadata=self._metadata))
        except grpc.RpcError as exc:
            raise self._error(p.GET_SNAPSHOT, exc) from None
        return decode_snapshot(data)

    def launch_run(self, run_id: str) -> int:
        """Start the worker of a QUEUED run; its pid."""
        return self._call(p.LAUNCH_RUN, p.LaunchRunRequest(run_id), p.LaunchRunResult).pid

    def cancel_run(self, run_id: str) -> bool:
        """Ask a run to stop; whether this changed anything."""
        return self._call(p.CANCEL_RUN, p.CancelRunRequest(run_id), p.CancelRunResult).ok

    def evaluate_schedule(self, name: str, scheduled_execution_time: float,
                          repository_name: str | None = None) -> TickResult:
        """Evaluate a schedule's tick at ``scheduled_execution_time`` (epoch seconds)."""
        return self._call(p.EVALUATE_SCHEDULE, p.ScheduleTickRequest(
            repository_name, name, scheduled_execution_time), TickResult)

    def evaluate_sensor(self, name: str, cursor: str | None = None,
                        last_tick_completion_time: float | None = None,
                        last_run_key: str | None = None,
                        repository_name: str | None = None) -> TickResult:
        """Evaluate a sensor's tick with the cursor the previous tick left."""
        return self._call(p.EVALUATE_SENSOR, p.SensorTickRequest(
            repository_name, name, cursor, last_tick_completion_time, last_run_key),
            TickResult)

    def list_runs(self) -> list[RunWorkerInfo]:
        """The run workers the server started."""
        return self._call(p.LIST_RUNS, p.Empty(), ListRunsResult).runs

    def reload(self) -> ReloadResult:
        """Re-import the location in a new process; swapped in only if it loads."""
        return self._call(p.RELOAD, p.Empty(), ReloadResult)

    def heartbeat(self) -> None:
        """Tell a server started with ``--heartbeat-timeout`` that its host is alive."""
        self._call(p.HEARTBEAT, p.Empty(), p.Empty)

    def shutdown(self) -> None:
        """Ask the server to stop once the calls in flight finish (run workers keep going)."""
        self._call(p.SHUTDOWN, p.Empty(), p.Empty)

    def health(self) -> bool:
        """Whether the server answers health checks with SERVING."""
        try:
            response = self._health_check(h.encode_request(""), timeout=self.timeout)
        except grpc.RpcError:
            return False
        return h.decode_response(response) == h.SERVING

    def wait_until_ready(self, timeout: float, *,
                         still_starting: Callable[[], bool] | None = None) -> ServerInfo:
        """Wait until the server has loaded its location (or failed to) and return its info.

        ``still_starting``, when given, is asked about once a second; once it answers
        ``False`` (say, the server's process has exited) the wait ends at once.

        Raises:
            CodeServerUnavailableError: it was not ready within ``timeout`` seconds (or
                ``still_starting`` answered ``False``).
        """
        deadline = time.monotonic() + timeout
        request = h.encode_request("")
        step = timeout if still_starting is None else 1.0
        seen: list[str] = ["no answer"]
        while (remaining := deadline - time.monotonic()) > 0:
            if still_starting is not None and not still_starting():
                raise CodeServerUnavailableError(
                    f"The code server at {self.address} stopped before it was ready (last "
                    f"status: {seen[-1]}).")
            try:
                if self._watch_until_serving(request, min(remaining, step), seen):
                    return self.server_info()
            except grpc.RpcError as exc:
                if exc.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
                    if still_starting is None:
                        break
                    continue
                seen.append(f"{exc.code().name}: {exc.details()}")
                # The stream ended (e.g. the server restarts): wait for the channel again.
                try:
                    grpc.channel_ready_future(self._channel).result(
                        timeout=min(max(deadline - time.monotonic(), 0.001), step))
                except grpc.FutureTimeoutError:
                    if still_starting is None:
                        break
        raise CodeServerUnavailableError(
            f"The code server at {self.address} was not ready within {timeout:g} s (last "
            f"status: {seen[-1]}). Raise the startup timeout if its location loads slowly.")

    def _watch_until_serving(self, request: bytes, timeout: float, seen: list[str]) -> bool:
        """Watch the health status for ``timeout`` s: True once serving (other statuses
        are appended to ``seen``), False when the stream ended first.

        Raises:
            grpc.RpcError: the watch failed or its deadline passed.
        """
        stream = self._health_watch(request, timeout=timeout, wait_for_ready=True)
        try:
            for response in stream:
                status = h.decode_response(response)
                if status == h.SERVING:
                    return True
                seen.append(h.STATUS_NAMES.get(status, str(status)))
        finally:
            stream.cancel()
        return False

    # -- plumbing -------------------------------------------------------------------------

    def _call(self, method: str, request: msgspec.Struct, result: type[T]) -> T:
        stub = self._channel.unary_unary(f"/{p.SERVICE_NAME}/{method}")
        try:
            data: bytes = stub(p.encode(request), timeout=self.timeout,
                               metadata=self._metadata)
        except grpc.RpcError as exc:
            raise self._error(method, exc) from None
        try:
            return p.decode(data, result)
        except p.ProtocolError as exc:
            raise CodeServerError(f"Code server at {self.address}, {method}: {exc}") from None

    def _error(self, method: str, exc: Any) -> CodeServerError:
        code = exc.code()
        details = exc.details() or ""
        if code.name == "DEADLINE_EXCEEDED":
            return CodeServerUnavailableError(
                f"The code server at {self.address} did not answer {method} within "
                f"{self.timeout:g} s. Raise the RPC timeout (timeout=) if it is busy.")
        if code.name in _UNREACHABLE:
            return CodeServerUnavailableError(
                f"The code server at {self.address} is unavailable ({method}): {details}")
        return CodeServerError(f"The code server at {self.address} failed {method} "
                               f"({code.name}): {details}")


def start_code_server_process(
    origin: LocationOrigin, *, port: int | None = None, socket_path: str | None = None,
    heartbeat_timeout: float | None = None, startup_timeout: float = 180.0,
    env: dict[str, str] | None = None, in_process: bool = False,
) -> tuple[subprocess.Popen[bytes], str]:
    """Start a code server for ``origin`` in its environment; the process and its address.

    The server binds ``port`` (a free one when ``None`` or 0) on 127.0.0.1, or
    ``socket_path``, runs in a process group of its own, and is ready to accept calls when
    this returns (its location may still be loading: use ``wait_until_ready``). With
    ``in_process`` the server loads the location itself instead of in a child process
    (half the memory; for servers the caller replaces on reload).

    Raises:
        CodeServerUnavailableError: the process exited, or did not listen in time.
    """
    executable = python_for(origin)
    command = [executable, "-m", "headwater.codeserver.cli",
               "--origin", json.dumps(origin.to_dict()),
               "--startup-timeout", str(startup_timeout)]
    if socket_path is not None:
        command += ["--socket", socket_path]
    else:
        command += ["--host", "127.0.0.1", "--port", str(port or 0)]
    if heartbeat_timeout is not None:
        command += ["--heartbeat-timeout", str(heartbeat_timeout)]
    if in_process:
        command.append("--in-process")
    environment = environment_for(executable)
    environment.update(env or {})
    process = subprocess.Popen(
        command, cwd=getattr(origin, "working_directory", None) or None, env=environment,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, start_new_session=os.name == "posix",
    )
    try:
        address = _read_address(process, startup_timeout, origin.location_name)
    except BaseException:
        process.kill()
        process.wait()
        raise
    finally:
        if process.stdout is not None:
            process.stdout.close()
    return process, address


def _read_address(process: subprocess.Popen[bytes], timeout: float, name: str) -> str:
    assert process.stdout is not None
    fd = process.stdout.fileno()
    deadline = time.monotonic() + timeout
    data = b""
    while b"\n" not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise CodeServerUnavailableError(
                f"The code server for location '{name}' did not start listening within "
                f"{timeout:g} s. Raise the startup timeout.")
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            chunk = os.read(fd, 4096)
            if not chunk:
                code = process.wait()
                raise CodeServerUnavailableError(
                    f"The code server for location '{name}' exited with code {code} before "
                    "listening; its error output says why.")
            data += chunk
    line = data.split(b"\n", 1)[0].decode(errors="replace").strip()
    marker, _, address = line.partition(" ")
    if marker != p.LISTENING_MARKER or not address:
        raise CodeServerUnavailableError(
            f"The code server for location '{name}' printed {line!r} instead of its address.")
    return address
