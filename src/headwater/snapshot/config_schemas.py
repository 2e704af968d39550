"""JSON Schemas of op and resource config, and of a job's whole run config.

pydantic (through ``headwater.definitions.config.pythonic``) is imported only when a definition
actually has a config schema, so snapshotting a location without config stays cheap.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import Any

from headwater.definitions.config.resources import ResourceDefinition

_DEFS = "$defs"
_REF_PREFIX = "#/$defs/"


class SchemaCache:
    """Config JSON Schemas computed once per schema object within one snapshot build."""

    def __init__(self) -> None:
        # id -> (the schema object, kept alive so its id is not reused; the JSON Schema)
        self._by_id: dict[int, tuple[object, dict[str, Any]]] = {}

    def op_schema(self, config_schema: Any, name: str) -> dict[str, Any] | None:
        """The JSON Schema of an op's ``config_schema`` (a Config class or legacy schema)."""
        if config_schema is None:
            return None
        cached = self._by_id.get(id(config_schema))
        if cached is not None:
            return cached[1]
        from headwater.definitions.config.schema_types import resolve_top_level

        field = resolve_top_level(config_schema)
        if field is not None:
            from headwater.definitions.config.schema_json import field_json_schema

            schema = field_json_schema(field)
        else:
            from headwater.definitions.config.pythonic import (
                config_json_schema,
                config_model_from_schema,
            )

            model = config_model_from_schema(config_schema, f"{name}_config")
            schema = config_json_schema(model)
        self._by_id[id(config_schema)] = (config_schema, schema)
        return schema

    def resource_schema(
        self, key: str, value: object
    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """``(schema, run schema)`` of a resource's config; None when it takes no config.

        The run schema is what run config may still give: a configured
        ``ConfigurableResource`` already has its values, so none of its fields is required
        there; ``configure_at_launch`` leaves required only the fields it was not given.
        """
        configurable = sys.modules.get("headwater.definitions.config.configurable")
        if configurable is not None:
            if isinstance(value, configurable.ConfigurableResourceFactory):
                schema = self._model_schema(type(value).config_model())
                return schema, _optional(schema, schema.get("properties", {}))
            if isinstance(value, configurable.PartialResource):
                schema = self._model_schema(value.resource_cls.config_model())
                return schema, _optional(schema, value.values)
        if isinstance(value, ResourceDefinition):
            plain = self.op_schema(value.config_schema, f"{key}_resource")
            return (plain, plain) if plain is not None else None
        return None

    def _model_schema(self, model: Any) -> dict[str, Any]:
        cached = self._by_id.get(id(model))
        if cached is not None:
            return cached[1]
        from headwater.definitions.config.pythonic import config_json_schema

        schema = config_json_schema(model)
        self._by_id[id(model)] = (model, schema)
        return schema


def is_required(schema: Mapping[str, Any]) -> bool:
    """Whether a value must be given: an object with required fields, a scalar without default."""
    if schema.get("type") == "object" or "properties" in schema:
        return bool(schema.get("required"))
    return "default" not in schema


def _optional(schema: dict[str, Any], given: Iterable[str]) -> dict[str, Any]:
    """``schema`` with the fields in ``given`` no longer required."""
    given_names = set(given)
    required = [name for name in schema.get("required", ()) if name not in given_names]
    if required == list(schema.get("required", ())):
        return schema
    copy = {k: v for k, v in schema.items() if k != "required"}
    if required:
        copy["required"] = required
    return copy


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _rewrite_refs(value: Any, renames: Mapping[str, str]) -> Any:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str) and item.startswith(_REF_PREFIX):
                out[key] = _REF_PREFIX + _escape(renames.get(item[len(_REF_PREFIX):], item))
            else:
                out[key] = _rewrite_refs(item, renames)
        return out
    if isinstance(value, list):
        return [_rewrite_refs(item, renames) for item in value]
    return value


def _hoist(schema: dict[str, Any], owner: str, defs: dict[str, Any]) -> dict[str, Any]:
    """``schema`` without its ``$defs``, which move into ``defs`` under names led by ``owner``.

    ``$ref``s point at the root of the document they sit in, so definitions of schemas
    embedded in a bigger one must live at that one's root.
    """
    inner = schema.get(_DEFS)
    if not inner:
        return schema
    renames = {name: f"{owner}__{name}" for name in inner}
    for name, definition in inner.items():
        defs[renames[name]] = _rewrite_refs(definition, renames)
    rewritten = _rewrite_refs({k: v for k, v in schema.items() if k != _DEFS}, renames)
    assert isinstance(rewritten, dict)
    return rewritten


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "object", "additionalProperties": False}
    node["properties"] = properties
    if required:
        node["required"] = sorted(required)
    return node


def _ops_tree(
    op_schemas: Iterable[tuple[tuple[str, ...], dict[str, Any]]], defs: dict[str, Any],
    input_schemas: Iterable[tuple[tuple[str, ...], str, dict[str, Any], bool]] = (),
) -> tuple[dict[str, Any], bool]:
    """The ``ops`` section: ``{op: {config: ..., inputs: {...}}}``, nested graphs as
    ``{graph: {ops: {...}}}``."""
    tree: dict[str, Any] = {}
    for path, schema in op_schemas:
        _leaf(tree, path)["config"] = _hoist(schema, "op_" + "__".join(path), defs)
    for path, input_name, schema, needed in input_schemas:
        owner = "input_" + "__".join((*path, input_name))
        inputs = _leaf(tree, path).setdefault("inputs", {})
        inputs[input_name] = (_hoist(schema, owner, defs), needed)
    return _ops_node(tree)


def _leaf(tree: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    node = tree
    for part in path[:-1]:
        node = node.setdefault(part, {}).setdefault("ops", {})
    leaf: dict[str, Any] = node.setdefault(path[-1], {})
    return leaf


def _op_node(entry: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    if "config" in entry:
        properties["config"] = entry["config"]
        if is_required(entry["config"]):
            required.append("config")
    if "inputs" in entry:
        inputs = entry["inputs"]
        needed = [name for name, (schema, given) in inputs.items()
                  if given and is_required(schema)]
        properties["inputs"] = _object({name: schema for name, (schema, _) in inputs.items()},
                                       needed)
        if needed:
            required.append("inputs")
    return _object(properties, required), bool(required)


def _ops_node(tree: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, entry in tree.items():
        if "ops" not in entry:
            node, needed = _op_node(entry)
        else:
            inner, needed = _ops_node(entry["ops"])
            node = _object({"ops": inner}, ["ops"] if needed else [])
        properties[name] = node
        if needed:
            required.append(name)
    return _object(properties, required), bool(required)


def run_config_schema(
    op_schemas: Iterable[tuple[tuple[str, ...], dict[str, Any]]],
    resource_schemas: Mapping[str, tuple[dict[str, Any], bool]],
    input_schemas: Iterable[tuple[tuple[str, ...], str, dict[str, Any], bool]] = (),
    logger_schemas: Mapping[str, dict[str, Any] | None] | None = None,
    execution_schemas: Mapping[str, dict[str, Any] | None] | None = None,
    mapped_graphs: Mapping[tuple[str, ...], dict[str, Any] | None] | None = None,
) -> dict[str, Any]:
    """The JSON Schema of a job's run config.

    Args:
        op_schemas: ``(config path, JSON Schema)`` of each op taking config; the path is the
            op's handle split on dots.
        resource_schemas: per resource key, the JSON Schema of the config run config may
            give it (see :meth:`SchemaCache.resource_schema`) and whether the job uses the
            resource (config of unused resources is never required).
        input_schemas: ``(op config path, input name, JSON Schema, whether it has no
            default)`` of each unconnected input that run config gives
            (``ops.<op>.inputs.<name>``).
        logger_schemas: per logger of the job, the JSON Schema of its config (None: none);
            without it, ``loggers`` is free-form.
        execution_schemas: the schema of ``execution.config`` under ``"config"`` (the job's
            executor); other keys name the executors ``execution: {name: {config}}`` may
            choose.
        mapped_graphs: graphs with a config mapping, by node path: run config gives the
            mapping's outer config (``ops.<graph>.config``) instead of its ops' config.
    """
    defs: dict[str, Any] = {}
    mapped = dict(mapped_graphs or {})
    op_schemas = [(p, s) for p, s in op_schemas if not _under(p, mapped)]
    input_schemas = [i for i in input_schemas if not _under(i[0], mapped)]
    ops, ops_needed = _ops_tree(op_schemas, defs, input_schemas)
    for path, outer in mapped.items():
        if _under(path, {k: v for k, v in mapped.items() if len(k) < len(path)}):
            continue  # inside another mapped graph: that one's outer config covers it
        ops_needed = _add_mapped(ops, path, outer, defs) or ops_needed
    resource_props: dict[str, Any] = {}
    resources_required: list[str] = []
    for key, (schema, used) in resource_schemas.items():
        needed = used and is_required(schema)
        config = _hoist(schema, f"resource_{key}", defs)
        resource_props[key] = _object({"config": config}, ["config"] if needed else [])
        if needed:
            resources_required.append(key)
    top_required = (["ops"] if ops_needed else []) + (["resources"] if resources_required else [])
    root = _object(
        {
            "ops": ops,
            "resources": _object(resource_props, resources_required),
            "execution": _execution_node(execution_schemas, defs),
            "loggers": _loggers_node(logger_schemas, defs),
        },
        top_required,
    )
    if defs:
        root[_DEFS] = defs
    return root


def _under(path: tuple[str, ...], graphs: Mapping[tuple[str, ...], Any]) -> bool:
    """Whether ``path`` lies inside one of ``graphs`` (a node path strictly below it)."""
    return any(len(path) > len(g) and path[:len(g)] == g for g in graphs)


def _add_mapped(ops: dict[str, Any], path: tuple[str, ...], outer: dict[str, Any] | None,
                defs: dict[str, Any]) -> bool:
    """Put ``{config: outer}`` at the mapped graph ``path`` of the ``ops`` node; whether the
    graph's config is required (then every level above it is too)."""
    node = ops
    for part in path[:-1]:
        node = node["properties"].setdefault(part, _object({}, []))
        node = node["properties"].setdefault("ops", _object({}, []))
    config = _hoist(outer or {"type": "object"}, "graph_" + "__".join(path), defs)
    needed = outer is not None and is_required(config)
    node["properties"][path[-1]] = _object({"config": config}, ["config"] if needed else [])
    if needed:
        _require_path(ops, path)
    return needed


def _require_path(ops: dict[str, Any], path: tuple[str, ...]) -> None:
    node = ops
    for index, part in enumerate(path):
        required = node.setdefault("required", [])
        if part not in required:
            required.append(part)
            required.sort()
        if index < len(path) - 1:
            node = node["properties"][part]
            if "ops" not in node.setdefault("required", []):
                node["required"].append("ops")
            node = node["properties"]["ops"]


def _loggers_node(schemas: Mapping[str, dict[str, Any] | None] | None,
                  defs: dict[str, Any]) -> dict[str, Any]:
    if schemas is None:
        return {"type": "object"}
    properties = {
        name: _object(
            {"config": _hoist(schema, f"logger_{name}", defs) if schema is not None else {}},
            [],
        )
        for name, schema in schemas.items()
    }
    return _object(properties, [])


def _execution_node(schemas: Mapping[str, dict[str, Any] | None] | None,
                    defs: dict[str, Any]) -> dict[str, Any]:
    """``execution``: ``config`` checked against the job's executor's schema; the form naming
    an executor (``{multiprocess: {config: ...}}``) only by name, its config by the run (so
    that every job's snapshot does not repeat every executor's schema)."""
    if schemas is None:
        return {"type": "object"}
    properties: dict[str, Any] = {}
    for name, schema in schemas.items():
        if name == "config":
            properties[name] = _hoist(schema, "executor", defs) if schema is not None else {}
        else:
            properties[name] = {"type": "object", "properties": {"config": {"type": "object"}}}
    node = _object(properties, [])
    node["maxProperties"] = 1
    return node


def mapped_run_config_schema(
    base: dict[str, Any], outer: dict[str, Any] | None
) -> dict[str, Any]:
    """The run config schema of a job with a config mapping: the mapping's outer fields at the
    top, beside ``resources``, ``execution`` and ``loggers`` from ``base``."""
    defs: dict[str, Any] = dict(base.get(_DEFS, {}))
    outer = _hoist(outer or {"type": "object"}, "config_mapping", defs)
    properties = dict(outer.get("properties", {}))
    passthrough = ("resources", "execution", "loggers")
    properties.update({key: base["properties"][key] for key in passthrough})
    required = list(outer.get("required", ()))
    required += [key for key in base.get("required", ()) if key in passthrough]
    root = _object(properties, required)
    if outer.get("additionalProperties", False) is not False or "properties" not in outer:
        root["additionalProperties"] = True
    if defs:
        root[_DEFS] = defs
    return root
