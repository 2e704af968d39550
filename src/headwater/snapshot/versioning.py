"""Writing and reading location snapshots, with a format version checked before anything else.

The writer always records :data:`SNAPSHOT_FORMAT_VERSION`. The reader peeks at the version
first:

* the same version decodes straight into :class:`LocationSnapshot`;
* an older version is decoded to plain data and passed through the upgrade functions in
  ``_UPGRADES`` (``_UPGRADES[n]`` turns a version-``n`` payload into version ``n + 1``), so a
  code location running an older headwater stays readable;
* a newer version raises :class:`SnapshotVersionError`, naming both versions: the server
  side (webserver, daemon) must be upgraded to read it.

Anything that is not a snapshot raises :class:`SnapshotDecodeError` in our words.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal, TypeGuard

import msgspec

from headwater.errors import HeadwaterError
from headwater.snapshot.location import LocationSnapshot

__all__ = [
    "SNAPSHOT_FORMAT_VERSION",
    "SnapshotDecodeError",
    "SnapshotVersionError",
    "decode_snapshot",
    "decode_snapshot_json",
    "encode_snapshot",
    "encode_snapshot_json",
]

#: The snapshot format this version of headwater writes (and the newest it reads).
SNAPSHOT_FORMAT_VERSION = 1

#: Upgrade functions: ``_UPGRADES[n]`` turns a version-``n`` payload (plain data) into ``n + 1``.
_UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

_Format = Literal["msgpack", "JSON"]


class SnapshotVersionError(HeadwaterError):
    """A snapshot was written in a format version this headwater cannot read."""


class SnapshotDecodeError(HeadwaterError):
    """Bytes that should hold a location snapshot do not."""


class _Header(msgspec.Struct):
    """The fields read before the rest: unknown fields are ignored here."""

    format_version: int
    headwater_version: str | None = None
    location_name: str | None = None


_msgpack_encoder = msgspec.msgpack.Encoder()
_json_encoder = msgspec.json.Encoder()
_msgpack_decoder = msgspec.msgpack.Decoder(LocationSnapshot)
_json_decoder = msgspec.json.Decoder(LocationSnapshot)
_msgpack_header = msgspec.msgpack.Decoder(_Header)
_json_header = msgspec.json.Decoder(_Header)


def encode_snapshot(snapshot: LocationSnapshot) -> bytes:
    """The snapshot as msgpack bytes (what crosses the gRPC boundary)."""
    return _msgpack_encoder.encode(snapshot)


def encode_snapshot_json(snapshot: LocationSnapshot) -> bytes:
    """The snapshot as JSON bytes (for storage, debugging and tests)."""
    return _json_encoder.encode(snapshot)


def decode_snapshot(data: bytes) -> LocationSnapshot:
    """Read msgpack bytes written by :func:`encode_snapshot` (of this or an older version).

    Raises:
        SnapshotVersionError: the snapshot is newer than this headwater, or older than any
            upgrade path.
        SnapshotDecodeError: the bytes are not a location snapshot.
    """
    return _decode(data, "msgpack")


def decode_snapshot_json(data: bytes | str) -> LocationSnapshot:
    """Read JSON written by :func:`encode_snapshot_json` (of this or an older version).

    Raises:
        SnapshotVersionError: the snapshot is newer than this headwater, or older than any
            upgrade path.
        SnapshotDecodeError: the data is not a location snapshot.
    """
    return _decode(data, "JSON")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a snapshot is built or decoded.

    A snapshot is a tree of tens of thousands of small lists and dicts, none of them in a
    cycle; left running, the collector rescans them again and again as they are allocated,
    which costs several times the work itself. Reference counting still frees everything.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _decode(data: bytes | str, fmt: _Format) -> LocationSnapshot:
    with gc_paused():
        return _decode_unpaused(data, fmt)


def _decode_unpaused(data: bytes | str, fmt: _Format) -> LocationSnapshot:
    try:
        header = _msgpack_header.decode(data) if _is_msgpack(data, fmt) else (
            _json_header.decode(data)
        )
    except msgspec.DecodeError as exc:
        raise SnapshotDecodeError(
            f"Could not read a code location snapshot from {_describe(data)} of {fmt}: {exc}. "
            "The code server sent something that is not a snapshot; check that it runs "
            "headwater and that the payload was not truncated."
        ) from None
    version = header.format_version
    if version > SNAPSHOT_FORMAT_VERSION:
        writer = f"headwater {header.headwater_version}" if header.headwater_version else (
            "a newer headwater"
        )
        raise SnapshotVersionError(
            f"The snapshot of code location '{header.location_name}' uses format version "
            f"{version} (written by {writer}), but this headwater reads format versions up "
            f"to {SNAPSHOT_FORMAT_VERSION}. Upgrade headwater on the server side (webserver "
            "and daemon) to at least the version the code location runs."
        )
    try:
        if version == SNAPSHOT_FORMAT_VERSION:
            if _is_msgpack(data, fmt):
                return _msgpack_decoder.decode(data)
            return _json_decoder.decode(data)
        raw = msgspec.msgpack.decode(data) if _is_msgpack(data, fmt) else (
            msgspec.json.decode(data)
        )
        return msgspec.convert(upgrade_payload(raw, version), LocationSnapshot)
    except msgspec.DecodeError as exc:  # ValidationError is a DecodeError
        raise SnapshotDecodeError(
            f"The snapshot of code location '{header.location_name}' (format version "
            f"{version}, {fmt}) is malformed: {exc}. It may have been written by an "
            "incompatible development build of headwater; reload the location."
        ) from None


def upgrade_payload(raw: Any, version: int) -> dict[str, Any]:
    """A version-``version`` payload (plain data) upgraded step by step to the current format.

    Raises:
        SnapshotVersionError: no upgrade path exists from ``version``.
    """
    if not isinstance(raw, dict):
        raise SnapshotDecodeError(
            f"A code location snapshot must be a mapping; got {type(raw).__name__}."
        )
    payload: dict[str, Any] = raw
    for step in range(version, SNAPSHOT_FORMAT_VERSION):
        upgrade = _UPGRADES.get(step)
        if upgrade is None:
            oldest = min(
                (v for v in range(SNAPSHOT_FORMAT_VERSION + 1) if _path_exists(v)),
                default=SNAPSHOT_FORMAT_VERSION,
            )
            raise SnapshotVersionError(
                f"The snapshot of code location '{payload.get('location_name')}' uses format "
                f"version {version}, but this headwater reads format versions {oldest} to "
                f"{SNAPSHOT_FORMAT_VERSION}. Upgrade headwater in the code location's "
                "environment."
            )
        payload = upgrade(payload)
        payload["format_version"] = step + 1
    return payload


def _is_msgpack(data: bytes | str, fmt: _Format) -> TypeGuard[bytes]:
    return fmt == "msgpack" and not isinstance(data, str)


def _path_exists(version: int) -> bool:
    return all(step in _UPGRADES for step in range(version, SNAPSHOT_FORMAT_VERSION))


def _describe(data: bytes | str) -> str:
    return f"{len(data)} {'bytes' if isinstance(data, bytes) else 'characters'}"
