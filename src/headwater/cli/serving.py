"""What the long-running commands (``webserver``, ``dev``, ``daemon run``) share.

Log lines on stderr, the instance folder, the code servers of the target's locations, and
SIGINT/SIGTERM turned into a stop request. Heavy modules are imported only when used, so
the commands' ``--help`` stays fast.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

logger = logging.getLogger("headwater")

#: Environment variable naming the instance folder.
HOME_VARIABLE = "HEADWATER_HOME"


def configure_logging(verbose: bool) -> None:
    """Readable log lines on stderr: time, level, component, message."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s",
                                           datefmt="%H:%M:%S"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in ("uvicorn.access", "watchfiles", "sqlalchemy", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def instance_root() -> Path:
    """``$HEADWATER_HOME``, else ``./.headwater`` (created), as an absolute path."""
    home = os.environ.get(HOME_VARIABLE)
    root = Path(home).expanduser() if home else Path.cwd() / ".headwater"
    root.mkdir(parents=True, exist_ok=True)
    return root.resolve()


def log_location_change(entry: Any) -> None:
    """One log line per location status change."""
    name, status = entry.name, entry.status.value
    if status == "loaded":
        count = sum(len(repo.assets) for repo in entry.snapshot.repositories)
        took = f" in {entry.load_seconds:.2f} s" if entry.load_seconds is not None else ""
        logger.info("Location '%s' loaded%s: %d assets (%s)", name, took, count,
                    entry.origin.describe())
    elif status == "error":
        message = entry.error.message if entry.error is not None else "unknown error"
        logger.error("Location '%s' failed: %s", name, message)
    else:
        logger.info("Location '%s' is loading (%s)", name, entry.origin.describe())


def start_workspace(origins: list[Any], root: Path, config: Any,
                    on_change: Callable[[Any], None] = log_location_change) -> Any:
    """Start a code server per location; they (and their runs) use the instance at ``root``."""
    from headwater.workspace import Workspace

    workspace = Workspace(origins, settings=config.code_servers,
                          env={**os.environ, HOME_VARIABLE: str(root)}, on_change=on_change)
    workspace.start()
    return workspace


class StopOnSignal:
    """Turns SIGINT/SIGTERM into a stop request (and stops ``server``, when one is set)."""

    def __init__(self) -> None:
        self.requested = threading.Event()
        #: Anything with a ``stop()`` to call on the signal, e.g. the web server.
        self.server: Any = None

    def install(self) -> None:
        """Handle SIGINT and SIGTERM in this process from now on."""
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self.handle)

    def handle(self, signum: int, frame: FrameType | None) -> None:
        """Request the stop (logged once)."""
        if not self.requested.is_set():
            logger.info("Received %s; stopping.", signal.Signals(signum).name)
        self.request()

    def request(self) -> None:
        """Stop: set :attr:`requested` and stop the server, if one is set."""
        self.requested.set()
        if self.server is not None:
            self.server.stop()
