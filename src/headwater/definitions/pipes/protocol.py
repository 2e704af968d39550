"""The Pipes wire format: how parameters travel to the external process and what its messages
say (protocol version 0.1, shared with the ``dagster_pipes`` package)."""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Mapping
from typing import Any

#: Environment variables carrying the encoded context and messages parameters.
CONTEXT_ENV_VAR = "DAGSTER_PIPES_CONTEXT"
MESSAGES_ENV_VAR = "DAGSTER_PIPES_MESSAGES"
PROTOCOL_VERSION = "0.1"
PROTOCOL_VERSION_FIELD = "__dagster_pipes_version"


def encode_param(value: Any) -> str:
    """``value`` as JSON, zlib-compressed, base64-encoded (how parameters travel)."""
    return base64.b64encode(zlib.compress(json.dumps(value).encode("utf-8"))).decode("ascii")


def decode_param(text: str) -> Any:
    """The value :func:`encode_param` encoded."""
    return json.loads(zlib.decompress(base64.b64decode(text)).decode("utf-8"))


def parse_message(line: str) -> Mapping[str, Any] | None:
    """One message line as ``{"method": ..., "params": ...}``; None for a line that is not a
    Pipes message (stray output)."""
    try:
        message = json.loads(line)
    except ValueError:
        return None
    if not isinstance(message, dict) or PROTOCOL_VERSION_FIELD not in message:
        return None
    return message


def asset_key_parts(user_string: str) -> list[str]:
    """The parts of an asset key written as ``a/b`` (a ``\\/`` is a slash inside a part)."""
    parts, current, escaped = [], [], False
    for char in user_string:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "/":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def asset_key_string(parts: list[str]) -> str:
    """An asset key's parts as the external side writes them (``/`` inside a part escaped)."""
    return "/".join(part.replace("\\", "\\\\").replace("/", "\\/") for part in parts)
