"""Run a real ``headwater dev`` for the end-to-end browser tests."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

URL_LINE = re.compile(r"serving (http://\S+)")
START_TIMEOUT = 60.0


def _read_lines(stream: Any, lines: queue.Queue[str], log: list[str]) -> None:
    for line in stream:
        log.append(line)
        lines.put(line)


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def headwater_dev(project: Path, code_file: str, home: Path) -> Iterator[str]:
    """``headwater dev -f <code_file> --port 0`` in ``project``; yields the URL it serves.

    The process (and its code servers and run workers: a new session) is stopped at exit,
    and its log printed so a failing test shows what the server said.
    """
    env = {**os.environ, "HEADWATER_HOME": str(home), "PYTHONUNBUFFERED": "1"}
    command = [str(Path(sys.executable).parent / "headwater"), "dev", "-f", code_file,
               "--port", "0"]
    process = subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    lines: queue.Queue[str] = queue.Queue()
    log: list[str] = []
    reader = threading.Thread(target=_read_lines, args=(process.stderr, lines, log), daemon=True)
    reader.start()
    try:
        url = None
        while url is None:
            try:
                line = lines.get(timeout=START_TIMEOUT)
            except queue.Empty:
                pytest.fail(f"headwater dev printed nothing for {START_TIMEOUT:.0f} s:\n"
                            + "".join(log))
            match = URL_LINE.search(line)
            url = match.group(1).rstrip(".,") if match else None
            if process.poll() is not None:
                pytest.fail("headwater dev exited:\n" + "".join(log))
        yield url
    finally:
        _stop(process)
        reader.join(timeout=10)
        assert process.stderr is not None
        process.stderr.close()
        print("headwater dev log:\n" + "".join(log))
