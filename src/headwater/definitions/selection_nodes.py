"""The node types of an :class:`~headwater.definitions.asset_selection.AssetSelection` tree.

Users build these through ``AssetSelection``'s constructors and operators; each node is
immutable, and equality and hashing are structural (see :class:`_Node`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from typing import ClassVar

from headwater.definitions.asset_graph import AssetGraph
from headwater.definitions.asset_key import AssetCheckKey, AssetKey
from headwater.definitions.asset_selection import (
    _AND,
    _ATOM,
    _NOT,
    _OR,
    _TRAVERSAL,
    AssetSelection,
    missing_keys_error,
)
from headwater.definitions.frozen import FrozenRecord
from headwater.errors import NotFoundError


def _quote(text: str) -> str:
    return '"' + text + '"'


def _key_arg(key: AssetKey) -> str:
    if any("/" in part for part in key.parts):
        return repr(list(key.parts))
    return repr(key.to_user_string())


def _sources_arg(include_sources: bool) -> str:
    return "include_sources=True" if include_sources else ""


def _call(name: str, *args: str) -> str:
    return f"AssetSelection.{name}({', '.join(arg for arg in args if arg)})"


def _base(graph: AssetGraph, include_sources: bool) -> AbstractSet[AssetKey]:
    return graph.all_asset_keys if include_sources else graph.executable_asset_keys


def _graph_check_keys(graph: AssetGraph) -> set[AssetCheckKey]:
    return {check for node in graph.nodes for check in node.check_keys}


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


_set = object.__setattr__


class _Node(AssetSelection, FrozenRecord):
    """Base of the node classes: immutable, compared and hashed by their fields.

    A node lists its fields, in constructor order, in ``__slots__`` (subclasses adding none
    declare ``__slots__ = ()``), and its ``__init__`` sets them with ``object.__setattr__``.
    ``repr`` stays :class:`AssetSelection`'s Python form.
    """

    __slots__ = ()


# ---- leaves ---------------------------------------------------------------------------


class AllSelection(_Node):
    """Every executable asset (every asset with ``include_sources``)."""

    __slots__ = ("include_sources",)
    include_sources: bool

    def __init__(self, include_sources: bool = False) -> None:
        _set(self, "include_sources", include_sources)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        return _base(graph, self.include_sources)

    @property
    def _precedence(self) -> int:
        return _TRAVERSAL

    def _selection_str(self) -> str:
        return "*"

    def _python_repr(self) -> str:
        return _call("all", _sources_arg(self.include_sources))


class KeysSelection(_Node):
    """Explicit keys; resolving fails when one is not in the graph."""

    __slots__ = ("selected_keys",)
    selected_keys: tuple[AssetKey, ...]

    def __init__(self, selected_keys: tuple[AssetKey, ...]) -> None:
        _set(self, "selected_keys", selected_keys)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        missing = [key for key in self.selected_keys if not graph.has(key)]
        if missing:
            raise missing_keys_error(missing, graph)
        return set(self.selected_keys)

    @property
    def _precedence(self) -> int:
        return _ATOM if len(self.selected_keys) == 1 else _OR

    def _selection_str(self) -> str:
        if not self.selected_keys:
            return "<no assets>"
        return " or ".join(f"key:{_quote(key.to_user_string())}" for key in self.selected_keys)

    def _python_repr(self) -> str:
        return _call("assets", *(_key_arg(key) for key in self.selected_keys))


class KeyGlobSelection(_Node):
    """Keys whose ``/``-joined form matches a pattern where ``*`` stands for any text."""

    __slots__ = ("pattern",)
    pattern: str

    def __init__(self, pattern: str) -> None:
        _set(self, "pattern", pattern)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        regex = re.compile(".*".join(re.escape(piece) for piece in self.pattern.split("*")))
        return {key for key in graph.all_asset_keys if regex.fullmatch(key.to_user_string())}

    def _selection_str(self) -> str:
        return f"key:{_quote(self.pattern)}"

    def _python_repr(self) -> str:
        return f"AssetSelection.from_string({self._selection_str()!r})"


class KeyPrefixesSelection(_Node):
    """Keys starting with any of the prefixes."""

    __slots__ = ("prefixes", "include_sources")
    prefixes: tuple[tuple[str, ...], ...]
    include_sources: bool

    def __init__(
        self, prefixes: tuple[tuple[str, ...], ...], include_sources: bool = False
    ) -> None:
        _set(self, "prefixes", prefixes)
        _set(self, "include_sources", include_sources)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        base = _base(graph, self.include_sources)
        return {key for key in base if any(key.has_prefix(p) for p in self.prefixes)}

    @property
    def _precedence(self) -> int:
        return _ATOM if len(self.prefixes) == 1 else _OR

    def _selection_str(self) -> str:
        if not self.prefixes:
            return "<no assets>"
        return " or ".join(f"key_prefix:{_quote('/'.join(p))}" for p in self.prefixes)

    def _python_repr(self) -> str:
        args = [repr("/".join(p)) for p in self.prefixes]
        return _call("key_prefixes", *args, _sources_arg(self.include_sources))


class GroupsSelection(_Node):
    """Assets in any of the groups."""

    __slots__ = ("selected_groups", "include_sources")
    selected_groups: tuple[str, ...]
    include_sources: bool

    def __init__(self, selected_groups: tuple[str, ...], include_sources: bool = False) -> None:
        _set(self, "selected_groups", selected_groups)
        _set(self, "include_sources", include_sources)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        base = _base(graph, self.include_sources)
        return {key for key in base if graph.node(key).group_name in self.selected_groups}

    @property
    def _precedence(self) -> int:
        return _ATOM if len(self.selected_groups) == 1 else _OR

    def _selection_str(self) -> str:
        if not self.selected_groups:
            return "<no assets>"
        return " or ".join(f"group:{_quote(group)}" for group in self.selected_groups)

    def _python_repr(self) -> str:
        args = [repr(group) for group in self.selected_groups]
        return _call("groups", *args, _sources_arg(self.include_sources))


class TagSelection(_Node):
    """Assets carrying a tag key, optionally with a given value."""

    __slots__ = ("key", "value", "include_sources")
    key: str
    value: str | None
    include_sources: bool

    def __init__(self, key: str, value: str | None = None, include_sources: bool = False) -> None:
        _set(self, "key", key)
        _set(self, "value", value)
        _set(self, "include_sources", include_sources)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        base = _base(graph, self.include_sources)
        selected = set()
        for key in base:
            tags = graph.node(key).tags
            if self.key in tags and (self.value is None or tags[self.key] == self.value):
                selected.add(key)
        return selected

    def _selection_str(self) -> str:
        value = "" if self.value is None else f"={_quote(self.value)}"
        return f"tag:{_quote(self.key)}{value}"

    def _python_repr(self) -> str:
        value = "" if self.value is None else repr(self.value)
        return _call("tag", repr(self.key), value, _sources_arg(self.include_sources))


class OwnerSelection(_Node):
    """Assets (external ones included) listing an owner."""

    __slots__ = ("selected_owner",)
    selected_owner: str

    def __init__(self, selected_owner: str) -> None:
        _set(self, "selected_owner", selected_owner)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        return {node.key for node in graph.nodes if self.selected_owner in node.owners}

    def _selection_str(self) -> str:
        return f"owner:{_quote(self.selected_owner)}"

    def _python_repr(self) -> str:
        return _call("owner", repr(self.selected_owner))


class KindSelection(_Node):
    """Assets of a kind (``None``: assets without any kind)."""

    __slots__ = ("selected_kind", "include_sources")
    selected_kind: str | None
    include_sources: bool

    def __init__(self, selected_kind: str | None, include_sources: bool = False) -> None:
        _set(self, "selected_kind", selected_kind)
        _set(self, "include_sources", include_sources)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        base = _base(graph, self.include_sources)
        if self.selected_kind is None:
            return {key for key in base if not graph.node(key).kinds}
        return {key for key in base if self.selected_kind in graph.node(key).kinds}

    def _selection_str(self) -> str:
        return "kind:<none>" if self.selected_kind is None else f"kind:{_quote(self.selected_kind)}"

    def _python_repr(self) -> str:
        return _call("kind", repr(self.selected_kind), _sources_arg(self.include_sources))


# ---- checks ---------------------------------------------------------------------------


class AllChecksSelection(_Node):
    """Every asset check, no assets."""

    __slots__ = ()

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        return set()

    def _resolve_checks(self, graph: AssetGraph) -> AbstractSet[AssetCheckKey]:
        return _graph_check_keys(graph)

    def _selection_str(self) -> str:
        return "all_asset_checks()"

    def _python_repr(self) -> str:
        return _call("all_asset_checks")


class ChecksForAssetsSelection(_Node):
    """The checks targeting some assets, no assets."""

    __slots__ = ("selected_keys",)
    selected_keys: tuple[AssetKey, ...]

    def __init__(self, selected_keys: tuple[AssetKey, ...]) -> None:
        _set(self, "selected_keys", selected_keys)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        return set()

    def _resolve_checks(self, graph: AssetGraph) -> AbstractSet[AssetCheckKey]:
        return KeysSelection(self.selected_keys)._resolve_checks(graph)

    def _selection_str(self) -> str:
        return f"checks_for_assets({', '.join(k.to_user_string() for k in self.selected_keys)})"

    def _python_repr(self) -> str:
        return _call("checks_for_assets", *(_key_arg(key) for key in self.selected_keys))


class CheckKeysSelection(_Node):
    """Explicit asset checks, no assets."""

    __slots__ = ("check_keys",)
    check_keys: tuple[AssetCheckKey, ...]

    def __init__(self, check_keys: tuple[AssetCheckKey, ...]) -> None:
        _set(self, "check_keys", check_keys)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        return set()

    def _resolve_checks(self, graph: AssetGraph) -> AbstractSet[AssetCheckKey]:
        known = _graph_check_keys(graph)
        missing = sorted(key.to_user_string() for key in self.check_keys if key not in known)
        if missing:
            raise NotFoundError(
                f"Asset check(s) {', '.join(map(repr, missing))} were selected but are not "
                "defined in this location. Known checks: "
                f"{', '.join(sorted(k.to_user_string() for k in known)) or 'none'}."
            )
        return set(self.check_keys)

    def _selection_str(self) -> str:
        return f"checks({', '.join(k.to_user_string() for k in self.check_keys)})"

    def _python_repr(self) -> str:
        return _call("checks", *(repr(key) for key in self.check_keys))


# ---- boolean operators ----------------------------------------------------------------


class OrSelection(_Node):
    """The union of the operands."""

    __slots__ = ("operands",)
    operands: tuple[AssetSelection, ...]

    def __init__(self, operands: tuple[AssetSelection, ...]) -> None:
        _set(self, "operands", operands)

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


class AndSelection(_Node):
    """The intersection of the operands."""

    __slots__ = ("operands",)
    operands: tuple[AssetSelection, ...]

    def __init__(self, operands: tuple[AssetSelection, ...]) -> None:
        _set(self, "operands", operands)

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


class SubtractSelection(_Node):
    """``left`` without ``right`` (assets and checks alike)."""

    __slots__ = ("left", "right")
    left: AssetSelection
    right: AssetSelection

    def __init__(self, left: AssetSelection, right: AssetSelection) -> None:
        _set(self, "left", left)
        _set(self, "right", right)

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


class _Traversal(_Node):
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
        _set(self, "child", child)
        _set(self, "depth", depth)
        _set(self, "include_self", include_self)

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


class _ChildSelection(_Node):
    __slots__ = ("child",)
    child: AssetSelection

    def __init__(self, child: AssetSelection) -> None:
        _set(self, "child", child)

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
