"""Starting a location process, with nothing imported beyond the standard library's basics.

A code server starts its first location process before it imports gRPC and the rest of
headwater, so that the user's code loads while the front process is still starting; this
module is what it needs for that.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

_POSIX = os.name == "posix"

#: The module the child runs.
CHILD_MODULE = "headwater.codeserver.location_main"


def child_environment(executable: str) -> dict[str, str]:
    """This process's environment with the executable's ``bin/`` first on PATH (its venv)."""
    from headwater.core.environments import environment_for

    return environment_for(executable)


def start_child(origin_data: Mapping[str, Any], origin_json: str
                ) -> tuple[subprocess.Popen[bytes], socket.socket]:
    """Start the location process of the origin ``origin_data`` (``origin_json`` as text).

    The child runs the origin's Python in its working directory, in a session of its own,
    with the other end of the returned socket.

    Raises:
        OSError: the interpreter could not be started (the socket is closed then).
    """
    executable = origin_data.get("executable_path") or sys.executable
    front, back = socket.socketpair()
    command = [executable, "-m", CHILD_MODULE, "--origin", origin_json,
               "--fd", str(back.fileno())]
    try:
        process = subprocess.Popen(
            command, cwd=origin_data.get("working_directory") or None,
            env=child_environment(executable), stdin=subprocess.DEVNULL,
            stdout=sys.stderr.fileno(), pass_fds=(back.fileno(),),
            start_new_session=_POSIX,
        )
    except OSError:
        front.close()
        raise
    finally:
        back.close()
    return process, front
