"""Loading locations in fresh subprocesses, each in its own environment, with a timeout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import msgspec

from headwater.loading.child import LoadReport
from headwater.loading.origins import GrpcServerOrigin, LocationOrigin
from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.location import LocationSnapshot

DEFAULT_LOAD_TIMEOUT = 180.0
_STDERR_TAIL = 4000


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


def python_for(origin: LocationOrigin) -> str:
    """The interpreter that loads ``origin``: its ``executable_path`` or this one."""
    return getattr(origin, "executable_path", None) or sys.executable


def environment_for(executable: str) -> dict[str, str]:
    """The environment for a child: the executable's ``bin/`` first on PATH."""
    env = dict(os.environ)
    bin_dir = str(Path(executable).parent)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def load_in_subprocess(
    origin: LocationOrigin, timeout: float = DEFAULT_LOAD_TIMEOUT
) -> LocationLoadResult:
    """Load ``origin`` in a fresh interpreter; every failure comes back as an error."""
    if isinstance(origin, GrpcServerOrigin):
        return _error(origin, "LoadError",
                      f"{origin.describe()} is a gRPC server location; it is loaded by "
                      "connecting to it, not by importing it.", 0.0)
    executable = python_for(origin)
    with tempfile.TemporaryDirectory(prefix="headwater-load-") as folder:
        output = Path(folder) / "report.json"
        command = [executable, "-m", "headwater.loading.child",
                   "--origin", json.dumps(origin.to_dict()), "--output", str(output)]
        cwd = getattr(origin, "working_directory", None)
        started = _now()
        try:
            completed = subprocess.run(
                command, cwd=cwd, env=environment_for(executable), capture_output=True,
                timeout=timeout, stdin=subprocess.DEVNULL, check=False,
            )
        except subprocess.TimeoutExpired:
            return _error(origin, "TimeoutError",
                          f"Loading location '{origin.location_name}' ({origin.describe()}) did "
                          f"not finish within {timeout:g} s. Does its module block at import "
                          "(a network call, an infinite loop, input())? Raise the limit with "
                          "--timeout.", _now() - started)
        except OSError as exc:
            return _error(origin, "LoadError",
                          f"Cannot start {executable} for location '{origin.location_name}': "
                          f"{exc}", _now() - started)
        if output.is_file() and output.stat().st_size:
            report = msgspec.json.decode(output.read_bytes(), type=LoadReport)
            return LocationLoadResult(origin, report.snapshot, report.error, _now() - started)
        stderr = completed.stderr.decode(errors="replace")[-_STDERR_TAIL:]
        return _error(origin, "LoadError",
                      f"The process loading location '{origin.location_name}' "
                      f"({origin.describe()}) exited with code {completed.returncode} before "
                      "reporting (os._exit or a crash during import?)."
                      + (f"\nIts stderr ended with:\n{stderr}" if stderr.strip() else ""),
                      _now() - started)


def load_all_in_subprocesses(
    origins: list[LocationOrigin], timeout: float = DEFAULT_LOAD_TIMEOUT
) -> list[LocationLoadResult]:
    """Load every origin, in parallel, each in its own fresh interpreter."""
    if not origins:
        return []
    workers = min(len(origins), max(2, os.cpu_count() or 2))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda o: load_in_subprocess(o, timeout), origins))


def _error(origin: LocationOrigin, class_name: str, message: str, seconds: float
           ) -> LocationLoadResult:
    return LocationLoadResult(origin, None, ErrorInfo(message=message, class_name=class_name),
                              seconds)


def _now() -> float:
    import time

    return time.perf_counter()
