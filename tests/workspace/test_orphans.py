"""No code server outlives a host killed with ``kill -9`` (heartbeats stop, servers exit)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from .conftest import USER_CODE, pid_alive, wait_for

HOST = textwrap.dedent("""\
    import json, sys, threading
    from headwater.core.origins import PythonFileOrigin
    from headwater.storage.config import CodeServerSettings
    from headwater.workspace import Workspace

    good = sys.argv[1]
    workspace = Workspace(
        [PythonFileOrigin("a", good), PythonFileOrigin("b", good)],
        settings=CodeServerSettings(heartbeat_interval=0.2, heartbeat_timeout=2.0),
    )
    workspace.start()
    entries = workspace.wait_until_settled(60)
    print(json.dumps({e.name: [e.status.value, [e.pid, e.location_pid]] for e in entries}),
          flush=True)
    threading.Event().wait()
    """)


def test_code_servers_exit_after_their_host_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "host.py"
    script.write_text(HOST)
    host = subprocess.Popen([sys.executable, str(script), str(USER_CODE / "good_location.py")],
                            stdout=subprocess.PIPE, start_new_session=True)
    try:
        assert host.stdout is not None
        line = host.stdout.readline()
        entries = json.loads(line)
        assert {name: status for name, (status, _) in entries.items()} == {
            "a": "loaded", "b": "loaded"}
        pids = [pid for _, both in entries.values() for pid in both if pid is not None]
        assert len(pids) >= 2 and all(pid_alive(pid) for pid in pids)
        os.kill(host.pid, signal.SIGKILL)
        host.wait(timeout=10)
        wait_for(lambda: not any(pid_alive(pid) for pid in pids),
                 "the code servers to notice the missing heartbeats and exit", timeout=20)
    finally:
        if host.poll() is None:
            host.kill()
            host.wait(timeout=10)
        if host.stdout is not None:
            host.stdout.close()
