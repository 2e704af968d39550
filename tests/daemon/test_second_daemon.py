"""A second ``headwater daemon run`` on an instance whose daemon is alive is refused before it
starts anything: no code server, no import of the location."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

from headwater.daemon.status import DaemonHeartbeat, write_heartbeat
from headwater.storage.instance import Instance

from .conftest import USER_CODE


def test_a_refused_second_daemon_starts_no_code_server(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    marker = tmp_path / "imports"
    instance = Instance(home, auto_migrate=True)
    try:
        now = time.time()
        # A live daemon on this host: this test process plays it.
        write_heartbeat(instance, DaemonHeartbeat(
            daemon_id=uuid.uuid4().hex, timestamp=now, pid=os.getpid(),
            hostname=socket.gethostname(), tolerance=60.0, started_at=now))
    finally:
        instance.dispose()
    result = subprocess.run(
        [sys.executable, "-m", "headwater.cli.main", "daemon", "run", "-f",
         str(USER_CODE / "marks_import.py")],
        env={**os.environ, "HEADWATER_HOME": str(home), "HW_IMPORT_MARKER": str(marker)},
        capture_output=True, text=True, timeout=120, check=False, stdin=subprocess.DEVNULL)
    assert result.returncode != 0
    assert "daemon" in result.stderr and str(os.getpid()) in result.stderr, result.stderr
    assert not marker.exists(), "the refused daemon imported the location"
    assert "code server" not in result.stderr.lower(), result.stderr
