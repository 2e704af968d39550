"""Query parameters, validated with a 400 naming the parameter."""

from __future__ import annotations

from starlette.requests import Request

from headwater.webserver.errors import ApiError


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
