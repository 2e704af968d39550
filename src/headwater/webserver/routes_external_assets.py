"""Reporting events of external assets over HTTP, at Dagster's addresses:

    POST /report_asset_materialization/{asset_key}   {"metadata": {...}, "partition": ...}
    POST /report_asset_observation/{asset_key}       {"data_version": "v2"}
    POST /report_asset_check/{asset_key}             {"check_name": "rows", "passed": true}

The asset key is the path after the route (``a/b`` is ``["a", "b"]``) or an ``asset_key``
field (a slash-separated string or a list); every field may also be a query parameter. The
event is stored outside any run (run id ``""``), as ``instance.report_runless_asset_event``
stores it, so the asset's page, partitions and checks show it like any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from headwater.snapshot.events import EventType, RunEvent
from headwater.snapshot.metadata_types import (
    BoolMetadata,
    FloatMetadata,
    IntMetadata,
    JsonMetadata,
    MetadataEntrySnap,
    NullMetadata,
    TextMetadata,
)
from headwater.snapshot.runless_records import runless_asset_event, runless_check_event
from headwater.webserver.bodies import MAX_BODY_BYTES, nul_in, read_limited
from headwater.webserver.context import context_of
from headwater.webserver.errors import ApiError, JSONResponse

_SEVERITIES = ("ERROR", "WARN")
_INT64 = 2**63


async def _fields(request: Request) -> dict[str, Any]:
    """The body's JSON object merged over the query parameters."""
    fields: dict[str, Any] = dict(request.query_params)
    raw = await read_limited(request, MAX_BODY_BYTES)
    if raw.strip():
        try:
            body = msgspec.json.decode(raw)
        except msgspec.DecodeError as exc:
            raise ApiError(400, f"The request body is not valid JSON: {exc}") from None
        except RecursionError:
            raise ApiError(400, "The request body is nested too deeply.") from None
        where = nul_in(body, "")
        if where is not None:
            raise ApiError(400, f"The request body has a NUL character (\\u0000) in "
                                f"{where or 'a value'}; remove it, it cannot be stored.")
        if not isinstance(body, dict):
            raise ApiError(400, "The request body must be a JSON object.")
        fields.update(body)
    if "metadata" in fields and isinstance(fields["metadata"], str):
        try:
            fields["metadata"] = msgspec.json.decode(fields["metadata"])
        except msgspec.DecodeError:
            raise ApiError(400, "'metadata' must be a JSON object.") from None
    return fields


def _asset_key(request: Request, fields: Mapping[str, Any]) -> list[str]:
    in_path = request.path_params.get("asset_key", "")
    given = fields.get("asset_key")
    if in_path and given is not None:
        raise ApiError(400, "Give the asset key in the path or as 'asset_key', not both.")
    value = in_path or given
    if isinstance(value, str):
        path = [part for part in value.split("/") if part]
    elif isinstance(value, list) and all(isinstance(part, str) for part in value):
        path = list(value)
    else:
        path = []
    if any("\x00" in part for part in path):
        raise ApiError(400, "The asset key has a NUL character (\\u0000); remove it.")
    if not path:
        raise ApiError(400, "Name the asset: /report_asset_.../{asset_key} (parts separated by "
                            "'/') or an 'asset_key' field (a string or a list of strings).")
    return path


def _optional_text(fields: Mapping[str, Any], name: str) -> str | None:
    value = fields.get(name)
    if value is None or isinstance(value, str):
        return value
    raise ApiError(400, f"'{name}' must be a string, not {type(value).__name__}.")


def _metadata_entry(value: Any) -> MetadataEntrySnap:
    if value is None:
        return NullMetadata()
    if isinstance(value, bool):
        return BoolMetadata(value=value)
    if isinstance(value, int):
        if -_INT64 <= value < _INT64:
            return IntMetadata(value=value)
        return IntMetadata(digits=str(value))
    if isinstance(value, float):
        return FloatMetadata(value=value)
    if isinstance(value, str):
        return TextMetadata(value=value)
    return JsonMetadata(value=value)


def _metadata(fields: Mapping[str, Any]) -> dict[str, MetadataEntrySnap]:
    raw = fields.get("metadata") or {}
    if not isinstance(raw, dict):
        raise ApiError(400, "'metadata' must be a JSON object of names to values.")
    return {str(key): _metadata_entry(value) for key, value in raw.items()}


def _passed(fields: Mapping[str, Any]) -> bool:
    value = fields.get("passed")
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ApiError(400, "'passed' is required: true or false.")


def _asset_event(request: Request, fields: Mapping[str, Any], kind: EventType) -> RunEvent:
    return runless_asset_event(
        kind, _asset_key(request, fields),
        partition=_optional_text(fields, "partition"),
        description=_optional_text(fields, "description"),
        metadata=_metadata(fields),
        data_version=_optional_text(fields, "data_version"),
    )


def _check_event(request: Request, fields: Mapping[str, Any]) -> RunEvent:
    key = _asset_key(request, fields)
    check_name = _optional_text(fields, "check_name")
    if not check_name:
        raise ApiError(400, "'check_name' is required: the name of the asset's check.")
    passed = _passed(fields)
    severity = (_optional_text(fields, "severity") or "ERROR").upper()
    if severity not in _SEVERITIES:
        raise ApiError(400, f"'severity' must be ERROR or WARN, not {severity!r}.")
    return runless_check_event(
        key, check_name, passed, severity=severity,
        description=_optional_text(fields, "description"), metadata=_metadata(fields),
        partition=_optional_text(fields, "partition"),
    )


def _store(request: Request, event: RunEvent) -> Response:
    context = context_of(request)
    storage_id = context.instance.storage.store_event(event)
    return JSONResponse({"storage_id": storage_id, "asset_key": event.asset_key})


async def report_materialization(request: Request) -> Response:
    """``POST /report_asset_materialization/{asset_key}``."""
    event = _asset_event(request, await _fields(request), EventType.ASSET_MATERIALIZATION)
    return await run_in_threadpool(_store, request, event)


async def report_observation(request: Request) -> Response:
    """``POST /report_asset_observation/{asset_key}``."""
    event = _asset_event(request, await _fields(request), EventType.ASSET_OBSERVATION)
    return await run_in_threadpool(_store, request, event)


async def report_check(request: Request) -> Response:
    """``POST /report_asset_check/{asset_key}``."""
    event = _check_event(request, await _fields(request))
    return await run_in_threadpool(_store, request, event)


ROUTES = [
    Route(f"/{name}/{{asset_key:path}}", endpoint, methods=["POST"])
    for name, endpoint in (("report_asset_materialization", report_materialization),
                           ("report_asset_observation", report_observation),
                           ("report_asset_check", report_check))
] + [
    Route(f"/{name}", endpoint, methods=["POST"])
    for name, endpoint in (("report_asset_materialization", report_materialization),
                           ("report_asset_observation", report_observation),
                           ("report_asset_check", report_check))
]
