"""Graph-level config mappings: ``@graph(config=ConfigMapping(...))`` inside a job.

Run config for such a graph gives the mapping's outer config
(``ops: {my_graph: {config: {...}}}``); the mapping turns it into its ops' config
(``ops: {my_graph: {ops: {inner_op: {config: ...}}}}``) before the run validates op config.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from headwater.definitions.ops.graphs import GraphDefinition

__all__ = ["apply_graph_config_mappings"]


def apply_graph_config_mappings(
    graph: GraphDefinition, ops_config: Mapping[str, Any], path: str = "ops"
) -> dict[str, Any]:
    """``ops_config`` (for ``graph``'s nodes) with every mapped graph's config expanded."""
    out = dict(ops_config)
    for name, invocation in graph.invocations.items():
        node = invocation.definition
        entry = out.get(name)
        if not isinstance(node, GraphDefinition) or not isinstance(entry, Mapping):
            continue
        entry = dict(entry)
        mapping = node.config
        where = f"{path}.{name}"
        if callable(getattr(mapping, "resolve", None)) and "config" in entry:
            mapped = mapping.resolve(entry.pop("config"), f"graph '{node.name}'", f"{where}.config")
            given_ops = entry.get("ops") or {}
            entry["ops"] = {**(mapped or {}), **given_ops}
        if isinstance(entry.get("ops"), Mapping):
            entry["ops"] = apply_graph_config_mappings(node, entry["ops"], f"{where}.ops")
        out[name] = entry
    return out
