"""JSON errors: every 4xx answers ``{"error": message}``; a 500 never shows a traceback.

Handlers raise :class:`ApiError` with the status and a message naming what is wrong. Errors of
the layers below are mapped here once: an unknown name is a 404, a request the current state
refuses is a 409, storage that cannot be reached a 503 ("Storage unavailable: ..."), anything
unexpected a 500 whose traceback goes to the server log only.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from headwater.errors import NotFoundError
from headwater.storage.errors import StorageConnectionError

logger = logging.getLogger("headwater.webserver")

#: ``/api/health``'s status while the storage cannot be reached.
STORAGE_UNAVAILABLE = "storage unavailable"

#: What a client sees of an unexpected failure; the details are in the server log.
INTERNAL_ERROR = "Internal server error; the webserver's log has the details."

_encoder = msgspec.json.Encoder()


class ApiError(Exception):
    """An error answered as ``{"error": message}`` with ``status``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class JSONResponse(Response):
    """A JSON response encoded with msgspec (fast, and handles structs and enums)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return _encoder.encode(content)


def error_response(status: int, message: str) -> JSONResponse:
    """``{"error": message}`` with ``status``."""
    return JSONResponse({"error": message}, status_code=status)


async def api_error_handler(request: Request, exc: Exception) -> Response:
    """Answer an :class:`ApiError` (or a lower layer's ``NotFoundError``)."""
    if isinstance(exc, ApiError):
        return error_response(exc.status, exc.message)
    return error_response(404, str(exc))


async def http_exception_handler(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (unknown path, wrong method) as JSON."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = f"Not found: {request.url.path}"
    elif exc.status_code == 405:
        message = f"Method {request.method} is not allowed on {request.url.path}."
    else:
        message = str(exc.detail)
    return JSONResponse({"error": message}, status_code=exc.status_code, headers=exc.headers)


async def storage_unavailable_handler(request: Request, exc: Exception) -> Response:
    """503 while the instance storage cannot be reached: a state, not a bug (no traceback)."""
    logger.warning("%s %s: storage unavailable: %s", request.method, request.url.path, exc)
    return error_response(503, f"Storage unavailable: {exc} Retry once it is back.")


async def internal_error_handler(request: Request, exc: Exception) -> Response:
    """Log the traceback server side and answer a generic message."""
    logger.error("Error answering %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, INTERNAL_ERROR)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ApiError: api_error_handler,
    NotFoundError: api_error_handler,
    HTTPException: http_exception_handler,
    StorageConnectionError: storage_unavailable_handler,
    Exception: internal_error_handler,
}
