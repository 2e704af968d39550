"""Code servers started as real processes for the tests, always stopped afterwards."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from headwater.codeserver.client import CodeServerClient, start_code_server_process
from headwater.core.origins import PythonFileOrigin
from headwater.execution.launch import pid_alive
from polling import wait_for  # noqa: F401 - re-exported to the tests here

USER_CODE = Path(__file__).resolve().parent / "user_code"


def origin_of(path: Path, name: str | None = None) -> PythonFileOrigin:
    """The origin of a location file, run from its folder."""
    return PythonFileOrigin(name or path.stem, str(path), working_directory=str(path.parent))




def wait_gone(pid: int, timeout: float = 20.0) -> None:
    """Wait until process ``pid`` no longer exists."""
    wait_for(lambda: not pid_alive(pid), f"process {pid} to exit", timeout)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An instance folder; the code servers find it through HEADWATER_HOME."""
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


@pytest.fixture
def small_copy(tmp_path: Path) -> Path:
    """A copy of ``user_code/small.py`` that a test may edit."""
    folder = tmp_path / "code"
    folder.mkdir()
    return Path(shutil.copy(USER_CODE / "small.py", folder / "small.py"))


ServerFactory = Callable[..., tuple[subprocess.Popen[bytes], CodeServerClient]]


@pytest.fixture
def start_server(home: Path) -> Iterator[ServerFactory]:
    """Start code servers (``start_server(origin, **kwargs)``); all are stopped at the end."""
    started: list[tuple[subprocess.Popen[bytes], CodeServerClient]] = []

    def start(origin: PythonFileOrigin, **kwargs: Any
              ) -> tuple[subprocess.Popen[bytes], CodeServerClient]:
        env = {"HEADWATER_HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"}
        process, address = start_code_server_process(origin, env=env, **kwargs)
        client = CodeServerClient(address, timeout=30)
        started.append((process, client))
        return process, client

    yield start
    for process, client in started:
        client.close()
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
