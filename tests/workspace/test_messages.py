"""Error texts that say which headwater.yaml setting to raise (no processes needed)."""

from __future__ import annotations

import subprocess
import sys

from headwater.codeserver.client import CodeServerUnavailableError
from headwater.processes import describe_exit
from headwater.storage.config import CodeServerSettings
from headwater.workspace.entry import LocationEntry, LocationStatus
from headwater.workspace.process_manager import rpc_error, startup_error

from .conftest import GOOD

SETTINGS = CodeServerSettings(startup_timeout=7, rpc_timeout=3)


def test_timeouts_name_the_setting_to_raise() -> None:
    slow = CodeServerUnavailableError("The code server at unix:/s did not answer ServerInfo "
                                      "within 3 s. Raise the RPC timeout (timeout=) if it is busy.")
    assert "code_servers.rpc_timeout" in rpc_error("a", "unix:/s", slow, SETTINGS)
    assert "code_servers.rpc_timeout" in startup_error("a", slow, SETTINGS).message
    never = CodeServerUnavailableError("The code server for location 'a' did not start "
                                       "listening within 7 s. Raise the startup timeout.")
    error = startup_error("a", never, SETTINGS)
    assert "not ready within 7 s" in error.message
    assert "code_servers.startup_timeout" in error.message
    down = CodeServerUnavailableError("The code server at unix:/s is unavailable: gone")
    assert "code_servers" not in rpc_error("a", "unix:/s", down, SETTINGS)
    assert "could not be started" in startup_error("a", OSError("no python"), SETTINGS).message


def test_exit_descriptions() -> None:
    assert describe_exit(None) == "is running"
    assert describe_exit(3) == "exited with code 3"
    assert describe_exit(-9) == "was killed by SIGKILL (signal 9)"
    code = "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"
    process = subprocess.run([sys.executable, "-c", code], check=False)
    assert describe_exit(process.returncode) == "was killed by SIGTERM (signal 15)"


def test_entries_are_immutable_records() -> None:
    entry = LocationEntry.initial(GOOD)
    assert entry.status is LocationStatus.LOADING and entry.managed and entry.name == "good"
    later = entry.evolve(status=LocationStatus.LOADED)
    assert entry.status is LocationStatus.LOADING and later.updated_at >= entry.updated_at
    assert LocationStatus("loaded") is LocationStatus.LOADED
    assert LocationStatus.ERROR.value == "error"
