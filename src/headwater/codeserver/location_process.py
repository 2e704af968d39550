"""The location process: the child interpreter that imports the user's code for a code server.

The gRPC front process never imports user code. It starts this module with the location's
Python (``python -m headwater.codeserver.location_main --origin JSON --fd N``), in the
location's working directory, with one end of a socket pair. Over it, both sides exchange
length-prefixed msgpack frames:

* first the child sends a :class:`LoadReport` (the encoded snapshot, or the load error);
* then the front sends :class:`Call` frames (a method name and the request's envelope
  bytes, exactly as received over gRPC) and the child answers each with a :class:`Reply`.

The child exits when the socket closes (so it never outlives its front process) and when its
parent process disappears. Requests are answered one at a time.
"""

from __future__ import annotations

import gc
import itertools
import json
import os
import socket
import sys
import threading
import time
from typing import TYPE_CHECKING

import msgspec

from headwater.codeserver.protocol import FRAME_HEADER_BYTES, frame, frame_length
from headwater.core.origins import LocationOrigin
from headwater.processes import flush_std_streams
from headwater.snapshot.errors import ErrorInfo

if TYPE_CHECKING:
    import subprocess
    from concurrent.futures import Future

# The location process imports this module too: what only the front (or only serving calls)
# needs is imported where it is used, to keep the child's start short.

#: Calls the location process answers at once (a slow sensor does not hold up a launch).
CALL_THREADS = 8

#: Seconds a retired location process gets to finish the call it is answering.
CALL_DRAIN_SECONDS = 60.0


class LoadReport(msgspec.Struct, frozen=True):
    """What the child sends once: the encoded snapshot, or why the location did not load."""

    load_seconds: float
    snapshot: bytes | None
    error: ErrorInfo | None


class Call(msgspec.Struct, frozen=True):
    """A request from the front: its id, the gRPC method name and its payload."""

    call_id: int
    method: str
    payload: bytes


class Reply(msgspec.Struct, frozen=True):
    """The answer: the result payload, or an error (``kind`` says which gRPC status fits)."""

    payload: bytes | None = None
    error: ErrorInfo | None = None
    kind: str = "failed_precondition"
    call_id: int = 0


_encoder = msgspec.msgpack.Encoder()
_report_decoder = msgspec.msgpack.Decoder(LoadReport)
_reply_decoder = msgspec.msgpack.Decoder(Reply)
_call_decoder = msgspec.msgpack.Decoder(Call)


class LocationExitedError(Exception):
    """The location process closed its end of the socket (it exited or crashed)."""


def send_frame(sock: socket.socket, payload: bytes) -> None:
    """Write one frame."""
    sock.sendall(frame(payload))


def recv_frame(sock: socket.socket) -> bytes:
    """Read one frame; :class:`LocationExitedError` when the other end closed."""
    length = frame_length(_recv_exact(sock, FRAME_HEADER_BYTES))
    return _recv_exact(sock, length)


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    buffer = bytearray(size)
    view = memoryview(buffer)
    received = 0
    while received < size:
        count = sock.recv_into(view[received:], size - received)
        if count == 0:
            raise LocationExitedError("the other end of the socket closed")
        received += count
    return bytes(buffer)


class LocationProcess:
    """The front's handle on one loaded (or failed) location process.

    Build it with :meth:`start`, which returns once the child has reported (or failed to
    within ``startup_timeout``). ``server_id`` is new for every process.
    """

    def __init__(self, origin: LocationOrigin, process: subprocess.Popen[bytes] | None,
                 sock: socket.socket | None, started: float | None = None) -> None:
        self.origin = origin
        import uuid

        self.server_id = str(uuid.uuid4())
        self.load_time = time.time()
        self.load_seconds = 0.0
        self.load_error: ErrorInfo | None = None
        self.snapshot: bytes | None = None
        self._process = process
        self._sock = sock
        self._calls = threading.Condition()
        self._send_lock = threading.Lock()
        self._pending: dict[int, Future[Reply]] = {}
        self._ids = itertools.count(1)
        self._started = time.perf_counter() if started is None else started
        #: Set when the child stopped answering (it exited or crashed) after it loaded.
        self.broken = False

    @property
    def pid(self) -> int | None:
        """The child's process id (``None`` when it could not be started)."""
        return self._process.pid if self._process is not None else None

    @property
    def running_pid(self) -> int | None:
        """The child's process id while it serves calls; ``None`` once stopped."""
        return self.pid if self._sock is not None else None

    @classmethod
    def start(cls, origin: LocationOrigin, startup_timeout: float) -> LocationProcess:
        """Start the child and wait until it has loaded the location or failed to."""
        handle = cls.spawn(origin)
        handle.wait_until_loaded(startup_timeout)
        return handle

    @classmethod
    def spawn(cls, origin: LocationOrigin) -> LocationProcess:
        """Start the child without waiting; call :meth:`wait_until_loaded` next."""
        from headwater.codeserver.child_spawn import start_child

        data = origin.to_dict()
        try:
            process, sock = start_child(data, json.dumps(data))
        except OSError as exc:
            return cls.failed_to_start(origin, exc)
        return cls(origin, process, sock)

    @classmethod
    def failed_to_start(cls, origin: LocationOrigin, exc: OSError) -> LocationProcess:
        """The handle of a child whose interpreter could not be started."""
        from headwater.core.environments import python_for

        handle = cls(origin, None, None)
        handle.load_error = ErrorInfo(
            message=f"Cannot start {python_for(origin)} for location "
                    f"'{origin.location_name}': {exc}", class_name="LoadError")
        return handle

    def wait_until_loaded(self, startup_timeout: float) -> None:
        """Wait for the child's load report (or the timeout); sets the load fields."""
        if self._sock is None or self._process is None:
            return
        self._wait_for_report(startup_timeout, self._started)

    def _wait_for_report(self, startup_timeout: float, started: float) -> None:
        import subprocess

        sock, process = self._sock, self._process
        assert sock is not None and process is not None
        label = f"Location '{self.origin.location_name}' ({self.origin.describe()})"
        try:
            sock.settimeout(startup_timeout)
            report = _report_decoder.decode(recv_frame(sock))
        except TimeoutError:
            self.stop(wait=False)
            self.load_error = ErrorInfo(
                message=f"{label} did not finish loading within {startup_timeout:g} s, so its "
                        f"process (pid {process.pid}) was stopped. Does its module block "
                        "at import? Raise the limit with --startup-timeout.",
                class_name="TimeoutError")
        except (LocationExitedError, OSError, msgspec.DecodeError) as exc:
            try:
                code: int | None = process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                code = None
            how = f"exited with code {code}" if code is not None else "stopped answering"
            self.load_error = ErrorInfo(
                message=f"The process loading {label} {how} before reporting ({exc}). Its "
                        "output is in the code server's log.",
                class_name="LoadError")
            self.stop(wait=False)
        else:
            self.load_error = report.error
            self.snapshot = report.snapshot
            if report.error is not None:
                self.stop(wait=False)
            else:
                try:
                    sock.settimeout(None)
                except OSError:  # stopped meanwhile
                    pass
                threading.Thread(target=self._read_replies, args=(sock,), daemon=True,
                                 name=f"headwater-location-{process.pid}").start()
        self.load_seconds = time.perf_counter() - started
        self.load_time = time.time()

    def call(self, method: str, payload: bytes) -> Reply:
        """Send one request and wait for its reply; several calls may be in flight."""
        from concurrent.futures import Future

        future: Future[Reply] = Future()
        with self._calls:
            sock = self._sock
            if sock is None:
                return Reply(error=ErrorInfo(
                    message=f"Location '{self.origin.location_name}' is not running; reload "
                            "it.", class_name="LoadError"), kind="unavailable")
            call_id = next(self._ids)
            self._pending[call_id] = future
        try:
            with self._send_lock:
                send_frame(sock, _encoder.encode(Call(call_id, method, payload)))
            return future.result()
        except (LocationExitedError, OSError) as exc:
            self.broken = True
            return Reply(error=ErrorInfo(
                message=f"The process of location '{self.origin.location_name}' (pid "
                        f"{self.pid}) exited while answering {method}: {exc}. Reload the "
                        "location.", class_name="LocationExitedError"), kind="unavailable")
        finally:
            with self._calls:
                self._pending.pop(call_id, None)
                self._calls.notify_all()

    def _read_replies(self, sock: socket.socket) -> None:
        """Hand each reply to its caller; on EOF fail every call still waiting."""
        try:
            while True:
                reply = _reply_decoder.decode(recv_frame(sock))
                with self._calls:
                    future = self._pending.get(reply.call_id)
                if future is not None:
                    future.set_result(reply)
        except (LocationExitedError, OSError, msgspec.DecodeError) as exc:
            with self._calls:
                if self._sock is not None:
                    self.broken = True
                waiting = list(self._pending.values())
            for future in waiting:
                if not future.done():
                    future.set_exception(LocationExitedError(str(exc)))

    def stop(self, wait: bool = True, grace: float = 2.0) -> None:
        """Close the socket (the child exits on it), then kill the child's process group.

        With ``wait``, the calls in flight finish first (up to :data:`CALL_DRAIN_SECONDS`)
        and the child gets ``grace`` seconds to exit by itself. Run workers the child
        started are in sessions of their own and keep running.
        """
        import subprocess

        with self._calls:
            if wait:
                self._calls.wait_for(lambda: not self._pending, timeout=CALL_DRAIN_SECONDS)
            sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        process = self._process
        if process is None:
            return
        if wait:
            try:
                process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def kill(self) -> None:
        """Kill the child and its process group at once."""
        import subprocess

        from headwater.processes import kill_process_group

        process = self._process
        if process is None:
            return
        kill_process_group(process)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


# -- the child ------------------------------------------------------------------------------


def _watch_parent(parent_pid: int) -> None:
    """Exit when the front process is gone (reparented), even while user code runs."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent_pid:
            os._exit(3)


def _parse_arguments(argv: list[str]) -> tuple[str, int]:
    """``--origin JSON --fd N`` (the only way the front starts this process)."""
    values = dict(zip(argv[::2], argv[1::2], strict=False))
    origin_json, fd = values.get("--origin"), values.get("--fd", "")
    if len(argv) != 4 or origin_json is None or not fd.isdigit():
        raise SystemExit("usage: python -m headwater.codeserver.location_main --origin JSON "
                         "--fd N (the code server starts this process itself)")
    return origin_json, int(fd)


def main(argv: list[str] | None = None) -> int:
    """Load the location, report, then answer calls until the socket closes."""
    origin_json, fd = _parse_arguments(sys.argv[1:] if argv is None else argv)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True,
                     name="headwater-parent-watch").start()
    sock = socket.socket(fileno=fd)
    # Importing builds many objects in no cycle; the collector would rescan them in vain.
    gc.disable()
    from headwater.codeserver.location_handlers import LoadedLocation

    location, report = LoadedLocation.load(origin_json)
    gc.freeze()  # what loaded lives as long as the process: keep it out of collections
    gc.enable()
    send_frame(sock, _encoder.encode(report))
    if location is None:
        return 1
    send_lock = threading.Lock()
    loaded = location

    def answer(call: Call) -> None:
        reply = loaded.handle(call.method, call.payload)
        data = _encoder.encode(msgspec.structs.replace(reply, call_id=call.call_id))
        try:
            with send_lock:
                send_frame(sock, data)
        except OSError:
            pass

    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=CALL_THREADS, thread_name_prefix="headwater-call")
    while True:
        try:
            call = _call_decoder.decode(recv_frame(sock))
        except (LocationExitedError, OSError):
            return 0
        pool.submit(answer, call)


def run() -> None:
    """Run :func:`main` and exit with its code, without waiting for leftover threads."""
    code = main()
    flush_std_streams()
    os._exit(code)


if __name__ == "__main__":
    run()
