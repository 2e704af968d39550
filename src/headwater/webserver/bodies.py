"""Request bodies: decoded and validated, with a 400 naming the field on any problem."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from starlette.requests import ClientDisconnect, Request

from headwater.webserver.errors import ApiError

T = TypeVar("T")

#: Largest request body accepted (run config included).
MAX_BODY_BYTES = 4 * 1024 * 1024


class RunBody(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``POST /api/runs``: a job or an asset selection of one location."""

    location: str
    job: str | None = None
    asset_selection: list[list[str]] | None = None
    partition: str | None = None
    run_config: dict[str, Any] | None = None
    tags: dict[str, str] | None = None


class ReexecuteBody(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``POST /api/runs/{id}/reexecute``: from failure (default), all steps (``from_failure``
    false), exactly ``steps``, or ``from_step`` and everything downstream of it."""

    from_failure: bool = True
    steps: list[str] | None = None
    from_step: str | None = None


class PartitionRange(msgspec.Struct, forbid_unknown_fields=True):
    """First and last partition key of a backfill, inclusive."""

    start: str
    end: str


class BackfillBody(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """``POST /api/backfills``: partitions of a job or asset selection."""

    location: str
    job: str | None = None
    asset_selection: list[list[str]] | None = None
    partitions: list[str] | None = None
    partition_range: PartitionRange | None = None
    run_config: dict[str, Any] | None = None
    tags: dict[str, str] | None = None


async def read_body(request: Request, kind: type[T], *, optional: bool = False) -> T:
    """The request's JSON body as ``kind``; ApiError 400 saying which field is wrong.

    A body larger than :data:`MAX_BODY_BYTES` is a 413: refused by its Content-Length
    before any of it is read, or as soon as the streamed body passes the limit (it is never
    buffered whole). Nesting deeper than the decoder allows and NUL characters (which
    PostgreSQL cannot store) are 400s. With ``optional``, an empty body means the defaults.
    """
    raw = await read_limited(request, MAX_BODY_BYTES)
    if not raw.strip():
        if optional:
            raw = b"{}"
        else:
            raise ApiError(400, "The request needs a JSON body.")
    try:
        value = msgspec.json.decode(raw, type=kind)
        where = nul_in(msgspec.to_builtins(value), "")
    except msgspec.ValidationError as exc:
        raise ApiError(400, f"Invalid request body: {_readable(str(exc))}") from None
    except msgspec.DecodeError as exc:
        raise ApiError(400, f"The request body is not valid JSON: {exc}") from None
    except RecursionError:
        raise ApiError(400, "The request body is nested too deeply: flatten its run config "
                            "(or other values) to a few dozen levels.") from None
    if where is not None:
        raise ApiError(400, f"The request body has a NUL character (\\u0000) in "
                            f"{where or 'a value'}; remove it, it cannot be stored.")
    return value


async def read_limited(request: Request, limit: int) -> bytes:
    """The whole body, refusing (413) one larger than ``limit`` without reading it all."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError(413, _too_large(limit))
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ApiError(413, _too_large(limit))
            chunks.append(chunk)
    except ClientDisconnect:
        # Nobody reads the answer; it only must not be logged as a server error.
        raise ApiError(400, "The client disconnected before sending the whole body.") from None
    return b"".join(chunks)


def _too_large(limit: int) -> str:
    return (f"The request body is larger than {limit} bytes; send a smaller run config "
            "(large inputs belong in a resource or a file the run reads).")


def nul_in(value: object, path: str) -> str | None:
    """Where the first NUL character in ``value`` is (``run_config.ops``), or None."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return f"a key of {path}" if path else "a key"
            found = nul_in(item, inner)
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = nul_in(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def _readable(message: str) -> str:
    """msgspec's message with ``$.field`` paths written as ``field``."""
    return message.replace("`$.", "`").replace("`$`", "the body")


def one_target(job: str | None, asset_selection: list[list[str]] | None) -> None:
    """Exactly one of ``job`` and ``asset_selection``, and no empty asset key."""
    if (job is None) == (asset_selection is None):
        raise ApiError(400, "Give exactly one of 'job' and 'asset_selection'.")
    if asset_selection is not None:
        if not asset_selection:
            raise ApiError(400, "'asset_selection' is empty: list at least one asset key.")
        for index, key in enumerate(asset_selection):
            if not key or not all(key):
                raise ApiError(400, f"'asset_selection[{index}]' is not an asset key: give its "
                                    "non-empty path parts, e.g. [\"raw\", \"orders\"].")
    elif not job:
        raise ApiError(400, "'job' is empty.")
