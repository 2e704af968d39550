"""Building a graph without a composition function: ``GraphDefinition(node_defs=...,
dependencies={...})`` with ``DependencyDefinition``, ``MultiDependencyDefinition`` and
``NodeInvocation``, and graph inputs and outputs as ``InputMapping``/``OutputMapping``.

The dependencies dict maps each node (its name, or a ``NodeInvocation`` giving an alias,
tags, hooks or retry policy) to its inputs, each an upstream output
(``DependencyDefinition("op", "output")``) or several (``MultiDependencyDefinition``, a
fan-in).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from headwater.definitions.ops import composition
from headwater.definitions.ops.composition import GraphInputRef, OutputHandle
from headwater.definitions.ops.op_definition import DEFAULT_OUTPUT
from headwater.errors import InvalidDefinitionError


@dataclass(frozen=True)
class DependencyDefinition:
    """An input fed by ``output`` of the node named ``node``."""

    node: str
    output: str = DEFAULT_OUTPUT
    description: str | None = None


@dataclass(frozen=True)
class MultiDependencyDefinition:
    """An input fed by several outputs, received as a list (fan-in)."""

    dependencies: Sequence[Any]


@dataclass(frozen=True, eq=False)  # a dict key by identity: its tags may be a dict
class NodeInvocation:
    """A use of the node definition ``name`` in a dependencies dict, with an optional alias,
    tags, hooks and retry policy."""

    name: str
    alias: str | None = None
    tags: Mapping[str, str] | None = None
    hook_defs: Any = None
    retry_policy: Any = None


@dataclass(frozen=True)
class GraphIn:
    """Describes an input of a graph (``@graph(ins={"x": GraphIn()})``)."""

    description: str | None = None


@dataclass(frozen=True)
class InputMapping:
    """The graph input ``graph_input_name`` feeds ``mapped_node_input_name`` of
    ``mapped_node_name``."""

    graph_input_name: str
    mapped_node_name: str
    mapped_node_input_name: str
    fan_in_index: int | None = None
    graph_input_description: str | None = None
    dagster_type: Any = None


@dataclass(frozen=True)
class OutputMapping:
    """The graph output ``graph_output_name`` is ``mapped_node_output_name`` of
    ``mapped_node_name``."""

    graph_output_name: str
    mapped_node_name: str
    mapped_node_output_name: str = DEFAULT_OUTPUT
    graph_output_description: str | None = None
    dagster_type: Any = None
    from_dynamic_mapping: bool = False
    metadata: Mapping[str, Any] = field(default_factory=dict)


def build_invocations(
    graph_name: str,
    node_defs: Sequence[Any],
    dependencies: Mapping[Any, Mapping[str, Any]] | None,
    input_mappings: Sequence[InputMapping] | None,
) -> tuple[dict[str, composition.NodeInvocation], list[str]]:
    """The invocations of the graph and its input names, from the older constructor form."""
    where = f"graph '{graph_name}'"
    defs = {d.name: d for d in node_defs}
    if len(defs) != len(node_defs):
        raise InvalidDefinitionError(f"{where} lists two node definitions with the same name.")
    uses: dict[str, tuple[Any, NodeInvocation | None]] = {}
    deps_by_node: dict[str, Mapping[str, Any]] = {}
    for node, node_inputs in (dependencies or {}).items():
        invocation = node if isinstance(node, NodeInvocation) else None
        def_name = invocation.name if invocation else str(node)
        if def_name not in defs:
            raise InvalidDefinitionError(
                f"{where}: dependencies name node '{def_name}', which is not in node_defs "
                f"({', '.join(sorted(defs)) or 'none'})."
            )
        node_name = (invocation.alias if invocation and invocation.alias else None) or def_name
        if node_name in uses:
            raise InvalidDefinitionError(f"{where} uses the node name '{node_name}' twice.")
        uses[node_name] = (defs[def_name], invocation)
        deps_by_node[node_name] = dict(node_inputs or {})
    aliased = {inv.name for _, inv in uses.values() if inv is not None and inv.alias}
    for name, definition in defs.items():
        if name not in uses and name not in aliased:
            uses[name] = (definition, None)
    graph_inputs = _graph_inputs(where, input_mappings, uses)
    invocations: dict[str, composition.NodeInvocation] = {}
    for node_name, (definition, invocation) in uses.items():
        inputs: dict[str, Any] = {}
        for input_name, dep in deps_by_node.get(node_name, {}).items():
            inputs[input_name] = _source(where, node_name, input_name, dep, uses)
        for input_name, ref in graph_inputs.get(node_name, {}).items():
            inputs[input_name] = ref
        unknown = [n for n in inputs if n not in definition.all_input_names]
        if unknown:
            raise InvalidDefinitionError(
                f"{where}: node '{node_name}' has no input '{unknown[0]}'. Its inputs: "
                f"{', '.join(definition.all_input_names) or 'none'}."
            )
        from headwater.definitions.ops.hooks import hook_set

        invocations[node_name] = composition.NodeInvocation(
            node_name, definition, inputs,
            dict(invocation.tags or {}) if invocation else {},
            invocation.retry_policy if invocation else None,
            hook_set(invocation.hook_defs) if invocation else (),
        )
    input_names = list(dict.fromkeys(m.graph_input_name for m in input_mappings or ()))
    return invocations, input_names


def _graph_inputs(where: str, input_mappings: Sequence[InputMapping] | None,
                  uses: Mapping[str, Any]) -> dict[str, dict[str, GraphInputRef]]:
    found: dict[str, dict[str, GraphInputRef]] = {}
    for mapping in input_mappings or ():
        if mapping.mapped_node_name not in uses:
            raise InvalidDefinitionError(
                f"{where}: input mapping '{mapping.graph_input_name}' names node "
                f"'{mapping.mapped_node_name}', which the graph does not have."
            )
        found.setdefault(mapping.mapped_node_name, {})[mapping.mapped_node_input_name] = (
            GraphInputRef(mapping.graph_input_name)
        )
    return found


def _source(where: str, node: str, input_name: str, dep: Any, uses: Mapping[str, Any]) -> Any:
    if isinstance(dep, MultiDependencyDefinition):
        return tuple(
            _source(where, node, input_name, d, uses) for d in dep.dependencies
            if not _is_nothing_marker(d)
        )
    if not isinstance(dep, DependencyDefinition):
        raise InvalidDefinitionError(
            f"{where}: input '{input_name}' of node '{node}' is {dep!r}; use "
            "DependencyDefinition(node, output) or MultiDependencyDefinition([...])."
        )
    if dep.node not in uses:
        raise InvalidDefinitionError(
            f"{where}: input '{input_name}' of node '{node}' depends on node '{dep.node}', "
            "which the graph does not have."
        )
    upstream = uses[dep.node][0]
    if dep.output not in upstream.output_names:
        raise InvalidDefinitionError(
            f"{where}: input '{input_name}' of node '{node}' depends on output '{dep.output}' "
            f"of '{dep.node}', which has outputs {', '.join(upstream.output_names)}."
        )
    return OutputHandle(dep.node, dep.output)


def _is_nothing_marker(value: Any) -> bool:
    return isinstance(value, type) and value.__name__ == "Nothing"


def output_handles(graph_name: str, output_mappings: Sequence[OutputMapping],
                   invocations: Mapping[str, Any]) -> dict[str, OutputHandle]:
    """Graph outputs as handles, from ``OutputMapping``s."""
    handles: dict[str, OutputHandle] = {}
    for mapping in output_mappings:
        if mapping.mapped_node_name not in invocations:
            raise InvalidDefinitionError(
                f"graph '{graph_name}': output mapping '{mapping.graph_output_name}' names node "
                f"'{mapping.mapped_node_name}', which the graph does not have."
            )
        handles[mapping.graph_output_name] = OutputHandle(
            mapping.mapped_node_name, mapping.mapped_node_output_name
        )
    return handles
