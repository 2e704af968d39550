"""Keeping environment variable values out of config error messages.

Config may take values from the environment (``EnvVar("DB_URL")``, ``{"env": "DB_URL"}``),
and those values are often secrets. When such a value fails validation, the message names
the variable instead of showing its value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

__all__ = ["env_values_in", "redact"]

_MIN_LENGTH = 3  # shorter values ("1", "no") are not worth hiding and would garble messages


def env_values_in(data: Any) -> dict[str, str]:
    """``{value: variable name}`` for every environment variable ``data`` refers to."""
    found: dict[str, str] = {}
    _collect(data, found, 0)
    return found


def _collect(data: Any, found: dict[str, str], depth: int) -> None:
    if depth > 32:
        return
    name = getattr(data, "env_var_name", None)
    if isinstance(name, str):
        _add(name, found)
        return
    if isinstance(data, Mapping):
        env = data.get("env") if len(data) == 1 else None
        if isinstance(env, str):
            _add(env, found)
            return
        for item in data.values():
            _collect(item, found, depth + 1)
    elif isinstance(data, (list, tuple)):
        for item in data:
            _collect(item, found, depth + 1)
    elif hasattr(data, "__pydantic_fields__"):
        for item in vars(data).values():
            _collect(item, found, depth + 1)


def _add(name: str, found: dict[str, str]) -> None:
    value = os.environ.get(name)
    if value is not None and len(value) >= _MIN_LENGTH:
        found[value] = name


def redact(problems: list[Any], data: Any) -> list[Any]:
    """``problems`` (``ConfigProblem``s) with environment variable values replaced by names."""
    secrets = env_values_in(data)
    if not secrets:
        return problems
    out = []
    for problem in problems:
        message = problem.message
        value = problem.value
        for secret, name in secrets.items():
            if secret in message or value == secret:
                message = message.replace(repr(secret), f"the value of ${name}")
                message = message.replace(secret, f"<${name}>")
                value = f"<value of environment variable {name}>"
        out.append(problem._replace(message=message, value=value))
    return out
