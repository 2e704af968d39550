"""The daemon's heartbeat in storage, and whether a daemon is alive.

The daemon writes one key-value row (:data:`HEARTBEAT_KEY`) every few seconds: its id, pid,
host, the time, how long it may stay silent and still count as alive, and how each of its
loops last went. ``headwater daemon status`` and the webserver read it with
:func:`get_daemon_status`.
"""

from __future__ import annotations

import socket
import time
from typing import TYPE_CHECKING

import msgspec

from headwater.errors import HeadwaterError
from headwater.processes import pid_alive

if TYPE_CHECKING:
    from headwater.storage.instance import Instance

#: The key-value row holding the heartbeat.
HEARTBEAT_KEY = "headwater/daemon_heartbeat"


class LoopStatus(msgspec.Struct, frozen=True, omit_defaults=True, kw_only=True):
    """How one of the daemon's loops last went."""

    name: str
    last_iteration: float | None = None
    iterations: int = 0
    error: str | None = None
    error_time: float | None = None


class DaemonHeartbeat(msgspec.Struct, frozen=True, omit_defaults=True, kw_only=True):
    """What the daemon stores at each heartbeat."""

    daemon_id: str
    timestamp: float
    pid: int
    hostname: str
    tolerance: float
    started_at: float
    stopped: bool = False
    loops: list[LoopStatus] = []


class DaemonStatus(msgspec.Struct, frozen=True, omit_defaults=False, kw_only=True):
    """Whether a daemon is alive (its last heartbeat is recent and it did not stop)."""

    alive: bool
    last_heartbeat: float | None = None
    daemon_id: str | None = None
    pid: int | None = None
    hostname: str | None = None
    started_at: float | None = None
    stopped: bool = False
    loops: list[LoopStatus] = []


class DaemonAlreadyRunningError(HeadwaterError):
    """Another daemon is alive on the same instance (two would launch every run twice)."""


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(DaemonHeartbeat)


def write_heartbeat(instance: Instance, heartbeat: DaemonHeartbeat) -> None:
    """Store ``heartbeat`` (replacing the previous one)."""
    instance.storage.set_kv(HEARTBEAT_KEY, _encoder.encode(heartbeat).decode())


def read_heartbeat(instance: Instance) -> DaemonHeartbeat | None:
    """The stored heartbeat, or None (never written, or unreadable)."""
    raw = instance.storage.get_kv(HEARTBEAT_KEY)
    if raw is None:
        return None
    try:
        return _decoder.decode(raw)
    except msgspec.DecodeError:
        return None


def get_daemon_status(instance: Instance, *, now: float | None = None) -> DaemonStatus:
    """Whether a daemon is alive, from its last heartbeat in ``instance``'s storage.

    Args:
        instance: the instance the daemon writes to.
        now: the current time (epoch seconds; default: now).
    """
    beat = read_heartbeat(instance)
    if beat is None:
        return DaemonStatus(alive=False)
    current = time.time() if now is None else now
    alive = not beat.stopped and current - beat.timestamp <= beat.tolerance
    return DaemonStatus(alive=alive, last_heartbeat=beat.timestamp, daemon_id=beat.daemon_id,
                        pid=beat.pid, hostname=beat.hostname, started_at=beat.started_at,
                        stopped=beat.stopped, loops=list(beat.loops))


def check_no_other_daemon(instance: Instance, daemon_id: str, now: float) -> None:
    """Refuse to start a second daemon on ``instance``.

    A heartbeat counts as another live daemon when it is recent, was not written by a daemon
    that stopped, and — when it was written on this host — its process still exists (so a
    daemon restarted right after ``kill -9`` starts at once).

    Raises:
        DaemonAlreadyRunningError: another daemon is alive; the message says which.
    """
    beat = read_heartbeat(instance)
    if beat is None or beat.stopped or beat.daemon_id == daemon_id:
        return
    age = now - beat.timestamp
    if age > beat.tolerance:
        return
    if beat.hostname == socket.gethostname() and not pid_alive(beat.pid):
        return
    raise DaemonAlreadyRunningError(
        f"Another headwater daemon is running on this instance (pid {beat.pid} on "
        f"{beat.hostname}, last heartbeat {age:.0f} s ago). Two daemons would launch every "
        "schedule tick, sensor request and queued run twice. Stop the other `headwater dev` "
        "or `headwater daemon run`, or give this one its own HEADWATER_HOME; a daemon that "
        f"died on another host stops counting {beat.tolerance:.0f} s after its last heartbeat."
    )
