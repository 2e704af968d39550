"""What crosses the code server's gRPC boundary: versioned msgspec structs as msgpack bytes.

Every gRPC method of the ``headwater.CodeServer`` service carries one bytes payload (the
request struct) and answers one (the result struct), so adding a field never needs new
service definitions. Every payload is an :class:`Envelope` holding the protocol version and
the struct's own msgpack bytes; a version this side does not know gives an error naming
both versions.
"""

from __future__ import annotations

import struct
from typing import Any, TypeVar

import msgspec

from headwater.errors import HeadwaterError
from headwater.snapshot.errors import ErrorInfo

#: The envelope format this headwater writes and the newest it reads.
PROTOCOL_VERSION = 1

SERVICE_NAME = "headwater.CodeServer"

# Method names (unary unless noted).
SERVER_INFO = "ServerInfo"
GET_SNAPSHOT = "GetSnapshot"  # unary-stream: the encoded snapshot in chunks
LAUNCH_RUN = "LaunchRun"
CANCEL_RUN = "CancelRun"
EVALUATE_SCHEDULE = "EvaluateSchedule"
EVALUATE_SENSOR = "EvaluateSensor"
LIST_RUNS = "ListRuns"
RELOAD = "Reload"
HEARTBEAT = "Heartbeat"
SHUTDOWN = "Shutdown"

#: Size of each streamed snapshot chunk.
SNAPSHOT_CHUNK_BYTES = 1024 * 1024

#: The first line a code server prints on stdout once it listens, followed by its address.
LISTENING_MARKER = "HEADWATER_CODE_SERVER_LISTENING"


class ProtocolError(HeadwaterError):
    """A code server payload is malformed or written by an incompatible headwater."""


class Empty(msgspec.Struct, frozen=True):
    """No arguments, or nothing to answer."""


class ServerInfo(msgspec.Struct, frozen=True):
    """Who answers: versions, the location, and the current load (``server_id`` is per load).

    ``pid`` is the gRPC server's process; ``location_pid`` the process importing the user's
    code (``None`` when it is not running, e.g. after a failed load). ``reload_error`` is the
    load error of the latest reload when it failed and the previous code is still served
    (``None`` once a reload succeeds).
    """

    headwater_version: str
    python_version: str
    location_name: str
    server_id: str
    load_time: float
    load_seconds: float
    load_error: ErrorInfo | None
    pid: int
    protocol_version: int = PROTOCOL_VERSION
    location_pid: int | None = None
    reload_error: ErrorInfo | None = None


class LaunchRunRequest(msgspec.Struct, frozen=True):
    """Start the worker of a QUEUED run stored in the server's instance."""

    run_id: str


class LaunchRunResult(msgspec.Struct, frozen=True):
    """The worker's process id."""

    pid: int


class CancelRunRequest(msgspec.Struct, frozen=True):
    """Ask a run to stop."""

    run_id: str


class CancelRunResult(msgspec.Struct, frozen=True):
    """Whether cancelling changed anything."""

    ok: bool


class ScheduleTickRequest(msgspec.Struct, frozen=True):
    """Evaluate one tick of a schedule at ``scheduled_execution_time`` (epoch seconds)."""

    repository_name: str | None
    schedule_name: str
    scheduled_execution_time: float


class SensorTickRequest(msgspec.Struct, frozen=True):
    """Evaluate one tick of a (standard) sensor."""

    repository_name: str | None
    sensor_name: str
    cursor: str | None = None
    last_tick_completion_time: float | None = None
    last_run_key: str | None = None


class RunRequestSnap(msgspec.Struct, frozen=True):
    """A run request as plain data; asset keys are lists of path parts."""

    run_key: str | None
    job_name: str | None
    run_config: dict[str, Any]
    tags: dict[str, str]
    asset_selection: list[list[str]] | None
    partition_key: str | None
    #: Checks to execute, each ``[*asset key, check name]`` (with no asset: the checks alone).
    asset_check_selection: list[list[str]] | None = None


class DynamicPartitionsRequestSnap(msgspec.Struct, frozen=True):
    """Keys a sensor adds to (``add``) or deletes from (``delete``) dynamic partitions."""

    action: str
    partitions_def_name: str
    partition_keys: list[str]


class TickResult(msgspec.Struct, frozen=True):
    """What a tick produced: run requests or why it skipped, the new cursor, or an error.

    ``dynamic_partitions_requests`` are applied by the daemon before the run requests.
    """

    run_requests: list[RunRequestSnap] = []
    skip_message: str | None = None
    cursor: str | None = None
    error: ErrorInfo | None = None
    dynamic_partitions_requests: list[DynamicPartitionsRequestSnap] = []


class RunWorkerInfo(msgspec.Struct, frozen=True):
    """A run worker this server started."""

    run_id: str
    pid: int
    alive: bool


class ListRunsResult(msgspec.Struct, frozen=True):
    """The run workers this server started (finished ones included, ``alive`` False)."""

    runs: list[RunWorkerInfo]


class ReloadResult(msgspec.Struct, frozen=True):
    """The server id now served, and the new code's load error when the reload failed."""

    server_id: str
    load_error: ErrorInfo | None


class Envelope(msgspec.Struct, frozen=True):
    """What each payload is: the protocol version and the struct's msgpack bytes."""

    protocol_version: int
    body: bytes


class _VersionOnly(msgspec.Struct):
    protocol_version: int


_encoder = msgspec.msgpack.Encoder()
_envelope_decoder = msgspec.msgpack.Decoder(_VersionOnly)
_full_envelope_decoder = msgspec.msgpack.Decoder(Envelope)

T = TypeVar("T")

#: Decoders built once, up front (msgspec's first-use setup is not thread safe).
_DECODERS: dict[type[Any], msgspec.msgpack.Decoder[Any]] = {
    cls: msgspec.msgpack.Decoder(cls)
    for cls in (Empty, ServerInfo, LaunchRunRequest, LaunchRunResult, CancelRunRequest,
                CancelRunResult, ScheduleTickRequest, SensorTickRequest, TickResult,
                ListRunsResult, ReloadResult, ErrorInfo)
}


def encode(value: msgspec.Struct) -> bytes:
    """``value`` wrapped in an envelope of this protocol version."""
    return _encoder.encode(Envelope(PROTOCOL_VERSION, _encoder.encode(value)))


def decode(data: bytes, cls: type[T]) -> T:
    """Read an envelope holding a ``cls``.

    Raises:
        ProtocolError: the bytes are not an envelope, come from a newer protocol version,
            or do not hold a ``cls``.
    """
    try:
        version = _envelope_decoder.decode(data).protocol_version
    except msgspec.DecodeError as exc:
        raise ProtocolError(
            f"Malformed code server payload ({len(data)} bytes): {exc}. Is the other side "
            "a headwater code server (or client)?"
        ) from None
    if version > PROTOCOL_VERSION:
        raise ProtocolError(
            f"The payload uses code server protocol version {version}, but this headwater "
            f"speaks up to version {PROTOCOL_VERSION}. Upgrade headwater on this side."
        )
    decoder = _DECODERS.get(cls)
    if decoder is None:
        raise ProtocolError(f"{cls.__name__} is not a code server message.")
    try:
        result: T = decoder.decode(_full_envelope_decoder.decode(data).body)
    except msgspec.DecodeError as exc:
        raise ProtocolError(f"Malformed {cls.__name__} payload: {exc}.") from None
    return result


# -- length-prefixed frames (front process <-> location process) --------------------------

_LENGTH = struct.Struct("!Q")


def frame(payload: bytes) -> bytes:
    """``payload`` preceded by its length (8 bytes, network order)."""
    return _LENGTH.pack(len(payload)) + payload


def frame_length(header: bytes) -> int:
    """The payload length a frame header announces."""
    (length,) = _LENGTH.unpack(header)
    return int(length)


FRAME_HEADER_BYTES = _LENGTH.size
