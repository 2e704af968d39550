"""Which unconnected op inputs run config can supply (``ops: {op: {inputs: {name: ...}}}``).

An input whose type has a loader may be left unconnected in a job: its value is built from run
config by the loader. As in Dagster, user ``DagsterType``s have a loader when made with
``loader=`` (see :func:`~headwater.definitions.ops.types.dagster_type_loader`); the built-in
``int``/``float``/``str``/``bool`` types take the value itself or ``{"value": ...}``; untyped
inputs take ``{"value": ...}``, ``{"json": {"path": ...}}`` or ``{"pickle": {"path": ...}}``.
"""

from __future__ import annotations

import inspect
import json
import pickle
import typing
from typing import Any

from headwater.definitions.ops.op_definition import InputDef
from headwater.definitions.ops.types import DagsterTypeLoader, resolve_dagster_type

_UNTYPED = (None, inspect.Parameter.empty, typing.Any, object)
_FROM_FILE = ("json", "pickle")


def input_loader(input_def: InputDef) -> DagsterTypeLoader | None:
    """The loader that builds ``input_def``'s value from run config; None when it has none."""
    if input_def.is_nothing:
        return None
    annotation = input_def.annotation
    dagster_type = resolve_dagster_type(annotation)
    if dagster_type is not None:
        if dagster_type.loader is not None:
            return dagster_type.loader
        return _builtin_loader(dagster_type.name) if dagster_type.is_builtin else None
    if any(annotation is untyped for untyped in _UNTYPED):
        return _builtin_loader("Any")
    return None


_LOADERS: dict[str, DagsterTypeLoader] = {}


def _builtin_loader(type_name: str) -> DagsterTypeLoader:
    loader = _LOADERS.get(type_name)
    if loader is None:
        from headwater.definitions.config import schema_types as t

        scalar: Any = {"Int": t.Int, "Float": t.Float, "String": t.String, "Bool": t.Bool,
                       "Any": t.Any}[type_name]
        choices = t.Selector({"value": scalar, "json": {"path": t.String},
                              "pickle": {"path": t.String}})
        schema = choices if type_name == "Any" else t.ScalarUnion(scalar, choices)
        loader = _LOADERS[type_name] = DagsterTypeLoader(schema, _load_builtin)
    return loader


def _load_builtin(_context: Any, config: Any) -> Any:
    if not isinstance(config, dict):
        return config
    [(kind, value)] = config.items()
    if kind not in _FROM_FILE:
        return value
    if kind == "json":
        with open(value["path"], encoding="utf-8") as file:
            return json.load(file)
    with open(value["path"], "rb") as file:
        return pickle.load(file)  # noqa: S301 - the run config names a file the user wrote


def loadable_inputs(
    graph: Any, prefix: tuple[str, ...] = (), connected: frozenset[str] = frozenset()
) -> typing.Iterator[tuple[tuple[str, ...], InputDef, DagsterTypeLoader]]:
    """``(op's config path, input, loader)`` of each unconnected input of ``graph``'s ops
    (nested graphs included) that run config can give. ``connected``: the graph's own inputs
    that its parent connects."""
    from headwater.definitions.ops.composition import GraphInputRef
    from headwater.definitions.ops.graphs import GraphDefinition

    for name, invocation in graph.invocations.items():
        wired = {
            input_name for input_name, source in invocation.inputs.items()
            if not (isinstance(source, GraphInputRef) and source.name not in connected)
        }
        definition = invocation.definition
        if isinstance(definition, GraphDefinition):
            yield from loadable_inputs(definition, (*prefix, name), frozenset(wired))
            continue
        for input_def in definition.input_defs:
            if input_def.name in wired or input_def.input_manager_key is not None:
                continue
            loader = input_loader(input_def)
            if loader is not None:
                yield (*prefix, name), input_def, loader
