"""Checking a run config against its job's schema before the run is queued.

The snapshot carries each job's run-config JSON Schema, whose structure headwater builds
itself: ``ops`` (nested for graphs), ``resources``, ``execution`` and ``loggers``, each an
object with known keys and the required ones listed. This walks that structure, so a config
for an op or resource the job does not have, an unknown top-level key or a missing required
section is refused at submission (a 400) instead of failing the run later. The ``config``
values themselves follow the user's own schemas and are checked by the run.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any


def run_config_problem(schema: Mapping[str, Any], config: Mapping[str, Any]) -> str | None:
    """What is wrong with ``config`` for a job whose run-config schema is ``schema``."""
    if not schema:
        return None
    return _check(schema, config, "")


def _check(node: Mapping[str, Any], value: object, path: str) -> str | None:
    if node.get("type") != "object" or "properties" not in node or "$ref" in node:
        return None  # a user schema (or a free-form section): the run checks it
    where = f"'{path}'" if path else "the run config"
    if not isinstance(value, Mapping):
        return f"{where} must be a mapping, not {type(value).__name__}."
    properties: Mapping[str, Any] = node["properties"]
    if "x-headwater-expected" in node:  # an old-style user schema: worded as the run words it
        return _legacy_problem(node, value, path)
    if node.get("additionalProperties") is False:
        unknown = sorted(str(key) for key in value if key not in properties)
        if unknown:
            allowed = ", ".join(sorted(properties)) or "nothing"
            return (f"{where} has {', '.join(repr(key) for key in unknown)}, which the job "
                    f"does not have; it takes: {allowed}.")
    for key in node.get("required", []):
        if key not in value:
            inner = f"{path}.{key}" if path else key
            return f"'{inner}' is required by the job's config schema and missing."
    for key, item in value.items():
        child = properties.get(key)
        if isinstance(child, Mapping) and "config" not in path.split("."):
            problem = _check(child, item, f"{path}.{key}" if path else str(key))
            if problem is not None:
                return problem
    return None


def _legacy_problem(node: Mapping[str, Any], value: Mapping[Any, Any], path: str) -> str | None:
    """The first unknown or missing field of an old-style ``Shape``, in the run's words."""
    properties: Mapping[str, Any] = node["properties"]
    if node.get("additionalProperties") is False and node.get("maxProperties") is None:
        known = sorted(properties)
        for key in value:
            if key not in properties:
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f' Did you mean "{close[0]}"?' if close else ""
                return (f'Unexpected config entry "{key}" at path {path}; the fields there are '
                        f"{', '.join(known) or 'none'}.{hint} Remove it or fix its name.")
    for key in node.get("required", []):
        if key not in value:
            expected = properties.get(key, {}).get("x-headwater-type", "a value")
            return (f"Missing required config entry at path {path}.{key}: expected {expected}. "
                    "Add it to the config.")
    return None
