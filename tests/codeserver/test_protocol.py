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
