"""The daemon: schedules, sensors, the run queue, run monitoring and backfills.

It never imports user code: it evaluates schedules and sensors, and launches runs, through
the code servers of a :class:`~headwater.workspace.Workspace`. Run it with
``headwater daemon run`` (``headwater dev`` runs it too).
"""

from headwater.daemon.daemon import Daemon
from headwater.daemon.status import (
    DaemonAlreadyRunningError,
    DaemonStatus,
    LoopStatus,
    get_daemon_status,
)
from headwater.storage.daemon_config import DaemonSettings

__all__ = [
    "Daemon",
    "DaemonAlreadyRunningError",
    "DaemonSettings",
    "DaemonStatus",
    "LoopStatus",
    "get_daemon_status",
]
