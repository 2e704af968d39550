"""The daemon's heartbeat in storage, and whether a daemon is alive.

The daemon writes one key-value row (:data:`HEARTBEAT_KEY`) every few seconds: its id, pid,
host, the time, how long it may stay silent and still count as alive, and how each of its
loops last went. ``headwater daemon status`` and the webserver read it with
:func:`get_daemon_status`.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import msgspec

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
