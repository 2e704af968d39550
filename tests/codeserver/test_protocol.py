"""The envelope: versioned msgpack payloads, and what a bad one gives, in and out of a server."""

from __future__ import annotations

import msgspec
import pytest

from headwater.codeserver import protocol as p
from headwater.snapshot.errors import ErrorInfo


def test_round_trip_keeps_every_field() -> None:
    result = p.TickResult(
        run_requests=[p.RunRequestSnap("k", "job", {"ops": {"a": {"config": {"n": 1}}}},
                                       {"t": "v"}, [["a", "b"]], "2024-01-01")],
        skip_message=None, cursor="7", error=ErrorInfo("boom", "ValueError", ["line\n"]))
    assert p.decode(p.encode(result), p.TickResult) == result


def test_a_newer_protocol_version_names_both_versions() -> None:
    data = msgspec.msgpack.encode(p.Envelope(p.PROTOCOL_VERSION + 1, b""))
    with pytest.raises(p.ProtocolError, match=f"version {p.PROTOCOL_VERSION + 1}.*up to "
                                              f"version {p.PROTOCOL_VERSION}"):
        p.decode(data, p.Empty)


@pytest.mark.parametrize("data", [b"", b"garbage", msgspec.msgpack.encode({"x": 1})])
def test_malformed_payloads_raise_protocol_errors(data: bytes) -> None:
    with pytest.raises(p.ProtocolError, match="Malformed"):
        p.decode(data, p.Empty)


def test_a_payload_of_the_wrong_struct_is_rejected() -> None:
    with pytest.raises(p.ProtocolError, match="Malformed LaunchRunRequest"):
        p.decode(p.encode(p.Empty()), p.LaunchRunRequest)


def test_frames_carry_their_length() -> None:
    framed = p.frame(b"abc")
    assert p.frame_length(framed[:p.FRAME_HEADER_BYTES]) == 3
    assert framed[p.FRAME_HEADER_BYTES:] == b"abc"


def test_the_health_service_speaks_the_standard_protocol() -> None:
    """The reference health client (protobuf messages) talks to the hand-encoded service."""
    from concurrent.futures import ThreadPoolExecutor

    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    from headwater.codeserver import health

    service = health.HealthService()
    service.set("", health.NOT_SERVING)
    server = grpc.server(ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers((service.generic_handler(),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            request = health_pb2.HealthCheckRequest(service="")
            assert stub.Check(request, timeout=10).status == (
                health_pb2.HealthCheckResponse.NOT_SERVING)
            with pytest.raises(grpc.RpcError) as caught:
                stub.Check(health_pb2.HealthCheckRequest(service="nope"), timeout=10)
            assert caught.value.code() == grpc.StatusCode.NOT_FOUND
            stream = stub.Watch(request, timeout=10)
            assert next(stream).status == health_pb2.HealthCheckResponse.NOT_SERVING
            service.set("", health.SERVING)
            assert next(stream).status == health_pb2.HealthCheckResponse.SERVING
            stream.cancel()
            unknown = stub.Watch(health_pb2.HealthCheckRequest(service="x" * 200), timeout=10)
            assert next(unknown).status == health_pb2.HealthCheckResponse.SERVICE_UNKNOWN
            unknown.cancel()
    finally:
        server.stop(0).wait()
