"""Request bodies: decoded and validated, with a 400 naming the field on any problem."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from starlette.requests import Request

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
    """``POST /api/runs/{id}/reexecute``."""

    from_failure: bool = True


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

    With ``optional``, an empty body means the defaults.
    """
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    if not raw.strip():
        if optional:
            raw = b"{}"
        else:
            raise ApiError(400, "The request needs a JSON body.")
    try:
        return msgspec.json.decode(raw, type=kind)
    except msgspec.ValidationError as exc:
        raise ApiError(400, f"Invalid request body: {_readable(str(exc))}") from None
    except msgspec.DecodeError as exc:
        raise ApiError(400, f"The request body is not valid JSON: {exc}") from None


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
