"""Leaf nodes of an :class:`AssetSelection` tree: assets or checks chosen by key, key prefix,
group, tag, owner or kind (and all of them)."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet

from headwater.definitions.asset_graph import AssetGraph
from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey
from headwater.definitions.selection.asset_selection import (
    _ATOM,
    _OR,
    _TRAVERSAL,
    missing_keys_error,
)
from headwater.definitions.selection.node_base import (
    Node,
    base_keys,
    call,
    graph_check_keys,
    key_arg,
    quote,
    set_field,
    sources_arg,
)
from headwater.errors import NotFoundError

# ---- leaves ---------------------------------------------------------------------------


class AllSelection(Node):
    """Every executable asset (every asset with ``include_sources``)."""

    __slots__ = ("include_sources",)
    include_sources: bool

    def __init__(self, include_sources: bool = False) -> None:
        set_field(self, "include_sources", include_sources)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        return base_keys(graph, self.include_sources)

    @property
    def _precedence(self) -> int:
        return _TRAVERSAL

    def _selection_str(self) -> str:
        return "*"

    def _python_repr(self) -> str:
        return call("all", sources_arg(self.include_sources))


class KeysSelection(Node):
    """Explicit keys; resolving fails when one is not in the graph."""

    __slots__ = ("selected_keys",)
    selected_keys: tuple[AssetKey, ...]

    def __init__(self, selected_keys: tuple[AssetKey, ...]) -> None:
        set_field(self, "selected_keys", selected_keys)

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
        return " or ".join(f"key:{quote(key.to_user_string())}" for key in self.selected_keys)

    def _python_repr(self) -> str:
        return call("assets", *(key_arg(key) for key in self.selected_keys))


class KeyGlobSelection(Node):
    """Keys whose ``/``-joined form matches a pattern where ``*`` stands for any text."""

    __slots__ = ("pattern",)
    pattern: str

    def __init__(self, pattern: str) -> None:
        set_field(self, "pattern", pattern)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        regex = re.compile(".*".join(re.escape(piece) for piece in self.pattern.split("*")))
        return {key for key in graph.all_asset_keys if regex.fullmatch(key.to_user_string())}

    def _selection_str(self) -> str:
        return f"key:{quote(self.pattern)}"

    def _python_repr(self) -> str:
        return f"AssetSelection.from_string({self._selection_str()!r})"


class KeyPrefixesSelection(Node):
    """Keys starting with any of the prefixes."""

    __slots__ = ("prefixes", "include_sources")
    prefixes: tuple[tuple[str, ...], ...]
    include_sources: bool

    def __init__(
        self, prefixes: tuple[tuple[str, ...], ...], include_sources: bool = False
    ) -> None:
        set_field(self, "prefixes", prefixes)
        set_field(self, "include_sources", include_sources)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        base = base_keys(graph, self.include_sources)
        return {key for key in base if any(key.has_prefix(p) for p in self.prefixes)}

    @property
    def _precedence(self) -> int:
        return _ATOM if len(self.prefixes) == 1 else _OR

    def _selection_str(self) -> str:
        if not self.prefixes:
            return "<no assets>"
        return " or ".join(f"key_prefix:{quote('/'.join(p))}" for p in self.prefixes)

    def _python_repr(self) -> str:
        args = [repr("/".join(p)) for p in self.prefixes]
        return call("key_prefixes", *args, sources_arg(self.include_sources))


class GroupsSelection(Node):
    """Assets in any of the groups."""

    __slots__ = ("selected_groups", "include_sources")
    selected_groups: tuple[str, ...]
    include_sources: bool

    def __init__(self, selected_groups: tuple[str, ...], include_sources: bool = False) -> None:
        set_field(self, "selected_groups", selected_groups)
        set_field(self, "include_sources", include_sources)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        base = base_keys(graph, self.include_sources)
        return {key for key in base if graph.node(key).group_name in self.selected_groups}

    @property
    def _precedence(self) -> int:
        return _ATOM if len(self.selected_groups) == 1 else _OR

    def _selection_str(self) -> str:
        if not self.selected_groups:
            return "<no assets>"
        return " or ".join(f"group:{quote(group)}" for group in self.selected_groups)

    def _python_repr(self) -> str:
        args = [repr(group) for group in self.selected_groups]
        return call("groups", *args, sources_arg(self.include_sources))


class TagSelection(Node):
    """Assets carrying a tag key, optionally with a given value."""

    __slots__ = ("key", "value", "include_sources")
    key: str
    value: str | None
    include_sources: bool

    def __init__(self, key: str, value: str | None = None, include_sources: bool = False) -> None:
        set_field(self, "key", key)
        set_field(self, "value", value)
        set_field(self, "include_sources", include_sources)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        base = base_keys(graph, self.include_sources)
        selected = set()
        for key in base:
            tags = graph.node(key).tags
            if self.key in tags and (self.value is None or tags[self.key] == self.value):
                selected.add(key)
        return selected

    def _selection_str(self) -> str:
        value = "" if self.value is None else f"={quote(self.value)}"
        return f"tag:{quote(self.key)}{value}"

    def _python_repr(self) -> str:
        value = "" if self.value is None else repr(self.value)
        return call("tag", repr(self.key), value, sources_arg(self.include_sources))


class OwnerSelection(Node):
    """Assets (external ones included) listing an owner."""

    __slots__ = ("selected_owner",)
    selected_owner: str

    def __init__(self, selected_owner: str) -> None:
        set_field(self, "selected_owner", selected_owner)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        return {node.key for node in graph.nodes if self.selected_owner in node.owners}

    def _selection_str(self) -> str:
        return f"owner:{quote(self.selected_owner)}"

    def _python_repr(self) -> str:
        return call("owner", repr(self.selected_owner))


class KindSelection(Node):
    """Assets of a kind (``None``: assets without any kind)."""

    __slots__ = ("selected_kind", "include_sources")
    selected_kind: str | None
    include_sources: bool

    def __init__(self, selected_kind: str | None, include_sources: bool = False) -> None:
        set_field(self, "selected_kind", selected_kind)
        set_field(self, "include_sources", include_sources)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        base = base_keys(graph, self.include_sources)
        if self.selected_kind is None:
            return {key for key in base if not graph.node(key).kinds}
        return {key for key in base if self.selected_kind in graph.node(key).kinds}

    def _selection_str(self) -> str:
        return "kind:<none>" if self.selected_kind is None else f"kind:{quote(self.selected_kind)}"

    def _python_repr(self) -> str:
        return call("kind", repr(self.selected_kind), sources_arg(self.include_sources))


# ---- checks ---------------------------------------------------------------------------


class AllChecksSelection(Node):
    """Every asset check, no assets."""

    __slots__ = ()

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        return set()

    def _resolve_checks(self, graph: AssetGraph) -> AbstractSet[AssetCheckKey]:
        return graph_check_keys(graph)

    def _selection_str(self) -> str:
        return "all_asset_checks()"

    def _python_repr(self) -> str:
        return call("all_asset_checks")


class ChecksForAssetsSelection(Node):
    """The checks targeting some assets, no assets."""

    __slots__ = ("selected_keys",)
    selected_keys: tuple[AssetKey, ...]

    def __init__(self, selected_keys: tuple[AssetKey, ...]) -> None:
        set_field(self, "selected_keys", selected_keys)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        return set()

    def _resolve_checks(self, graph: AssetGraph) -> AbstractSet[AssetCheckKey]:
        return KeysSelection(self.selected_keys)._resolve_checks(graph)

    def _selection_str(self) -> str:
        return f"checks_for_assets({', '.join(k.to_user_string() for k in self.selected_keys)})"

    def _python_repr(self) -> str:
        return call("checks_for_assets", *(key_arg(key) for key in self.selected_keys))


class CheckKeysSelection(Node):
    """Explicit asset checks, no assets."""

    __slots__ = ("check_keys",)
    check_keys: tuple[AssetCheckKey, ...]

    def __init__(self, check_keys: tuple[AssetCheckKey, ...]) -> None:
        set_field(self, "check_keys", check_keys)

    def _resolve_keys(self, graph: AssetGraph) -> AbstractSet[AssetKey]:
        return set()

    def _resolve_checks(self, graph: AssetGraph) -> AbstractSet[AssetCheckKey]:
        known = graph_check_keys(graph)
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
        return call("checks", *(repr(key) for key in self.check_keys))
