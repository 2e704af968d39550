"""``headwater dev`` and ``headwater webserver`` as real processes: serve, stop, leave nothing."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from polling import wait_for
from process_tree import descendants

from .conftest import API

URL = re.compile(r"serving (http://\S+)")


class Headwater:
    """A ``headwater`` command running in the background, its stderr collected."""

    def __init__(self, tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> None:
        env = {**os.environ, "HEADWATER_HOME": str(tmp_path / "home"), **(env or {})}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "headwater.cli.main", *args, "-f", API.python_file,
             "--port", "0"],
            cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    @property
    def log(self) -> str:
        return "".join(self.lines)

    def url(self) -> str:
        def found() -> str | None:
            match = URL.search(self.log)
            if match is None and self.process.poll() is not None:
                raise AssertionError(f"headwater exited early:\n{self.log}")
            return match.group(1) if match else None

        return wait_for(found, "the URL to be printed", 60)

    def get(self, path: str) -> Any:
        return httpx.get(self.url() + path, timeout=30).json()

    def stop(self, signum: signal.Signals) -> int:
        self.process.send_signal(signum)
        code = self.process.wait(timeout=60)
        self.close()
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=10)
        assert self.process.stderr is not None
        self.process.stderr.close()


@pytest.fixture
def started() -> Iterator[list[Headwater]]:
    commands: list[Headwater] = []
    yield commands
    for command in commands:
        command.close()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def follow_events(url: str, streaming: threading.Event) -> None:
    """Read /api/events until the server ends the stream."""
    try:
        with httpx.stream("GET", url + "/api/events", timeout=60) as response:
            for _ in response.iter_lines():
                streaming.set()
    except httpx.HTTPError:
        pass  # the server closed the connection


def loaded_location(command: Headwater) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        items = command.get("/api/locations")["locations"]
        return items[0] if items and items[0]["status"] == "loaded" else None

    return wait_for(check, "the location to load", 60)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_dev_serves_and_stops_every_child(tmp_path: Path, started: list[Headwater],
                                          signum: signal.Signals) -> None:
    command = Headwater(tmp_path, "dev")
    started.append(command)
    location = loaded_location(command)
    assert location["name"] == "api_location" and location["counts"]["assets"] == 3
    assert str(tmp_path / "home") in command.log
    assert (tmp_path / "home").is_dir()
    server_pids = {location["server"]["pid"], location["server"]["location_pid"]}
    children = descendants(command.process.pid)
    assert server_pids <= children
    wait_for(lambda: command.get("/api/health")["daemon"]["alive"], "the daemon to beat", 30)
    if signum is signal.SIGTERM:
        # The daemon's run queue launches what the API queues.
        response = httpx.post(command.url() + "/api/runs", timeout=30,
                              json={"location": "api_location", "job": "orders_job"})
        run_id = response.json()["run_id"]
        wait_for(lambda: command.get(f"/api/runs/{run_id}")["run"]["status"] == "SUCCESS",
                 "the queued run to succeed", 60)
        wait_for(lambda: re.search(rf"Run {run_id[:8]} \(orders_job .*\) SUCCESS", command.log),
                 "the run's success to be logged", 30)
    # An open event stream does not hold the shutdown up.
    streaming = threading.Event()
    follower = threading.Thread(target=follow_events, args=(command.url(), streaming))
    follower.start()
    assert streaming.wait(30)
    assert command.stop(signum) == 0, command.log
    follower.join(30)
    assert not follower.is_alive()
    assert "Stopped." in command.log
    left = [pid for pid in children if alive(pid)]
    # Run workers may outlive dev on purpose; code servers must not.
    assert not server_pids & set(left), command.log


@pytest.mark.slow
def test_webserver_read_only_refuses_changes(tmp_path: Path, started: list[Headwater]) -> None:
    command = Headwater(tmp_path, "webserver", "--read-only")
    started.append(command)
    loaded_location(command)
    assert command.get("/api/health")["read_only"] is True
    response = httpx.post(command.url() + "/api/reload", timeout=30)
    assert response.status_code == 403 and "read-only" in response.json()["error"]
    page = httpx.get(command.url() + "/", timeout=30)
    assert page.status_code == 200
    assert command.stop(signal.SIGTERM) == 0, command.log


def test_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "headwater.cli.main", "webserver", "-f", API.python_file,
             "--port", str(port)], cwd=tmp_path, capture_output=True, text=True, timeout=60,
            env={**os.environ, "HEADWATER_HOME": str(tmp_path / "home")})
    assert result.returncode == 1
    assert f"Cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "--port" in result.stderr


@pytest.mark.slow
def test_an_instance_that_cannot_be_opened_stops_dev_with_the_error(
        tmp_path: Path, started: list[Headwater]) -> None:
    # The storage opens once the server answers; failing to open it still ends the command
    # with the storage's message and stops the code servers.
    home = tmp_path / "home"
    home.mkdir()
    sqlite3.connect(home / "headwater.db").executescript(
        "CREATE TABLE customers (id INTEGER); INSERT INTO customers VALUES (1);")
    command = Headwater(tmp_path, "dev")
    started.append(command)
    code = command.process.wait(timeout=60)
    command.close()
    assert code == 1, command.log
    assert "holds tables that are not a headwater schema (customers)" in command.log
    assert "Stopped." in command.log
    rows = sqlite3.connect(home / "headwater.db").execute("SELECT id FROM customers").fetchall()
    assert rows == [(1,)]
