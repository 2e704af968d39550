"""The standard gRPC health service (``grpc.health.v1.Health``), without protobuf.

Its two messages hold one field each, so they are encoded here by hand: that keeps protobuf
(and ``grpcio-health-checking``) out of every code server process, which saves a noticeable
part of a code server's start. Any standard health client (``grpc_health_probe``, Kubernetes
gRPC probes) talks to it as to the reference implementation.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

SERVICE = "grpc.health.v1.Health"
CHECK = f"/{SERVICE}/Check"
WATCH = f"/{SERVICE}/Watch"

# HealthCheckResponse.ServingStatus
UNKNOWN = 0
SERVING = 1
NOT_SERVING = 2
SERVICE_UNKNOWN = 3

STATUS_NAMES = {UNKNOWN: "UNKNOWN", SERVING: "SERVING", NOT_SERVING: "NOT_SERVING",
                SERVICE_UNKNOWN: "SERVICE_UNKNOWN"}

_VARINT_FIELD_1 = 0x08  # field 1, wire type 0
_BYTES_FIELD_1 = 0x0A  # field 1, wire type 2


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varint(data: bytes, pos: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise ValueError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(data: bytes) -> Iterator[tuple[int, int, Any]]:
    """``(field number, wire type, value)`` of a protobuf message (varint/length fields)."""
    pos = 0
    while pos < len(data):
        key, pos = _read_varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _read_varint(data, pos)
            yield number, wire, value
        elif wire == 2:
            length, pos = _read_varint(data, pos)
            yield number, wire, data[pos:pos + length]
            pos += length
        elif wire in (1, 5):  # fixed64 / fixed32: not in these messages, skipped
            pos += 8 if wire == 1 else 4
        else:
            raise ValueError(f"unsupported wire type {wire}")


def encode_request(service: str) -> bytes:
    """A ``HealthCheckRequest`` for ``service`` (``""``: the whole server)."""
    raw = service.encode()
    return bytes([_BYTES_FIELD_1]) + _varint(len(raw)) + raw if raw else b""


def decode_request(data: bytes) -> str:
    """The service a ``HealthCheckRequest`` asks about."""
    for number, wire, value in _fields(data):
        if number == 1 and wire == 2:
            return bytes(value).decode()
    return ""


def encode_response(status: int) -> bytes:
    """A ``HealthCheckResponse`` with ``status``."""
    return bytes([_VARINT_FIELD_1]) + _varint(status) if status else b""


def decode_response(data: bytes) -> int:
    """The status of a ``HealthCheckResponse``."""
    for number, wire, value in _fields(data):
        if number == 1 and wire == 0:
            return int(value)
    return UNKNOWN


class HealthService:
    """Per-service serving status, answered by ``Check`` and streamed by ``Watch``."""

    def __init__(self) -> None:
        self._statuses: dict[str, int] = {}
        self._changed = threading.Condition()
        self._version = 0
        self._shutting_down = False

    def set(self, service: str, status: int) -> None:
        """Set ``service``'s status (ignored once the server is shutting down)."""
        with self._changed:
            if self._shutting_down:
                return
            self._statuses[service] = status
            self._version += 1
            self._changed.notify_all()

    def enter_graceful_shutdown(self) -> None:
        """Report every service NOT_SERVING from now on."""
        with self._changed:
            self._shutting_down = True
            for service in self._statuses:
                self._statuses[service] = NOT_SERVING
            self._version += 1
            self._changed.notify_all()

    def status(self, service: str) -> int | None:
        """The status of ``service``; ``None`` when it was never set."""
        with self._changed:
            return self._statuses.get(service)

    def check(self, request: bytes, context: Any) -> bytes:
        """``Check``: the status now; NOT_FOUND for an unknown service."""
        import grpc

        service = decode_request(request)
        status = self.status(service)
        if status is None:
            context.abort(grpc.StatusCode.NOT_FOUND, f"Unknown service '{service}'.")
        return encode_response(status or UNKNOWN)

    def watch(self, request: bytes, context: Any) -> Iterator[bytes]:
        """``Watch``: the status now, then every change until the client goes away."""
        service = decode_request(request)
        context.add_callback(self._wake)
        last: int | None = None
        while context.is_active():
            with self._changed:
                version = self._version
                status = self._statuses.get(service, SERVICE_UNKNOWN)
            if status != last:
                last = status
                yield encode_response(status)
            if self._shutting_down:
                return  # let the server stop without waiting for this stream
            self._wait_for_change(version, context)

    def _wait_for_change(self, version: int, context: Any) -> None:
        with self._changed:
            self._changed.wait_for(
                lambda: self._version != version or not context.is_active(), timeout=5.0)

    def _wake(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def generic_handler(self) -> Any:
        """The gRPC handler serving ``Check`` and ``Watch`` (raw bytes in and out)."""
        import grpc

        return grpc.method_handlers_generic_handler(SERVICE, {
            "Check": grpc.unary_unary_rpc_method_handler(self.check),
            "Watch": grpc.unary_stream_rpc_method_handler(self.watch),
        })
