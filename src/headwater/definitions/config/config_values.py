"""Config instances as run-config data, and ``RunConfig`` for launching runs in code."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from headwater.definitions.config.env_var import EnvVar, IntEnvVar
from headwater.definitions.config.resources import ResourceDefinition

__all__ = ["RunConfig", "config_to_dict", "field_values"]


def field_values(model: BaseModel) -> dict[str, Any]:
    """The model's field values keyed by their input names (alias, else name)."""
    return {
        (info.alias or name): model.__dict__[name]
        for name, info in type(model).model_fields.items()
        if name in model.__dict__
    }


def config_to_dict(config: BaseModel) -> dict[str, Any]:
    """Run-config data for a config (or resource) instance: ``EnvVar`` becomes ``{"env": name}``.

    Fields holding resources are left out; they are not config.
    """
    return {
        key: _dump(value)
        for key, value in field_values(config).items()
        if not isinstance(value, ResourceDefinition)
    }


def _dump(value: Any) -> Any:
    if isinstance(value, (EnvVar, IntEnvVar)):
        return {"env": value.env_var_name}
    if isinstance(value, BaseModel):
        return config_to_dict(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {k: _dump(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_dump(v) for v in value]
    return value


_ENTRY_KEYS = frozenset({"config", "inputs", "outputs"})


def _entry(value: Any) -> Any:
    """``{"config": ...}`` for a config instance or a bare config dict; full entries as is."""
    if isinstance(value, BaseModel):
        return {"config": config_to_dict(value)}
    if isinstance(value, Mapping) and "config" in value and set(value) <= _ENTRY_KEYS:
        return {k: _dump(v) for k, v in value.items()}
    return {"config": _dump(value)}


class RunConfig:
    """Run config built from ``Config`` instances and dicts, for launching runs in code.

    Args:
        ops: config per op or asset name; a ``Config`` instance or a dict of its fields (a
            dict that already has the shape ``{"config": {...}}`` is used as is).
        resources: config per resource key: a ``ConfigurableResource``/``Config`` instance or
            a dict of its fields.
        loggers: logger config, passed through.
        execution: executor config, passed through.
    """

    def __init__(
        self,
        ops: Mapping[str, Any] | None = None,
        resources: Mapping[str, Any] | None = None,
        loggers: Mapping[str, Any] | None = None,
        execution: Mapping[str, Any] | None = None,
    ) -> None:
        self.ops = dict(ops or {})
        self.resources = dict(resources or {})
        self.loggers = dict(loggers or {})
        self.execution = dict(execution or {})

    def to_config_dict(self) -> dict[str, Any]:
        """The run config as plain data; only the non-empty parts appear."""
        out: dict[str, Any] = {}
        if self.ops:
            out["ops"] = {name: _entry(value) for name, value in self.ops.items()}
        if self.resources:
            out["resources"] = {key: _entry(value) for key, value in self.resources.items()}
        if self.loggers:
            out["loggers"] = _dump(self.loggers)
        if self.execution:
            out["execution"] = _dump(self.execution)
        return out

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RunConfig) and self.to_config_dict() == other.to_config_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RunConfig({self.to_config_dict()!r})"
