"""Query parameters, validated with a 400 naming the parameter."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

from starlette.requests import Request

from headwater.webserver.errors import ApiError

E = TypeVar("E", bound=Enum)


def int_param(request: Request, name: str, default: int, *, minimum: int,
              maximum: int) -> int:
    """An integer query parameter between ``minimum`` and ``maximum``."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"Query parameter '{name}' must be an integer, not {raw!r}.") from None
    if not minimum <= value <= maximum:
        raise ApiError(400, f"Query parameter '{name}' must be between {minimum} and "
                            f"{maximum}, not {value}.")
    return value


def enum_value(name: str, raw: str, kind: type[E], what: str) -> E:
    """``raw`` (any case) as a member of ``kind``; else a 400 naming ``name`` and the valid ones.

    ``what`` names the values in the message, e.g. "run status".
    """
    try:
        return kind(raw.upper())
    except ValueError:
        valid = ", ".join(str(member.value) for member in kind)
        raise ApiError(400, f"Query parameter '{name}': unknown {what} {raw!r} "
                            f"(valid: {valid}).") from None
