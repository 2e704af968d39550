"""The code server's gRPC front process: it serves one location.

By default the user's code lives in a :class:`LocationProcess`, never in this process: it
answers server info and the snapshot itself, forwards runs and ticks to the location
process, and on reload starts a new location process, swapping it in only once it has
loaded (the old one keeps serving meanwhile, and keeps serving when the new code fails to
load). With ``--in-process`` (the servers a workspace manages) it loads the location itself
(see :mod:`headwater.codeserver.in_process`); a reload then swaps in a location process.
"""

from __future__ import annotations

import gc
import os
import platform
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any

import grpc

from headwater.codeserver import health
from headwater.codeserver import protocol as p
from headwater.codeserver.in_process import InProcessLocation, exit_in_process_server
from headwater.codeserver.location_process import LocationProcess, Reply
from headwater.codeserver.security import ServerTls, token_interceptor
from headwater.core.origins import LocationOrigin
from headwater.core.version import __version__
from headwater.snapshot.errors import ErrorInfo

#: Seconds in-flight RPCs get to finish when the server shuts down.
SHUTDOWN_GRACE = 5.0

_STATUS = {
    "failed_precondition": grpc.StatusCode.FAILED_PRECONDITION,
    "not_found": grpc.StatusCode.NOT_FOUND,
    "invalid_argument": grpc.StatusCode.INVALID_ARGUMENT,
    "unavailable": grpc.StatusCode.UNAVAILABLE,
    "unimplemented": grpc.StatusCode.UNIMPLEMENTED,
}


#: Where a location is served: a location process, or this process (``--in-process``).
Location = LocationProcess | InProcessLocation


class _Abort(Exception):
    def __init__(self, code: Any, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class CodeServer:
    """The service: the current location process and the RPC handlers."""

    def __init__(self, origin: LocationOrigin, *, startup_timeout: float,
                 heartbeat_timeout: float | None) -> None:
        self.origin = origin
        self.startup_timeout = startup_timeout
        self.heartbeat_timeout = heartbeat_timeout
        self.health = health.HealthService()
        self.stop_requested = threading.Event()
        self.stop_reason = ""
        #: Set when heartbeats stopped: nobody waits for answers, so stop at once.
        self.host_gone = False
        self._current: Location | None = None
        self._live: set[Location] = set()
        self._lock = threading.Lock()
        self._reload_lock = threading.Lock()
        self._last_heartbeat = time.monotonic()
        #: Why the latest reload failed, while the previous code is still served.
        self._reload_error: ErrorInfo | None = None
        self._set_health(health.NOT_SERVING)

    # -- lifecycle ------------------------------------------------------------------------

    def _set_health(self, status: int) -> None:
        self.health.set("", status)
        self.health.set(p.SERVICE_NAME, status)

    def _start_location(self, pending: Location | None = None) -> Location:
        with self._lock:
            if pending is not None:
                self._live.add(pending)
            if self.stop_requested.is_set():
                raise _Abort(grpc.StatusCode.UNAVAILABLE, "The code server is shutting down.")
            handle = pending or LocationProcess.spawn(self.origin)
            self._live.add(handle)
        handle.wait_until_loaded(self.startup_timeout)
        with self._lock:
            self._live.add(handle)
            stopping = self.stop_requested.is_set()
        if stopping:
            self._retire(handle)
        return handle

    def initial_load(self, pending: Location | None = None) -> None:
        """Load the location the first time; the server serves its error if it fails."""
        with self._reload_lock:  # a Reload arriving meanwhile waits for this load
            try:
                handle = self._start_location(pending)
            except _Abort:
                return
            with self._lock:
                self._current = handle
            self._set_health(health.SERVING)

    def _retire(self, handle: Location) -> None:
        with self._lock:
            self._live.discard(handle)
        handle.stop()

    def stop_all_locations(self) -> None:
        """Stop every location process (run workers keep running)."""
        with self._lock:
            live = list(self._live)
            self._live.clear()
        for handle in live:
            handle.stop(wait=False)

    def request_stop(self, reason: str) -> None:
        """Ask the main thread to shut the server down."""
        if not self.stop_requested.is_set():
            self.stop_reason = reason
            self.stop_requested.set()

    def watch_heartbeats(self, timeout: float) -> None:
        """Stop the server when no heartbeat arrived for ``timeout`` seconds."""
        while not self.stop_requested.wait(min(timeout / 4, 1.0)):
            silent = time.monotonic() - self._last_heartbeat
            if silent > timeout:
                self.host_gone = True
                self.request_stop(f"no heartbeat for {silent:.1f} s (--heartbeat-timeout "
                                  f"{timeout:g})")
                # Kill the location processes at once, even while one is still loading.
                self.stop_all_locations()
                return

    # -- handlers -------------------------------------------------------------------------

    def _loaded(self) -> Location:
        current = self._current
        if current is None:
            raise _Abort(grpc.StatusCode.UNAVAILABLE,
                         f"Location '{self.origin.location_name}' is still loading.")
        return current

    def server_info(self, payload: bytes) -> bytes:
        p.decode(payload, p.Empty)
        current = self._loaded()
        return p.encode(p.ServerInfo(
            headwater_version=__version__,
            python_version=platform.python_version(),
            location_name=self.origin.location_name,
            server_id=current.server_id,
            load_time=current.load_time,
            load_seconds=current.load_seconds,
            load_error=current.load_error,
            pid=os.getpid(),
            location_pid=current.running_pid,
            reload_error=self._reload_error,
        ))

    def snapshot_chunks(self, payload: bytes) -> Iterator[bytes]:
        p.decode(payload, p.Empty)
        current = self._loaded()
        if current.snapshot is None:
            message = current.load_error.message if current.load_error else "no snapshot"
            raise _Abort(grpc.StatusCode.FAILED_PRECONDITION,
                         f"Location '{self.origin.location_name}' failed to load: {message}")
        data = current.snapshot
        for start in range(0, len(data), p.SNAPSHOT_CHUNK_BYTES):
            yield data[start:start + p.SNAPSHOT_CHUNK_BYTES]

    def forward(self, method: str) -> Callable[[bytes], bytes]:
        def handler(payload: bytes) -> bytes:
            current = self._loaded()
            if current.load_error is not None:
                raise _Abort(grpc.StatusCode.FAILED_PRECONDITION,
                             f"Location '{self.origin.location_name}' failed to load, so it "
                             f"cannot answer {method}: {current.load_error.message}")
            reply = current.call(method, payload)
            if current.broken:
                threading.Thread(target=self._replace_dead, args=(current,), daemon=True,
                                 name="headwater-replace-location").start()
            return _unwrap(reply)
        return handler

    def _replace_dead(self, dead: Location) -> None:
        """Start a new location process in place of one that died (a new server id)."""
        with self._reload_lock:
            if self._current is not dead:
                return
            try:
                new = self._start_location()
            except _Abort:
                return
            with self._lock:
                self._current = new
        self._retire(dead)

    def reload(self, payload: bytes) -> bytes:
        p.decode(payload, p.Empty)
        with self._reload_lock:
            new = self._start_location()
            with self._lock:
                old = self._current
                keep_old = (new.load_error is not None and old is not None
                            and old.load_error is None and not old.broken)
                if not keep_old:
                    self._current = new
            if keep_old:
                assert old is not None
                self._reload_error = new.load_error
                self._retire(new)
                return p.encode(p.ReloadResult(old.server_id, new.load_error))
            self._reload_error = None
            self._set_health(health.SERVING)
            if old is not None:
                threading.Thread(target=self._retire, args=(old,), daemon=True).start()
            return p.encode(p.ReloadResult(new.server_id, new.load_error))

    def heartbeat(self, payload: bytes) -> bytes:
        p.decode(payload, p.Empty)
        self._last_heartbeat = time.monotonic()
        return p.encode(p.Empty())

    def shutdown(self, payload: bytes) -> bytes:
        p.decode(payload, p.Empty)
        self.request_stop("a Shutdown request")
        return p.encode(p.Empty())

    def generic_handler(self) -> Any:
        unary: dict[str, Callable[[bytes], bytes]] = {
            p.SERVER_INFO: self.server_info,
            p.RELOAD: self.reload,
            p.HEARTBEAT: self.heartbeat,
            p.SHUTDOWN: self.shutdown,
        }
        for method in (p.LAUNCH_RUN, p.CANCEL_RUN, p.EVALUATE_SCHEDULE, p.EVALUATE_SENSOR,
                       p.LIST_RUNS):
            unary[method] = self.forward(method)
        handlers = {name: grpc.unary_unary_rpc_method_handler(_guard(fn))
                    for name, fn in unary.items()}
        handlers[p.GET_SNAPSHOT] = grpc.unary_stream_rpc_method_handler(
            _guard_stream(self.snapshot_chunks))
        return grpc.method_handlers_generic_handler(p.SERVICE_NAME, handlers)


def _unwrap(reply: Reply) -> bytes:
    if reply.error is not None or reply.payload is None:
        message = reply.error.to_string().rstrip() if reply.error else "empty reply"
        raise _Abort(_STATUS.get(reply.kind, grpc.StatusCode.FAILED_PRECONDITION), message)
    return reply.payload


def _guard(fn: Callable[[bytes], bytes]) -> Callable[[bytes, Any], bytes]:
    def handler(request: bytes, context: Any) -> bytes:
        try:
            return fn(request)
        except _Abort as exc:
            context.abort(exc.code, exc.message)
        except p.ProtocolError as exc:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
        raise AssertionError("unreachable")  # context.abort always raises
    return handler


def _guard_stream(fn: Callable[[bytes], Iterator[bytes]]) -> Callable[[bytes, Any],
                                                                      Iterator[bytes]]:
    def handler(request: bytes, context: Any) -> Iterator[bytes]:
        try:
            yield from fn(request)
        except _Abort as exc:
            context.abort(exc.code, exc.message)
        except p.ProtocolError as exc:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(exc))
    return handler


def _bind(server: Any, host: str, port: int, socket_path: str | None,
          tls: ServerTls | None = None) -> tuple[str, str | None]:
    """Listen on the socket or host:port (with TLS if given); the address, or why not."""
    if socket_path is not None:
        address = f"unix:{socket_path}"
        if os.path.exists(socket_path):
            if _socket_in_use(socket_path):
                return address, (f"Cannot listen on {address}: another server is listening "
                                 "there. Stop it or choose another --socket.")
            os.unlink(socket_path)
        where = address
    else:
        where = f"{host}:{port}"
    try:
        if tls is None:
            bound = server.add_insecure_port(where)
        else:
            bound = server.add_secure_port(where, grpc.ssl_server_credentials(
                [(tls.private_key, tls.certificate_chain)]))
    except RuntimeError:
        bound = 0
    if bound == 0:
        return where, (f"Cannot listen on {where}: the address is in use or not available "
                       "here. Choose another --port (0 picks a free one) or --host.")
    return (where if socket_path is not None else f"{host}:{bound}"), None


def _stdout_to_stderr(out: IO[str]) -> None:
    """Send what the user's code prints to stderr: the host stops reading ``out``."""
    if out is not sys.stdout:
        return
    try:
        sys.stdout.flush()
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptors (embedded): leave it
        pass


def _socket_in_use(path: str) -> bool:
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(path)
    except OSError:
        return False
    finally:
        probe.close()
    return True


def serve(origin: LocationOrigin, *, host: str = "127.0.0.1", port: int = 0,
          socket_path: str | None = None, startup_timeout: float = 180.0,
          heartbeat_timeout: float | None = None, out: IO[str] | None = None,
          pending: Location | None = None, tls: ServerTls | None = None,
          token: str | None = None) -> int:
    """Run a code server for ``origin`` until shut down; the process exit code.

    Prints ``HEADWATER_CODE_SERVER_LISTENING <address>`` on ``out`` as soon as it listens.
    ``pending`` is a location process already spawned for ``origin`` (so that it loads
    while this process imports gRPC), or an :class:`InProcessLocation`, which this thread
    loads once listening (its output then goes to stderr: the host closes ``out``); this
    function then never returns but ends the process once stopped. With ``tls`` it serves
    over TLS only; with ``token`` its calls need that token (see
    :mod:`headwater.codeserver.security`).
    """
    out = out or sys.stdout
    service = CodeServer(origin, startup_timeout=startup_timeout,
                         heartbeat_timeout=heartbeat_timeout)
    # No SO_REUSEPORT: a second server on a port in use must fail, not share its traffic.
    interceptors = [] if token is None else [token_interceptor(token, p.SERVICE_NAME)]
    server = grpc.server(ThreadPoolExecutor(max_workers=16, thread_name_prefix="headwater-rpc"),
                         options=[("grpc.so_reuseport", 0)], interceptors=interceptors)
    server.add_generic_rpc_handlers((service.generic_handler(),
                                     service.health.generic_handler()))
    address, problem = _bind(server, host, port, socket_path, tls)
    if problem is not None:
        print(problem, file=sys.stderr, flush=True)
        if pending is not None:
            pending.kill()
        return 2
    server.start()
    print(f"{p.LISTENING_MARKER} {address}", file=out, flush=True)
    # Callers switch the collector off while starting (imports make many objects in no
    # cycle); what exists now lives as long as the server, so keep it out of collections.
    gc.freeze()
    if isinstance(pending, InProcessLocation):
        _stdout_to_stderr(out)  # the collector goes back on once the location has loaded
    else:
        gc.enable()

    def on_signal(signum: int, _frame: Any) -> None:
        service.request_stop(f"signal {signal.Signals(signum).name}")

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)
    threading.Thread(target=service.initial_load, args=(pending,), daemon=True,
                     name="headwater-initial-load").start()
    if heartbeat_timeout is not None:
        threading.Thread(target=service.watch_heartbeats, args=(heartbeat_timeout,),
                         daemon=True, name="headwater-heartbeats").start()
    if isinstance(pending, InProcessLocation):
        # The user's code loads in this (main) thread and may never return: another thread
        # stops the server, and ends the process without waiting for the user's threads.
        threading.Thread(target=lambda: exit_in_process_server(
            _wait_and_stop(service, server, origin, socket_path)), name="headwater-stop",
            daemon=True).start()
        pending.load()
        threading.Event().wait()  # signal handlers still run here
    return _wait_and_stop(service, server, origin, socket_path)


def _wait_and_stop(service: CodeServer, server: Any, origin: LocationOrigin,
                   socket_path: str | None) -> int:
    """Wait until the server is asked to stop, then stop it gracefully; the exit code."""
    while not service.stop_requested.wait(1.0):
        pass
    print(f"Code server for location '{origin.location_name}' stopping: "
          f"{service.stop_reason}.", file=sys.stderr, flush=True)
    service.health.enter_graceful_shutdown()
    grace = 0.0 if service.host_gone else SHUTDOWN_GRACE
    server.stop(grace).wait()
    service.stop_all_locations()
    if socket_path is not None and os.path.exists(socket_path):
        os.unlink(socket_path)
    return 0
