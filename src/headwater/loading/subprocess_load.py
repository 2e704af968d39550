"""Loading locations in fresh subprocesses, each in its own environment, with a timeout.

Each child runs in its own process group (POSIX), so that a timeout, an interrupt, or the
end of the load also stops any process the user's module started while being imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import msgspec

from headwater.core.environments import environment_for, python_for
from headwater.core.origins import GrpcServerOrigin, LocationOrigin
from headwater.loading.child import LoadReport
from headwater.processes import describe_exit, kill_process_group
from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.location import LocationSnapshot

DEFAULT_LOAD_TIMEOUT = 180.0
_OUTPUT_TAIL = 4000
_POSIX = os.name == "posix"


@dataclass(frozen=True)
class LocationLoadResult:
    """The outcome of loading one location: a snapshot, or an error to show the user."""

    origin: LocationOrigin
    snapshot: LocationSnapshot | None
    error: ErrorInfo | None
    seconds: float

    @property
    def ok(self) -> bool:
        """Whether the location loaded."""
        return self.error is None


class _Children:
    """The child processes still running, so an interrupt can stop them all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: set[subprocess.Popen[bytes]] = set()
        self._closed = False

    def start(self, command: list[str], cwd: str | None, env: dict[str, str],
              output: IO[bytes]) -> subprocess.Popen[bytes] | None:
        """Start a child unless :meth:`stop_all` was called; ``None`` then."""
        with self._lock:
            if self._closed:
                return None
            process = subprocess.Popen(
                command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=output,
                stderr=subprocess.STDOUT, start_new_session=_POSIX,
            )
            self._live.add(process)
            return process

    def finished(self, process: subprocess.Popen[bytes]) -> None:
        """Stop whatever ``process`` left behind and forget it."""
        kill_process_group(process)
        with self._lock:
            self._live.discard(process)

    def stop_all(self) -> None:
        """Kill every running child (and its group); start no more."""
        with self._lock:
            self._closed = True
            live = list(self._live)
        for process in live:
            kill_process_group(process)


def load_in_subprocess(
    origin: LocationOrigin, timeout: float = DEFAULT_LOAD_TIMEOUT,
    children: _Children | None = None,
) -> LocationLoadResult:
    """Load ``origin`` in a fresh interpreter; every failure comes back as an error."""
    if isinstance(origin, GrpcServerOrigin):
        return _error(origin, "LoadError",
                      f"{origin.describe()} is a gRPC server location; it is loaded by "
                      "connecting to it, not by importing it.", 0.0)
    executable = python_for(origin)
    problem = _environment_problem(origin, executable)
    if problem is not None:
        return _error(origin, "LoadError", problem, 0.0)
    children = children or _Children()
    label = f"location '{origin.location_name}' ({origin.describe()})"
    with tempfile.TemporaryDirectory(prefix="headwater-load-") as folder:
        report_path = Path(folder) / "report.json"
        output_path = Path(folder) / "output.log"
        command = [executable, "-m", "headwater.loading.child",
                   "--origin", json.dumps(origin.to_dict()), "--output", str(report_path)]
        started = time.perf_counter()
        try:
            with open(output_path, "wb") as output:
                process = children.start(command, getattr(origin, "working_directory", None),
                                         environment_for(executable), output)
        except OSError as exc:
            return _error(origin, "LoadError", f"Cannot start {executable} for {label}: {exc}",
                          time.perf_counter() - started)
        if process is None:
            return _error(origin, "LoadError", f"Loading {label} was cancelled.", 0.0)
        try:
            returncode: int | None = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            returncode = None
        finally:
            children.finished(process)
            process.wait()
        seconds = time.perf_counter() - started
        tail = _tail(output_path)
        if returncode is None:
            return _error(origin, "TimeoutError",
                          f"Loading {label} did not finish within {timeout:g} s, so its process "
                          f"(pid {process.pid}) was stopped. Does its module block at import "
                          "(a network call, an infinite loop, input())? Raise the limit with "
                          "--timeout." + _output_note(tail), seconds)
        if report_path.is_file() and report_path.stat().st_size:
            try:
                report = _decode_report(report_path.read_bytes())
            except msgspec.DecodeError as exc:
                return _error(origin, "LoadError",
                              f"The report of {label} cannot be read ({exc}). Is the headwater "
                              f"installed for {executable} a different version from this "
                              "one?", seconds)
            return LocationLoadResult(origin, report.snapshot, report.error, seconds)
        return _error(origin, "LoadError",
                      f"The process loading {label} {describe_exit(returncode)} before "
                      "reporting (os._exit or a crash during import?)."
                      + _missing_headwater_hint(tail, executable) + _output_note(tail), seconds)


def load_all_in_subprocesses(
    origins: list[LocationOrigin], timeout: float = DEFAULT_LOAD_TIMEOUT
) -> list[LocationLoadResult]:
    """Load every origin, in parallel, each in its own fresh interpreter."""
    if not origins:
        return []
    children = _Children()
    workers = min(len(origins), max(2, os.cpu_count() or 2))
    pool = ThreadPoolExecutor(max_workers=workers)
    try:
        return list(pool.map(lambda o: load_in_subprocess(o, timeout, children), origins))
    except BaseException:
        children.stop_all()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


_decoder_lock = threading.Lock()
_decoders: list[msgspec.json.Decoder[LoadReport]] = []


def _decode_report(data: bytes) -> LoadReport:
    """Decode a child's report; the decoder is built once, under a lock.

    msgspec builds a struct type's decoding information on first use, and doing that in
    several threads at once (for the recursive ``ErrorInfo``) can crash the interpreter.
    """
    with _decoder_lock:
        if not _decoders:
            _decoders.append(msgspec.json.Decoder(LoadReport))
        decoder = _decoders[0]
    return decoder.decode(data)


def _environment_problem(origin: LocationOrigin, executable: str) -> str | None:
    label = f"Location '{origin.location_name}' ({origin.describe()})"
    working_directory = getattr(origin, "working_directory", None)
    if working_directory is not None and not os.path.isdir(working_directory):
        return (f"{label}: working_directory {working_directory} does not exist. Create it "
                "or correct the path.")
    if getattr(origin, "executable_path", None) is not None:
        if not os.path.isfile(executable):
            return (f"{label}: executable_path {executable} does not exist. Give the path of "
                    "the Python of the location's environment, e.g. .venv/bin/python.")
        if not os.access(executable, os.X_OK):
            return f"{label}: executable_path {executable} is not executable."
    return None


def _tail(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return data[-_OUTPUT_TAIL:].decode(errors="replace")


def _output_note(tail: str) -> str:
    return f"\nIts output ended with:\n{tail.rstrip()}" if tail.strip() else ""


def _missing_headwater_hint(tail: str, executable: str) -> str:
    if "No module named headwater" in tail or "No module named 'headwater'" in tail:
        return (f" headwater is not installed for {executable}: install it in that "
                f"environment ({executable} -m pip install headwater).")
    return ""


def _error(origin: LocationOrigin, class_name: str, message: str, seconds: float
           ) -> LocationLoadResult:
    return LocationLoadResult(origin, None, ErrorInfo(message=message, class_name=class_name),
                              seconds)
