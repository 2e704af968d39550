"""Child processes: stopping a whole process group, saying in words how a process ended, and
whether a process still runs.

Shared by the code that starts or watches processes (location loaders, code servers, run
workers, step processes, the run monitor); it imports nothing of ours.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the location child imports this module; it starts without subprocess
    import subprocess

_POSIX = os.name == "posix"


def describe_exit(returncode: int | None) -> str:
    """``exited with code 3``, ``was killed by SIGSEGV (signal 11)`` or ``is running``."""
    if returncode is None:
        return "is running"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        return f"was killed by {name} (signal {-returncode})"
    return f"exited with code {returncode}"


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists and is not a zombie awaiting its reaper."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            state = stat.read().rsplit(")", 1)[-1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc (not Linux): os.kill said it exists
    return state not in ("Z", "X")


def kill_process_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL ``process`` and, on POSIX, everything left in its process group.

    The process must have been started in a group of its own (``start_new_session=True``).
    """
    if _POSIX:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    elif process.poll() is None:
        process.kill()


def flush_std_streams() -> None:
    """Flush stdout and stderr (``os._exit`` skips it), ignoring closed, broken or missing
    (``None``) streams."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Have the kernel SIGKILL this process when its parent dies (Linux), and exit now if
    the parent ``parent_pid`` is already gone.

    For child processes that must not outlive the process that started them (step processes
    of a run worker): a SIGKILL of the parent runs no cleanup code, so only the kernel can
    end them. Elsewhere than Linux this does nothing beyond the check.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:  # it died before the call above took effect
        os._exit(1)


def kill_group_of_dead_leader(pgid: int) -> bool:
    """SIGKILL what is left of the process group ``pgid`` whose leader (pid ``pgid``) has
    exited; True if a signal was sent.

    Nothing is sent while a process ``pgid`` is alive: a reused pid is not the old leader.
    """
    if not _POSIX or pid_alive(pgid):
        return False
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        return False
    return True
