"""Operator nodes of an :class:`AssetSelection` tree: union, intersection and difference, and
graph traversals (upstream, downstream, roots, sinks, ...) of a child selection."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import ClassVar

from headwater.definitions.asset_graph import AssetGraph
from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey
from headwater.definitions.selection.asset_selection import (
    _AND,
    _ATOM,
    _NOT,
    _OR,
    _TRAVERSAL,
    AssetSelection,
)
from headwater.definitions.selection.leaf_nodes import AllSelection
from headwater.definitions.selection.node_base import (
    Node,
    set_field,
)


def flatten(
    kind: type[AssetSelection], operands: Iterable[AssetSelection]
) -> tuple[AssetSelection, ...]:
    """The operands, with nested nodes of the same ``kind`` (Or or And) inlined."""
    flat: list[AssetSelection] = []
    for operand in operands:
        if type(operand) is kind and isinstance(operand, (OrSelection, AndSelection)):
            flat.extend(operand.operands)
        else:
            flat.append(operand)
    return tuple(flat)


def union_of(parts: Sequence[AssetSelection]) -> AssetSelection:
    """The union of one or more selections, as a single flat ``OrSelection``."""
    return parts[0] if len(parts) == 1 else OrSelection(flatten(OrSelection, parts))


# ---- boolean operators ----------------------------------------------------------------


class OrSelection(Node):
    """The union of the operands."""

    __slots__ = ("operands",)
    operands: tuple[AssetSelection, ...]

    def __init__(self, operands: tuple[AssetSelection, ...]) -> None:
        set_field(self, "operands", operands)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        return set().union(*(op._resolve_keys(graph) for op in self.operands))

    def _resolve_checks(self, graph: AssetGraph) -> AbstractSet[AssetCheckKey]:
        return set().union(*(op._resolve_checks(graph) for op in self.operands))

    @property
    def _precedence(self) -> int:
        return _OR

    def _selection_str(self) -> str:
        return " or ".join(op._operand_str(_OR) for op in self.operands)

    def _python_repr(self) -> str:
        return "(" + " | ".join(repr(op) for op in self.operands) + ")"


class AndSelection(Node):
    """The intersection of the operands."""

    __slots__ = ("operands",)
    operands: tuple[AssetSelection, ...]

    def __init__(self, operands: tuple[AssetSelection, ...]) -> None:
        set_field(self, "operands", operands)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        first, *rest = (op._resolve_keys(graph) for op in self.operands)
        return set(first).intersection(*rest)

    def _resolve_checks(self, graph: AssetGraph) -> AbstractSet[AssetCheckKey]:
        first, *rest = (op._resolve_checks(graph) for op in self.operands)
        return set(first).intersection(*rest)

    @property
    def _precedence(self) -> int:
        return _AND

    def _selection_str(self) -> str:
        return " and ".join(op._operand_str(_AND) for op in self.operands)

    def _python_repr(self) -> str:
        return "(" + " & ".join(repr(op) for op in self.operands) + ")"


class SubtractSelection(Node):
    """``left`` without ``right`` (assets and checks alike)."""

    __slots__ = ("left", "right")
    left: AssetSelection
    right: AssetSelection

    def __init__(self, left: AssetSelection, right: AssetSelection) -> None:
        set_field(self, "left", left)
        set_field(self, "right", right)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        return set(self.left._resolve_keys(graph)) - set(self.right._resolve_keys(graph))

    def _resolve_checks(self, graph: AssetGraph) -> AbstractSet[AssetCheckKey]:
        return set(self.left._resolve_checks(graph)) - set(self.right._resolve_checks(graph))

    @property
    def _precedence(self) -> int:
        return _NOT if self._is_complement else _AND

    @property
    def _is_complement(self) -> bool:
        return isinstance(self.left, AllSelection)

    def _selection_str(self) -> str:
        negated = f"not {self.right._operand_str(_NOT)}"
        if self._is_complement:
            return negated
        return f"{self.left._operand_str(_AND)} and {negated}"

    def _python_repr(self) -> str:
        return f"({self.left!r} - {self.right!r})"


# ---- graph walks ----------------------------------------------------------------------


class _Traversal(Node):
    """The child plus what lies up to ``depth`` layers away from it in one direction."""

    __slots__ = ("child", "depth", "include_self")
    child: AssetSelection
    depth: int | None
    include_self: bool

    #: The Python method that builds this node (``upstream`` / ``downstream``).
    _method: ClassVar[str] = ""

    def __init__(
        self, child: AssetSelection, depth: int | None = None, include_self: bool = True
    ) -> None:
        set_field(self, "child", child)
        set_field(self, "depth", depth)
        set_field(self, "include_self", include_self)

    def _walk(self, graph: AssetGraph, selected: set[AssetKey]) -> set[AssetKey]:
        raise NotImplementedError

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        selected = set(self.child._resolve_keys(graph))
        found = self._walk(graph, selected)
        return found if self.include_self else found - selected

    @property
    def _precedence(self) -> int:
        return _TRAVERSAL if self.include_self else _AND

    def _marked(self, child: str) -> str:
        raise NotImplementedError

    def _selection_str(self) -> str:
        child = self.child._operand_str(_ATOM)
        text = self._marked(child)
        return text if self.include_self else f"{text} and not {child}"

    def _python_repr(self) -> str:
        args = [] if self.depth is None else [f"depth={self.depth}"]
        args += [] if self.include_self else ["include_self=False"]
        return f"{self.child!r}.{self._method}({', '.join(args)})"


class UpstreamSelection(_Traversal):
    """The child plus its executable ancestors, up to ``depth`` layers."""

    __slots__ = ()
    _method = "upstream"

    def _walk(self, graph: AssetGraph, selected: set[AssetKey]) -> set[AssetKey]:
        return graph.upstream(selected, self.depth) & graph.executable_asset_keys

    def _marked(self, child: str) -> str:
        return ("+" if self.depth is None else f"{self.depth}+") + child


class DownstreamSelection(_Traversal):
    """The child plus its descendants, down to ``depth`` layers."""

    __slots__ = ()
    _method = "downstream"

    def _walk(self, graph: AssetGraph, selected: set[AssetKey]) -> set[AssetKey]:
        return graph.downstream(selected, self.depth)

    def _marked(self, child: str) -> str:
        if self.depth == 0:
            return child
        return child + ("+" if self.depth is None else f"+{self.depth}")


class _ChildSelection(Node):
    __slots__ = ("child",)
    child: AssetSelection

    def __init__(self, child: AssetSelection) -> None:
        set_field(self, "child", child)

    #: name used by both the selection syntax and the Python method.
    _name = ""

    def _selection_str(self) -> str:
        return f"{self._name}({self.child._selection_str()})"

    def _python_repr(self) -> str:
        return f"{self.child!r}.{self._name}()"


class RootsSelection(_ChildSelection):
    """Selected keys with no ancestor inside the selection."""

    __slots__ = ()
    _name = "roots"

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        selected = set(self.child._resolve_keys(graph))
        below = graph.downstream({c for key in selected for c in graph.children(key)})
        return selected - below


class SinksSelection(_ChildSelection):
    """Selected keys with no descendant inside the selection."""

    __slots__ = ()
    _name = "sinks"

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        selected = set(self.child._resolve_keys(graph))
        above = graph.upstream({p for key in selected for p in graph.parents(key)})
        return selected - above


class RequiredNeighborsSelection(_ChildSelection):
    """The child plus the other keys of each selected key's node, when it cannot subset."""

    __slots__ = ()
    _name = "required_multi_asset_neighbors"

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        selected = set(self.child._resolve_keys(graph))
        by_node: dict[str, set[AssetKey]] = {}
        for node in graph.nodes:
            if node.node_name is not None:
                by_node.setdefault(node.node_name, set()).add(node.key)
        result = set(selected)
        for key in selected:
            node = graph.node(key)
            # AssetNode has no subsetting flag yet: without one, a node computes all its keys.
            if node.node_name is not None and not node.can_subset:
                result |= by_node[node.node_name]
        return result


class MaterializableSelection(_ChildSelection):
    """The child's executable keys."""

    __slots__ = ()
    _name = "materializable"

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        return set(self.child._resolve_keys(graph)) & graph.executable_asset_keys


class UpstreamSourcesSelection(_ChildSelection):
    """The external (non-executable) keys upstream of the child."""

    __slots__ = ()
    _name = "upstream_source_assets"

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        found = graph.upstream(self.child._resolve_keys(graph))
        return found - graph.executable_asset_keys
