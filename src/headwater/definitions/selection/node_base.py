"""What every node of an :class:`AssetSelection` tree shares: the structural base class and
the helpers that write a node's Python form."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from headwater.core.frozen import FrozenRecord
from headwater.definitions.asset_graph import AssetGraph
from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey
from headwater.definitions.selection.asset_selection import (
    AssetSelection,
)


def quote(text: str) -> str:
    return '"' + text + '"'


def key_arg(key: AssetKey) -> str:
    if any("/" in part for part in key.parts):
        return repr(list(key.parts))
    return repr(key.to_user_string())


def sources_arg(include_sources: bool) -> str:
    return "include_sources=True" if include_sources else ""


def call(name: str, *args: str) -> str:
    return f"AssetSelection.{name}({', '.join(arg for arg in args if arg)})"


def base_keys(graph: AssetGraph, include_sources: bool) -> AbstractSet[AssetKey]:
    return graph.all_asset_keys if include_sources else graph.executable_asset_keys


def graph_check_keys(graph: AssetGraph) -> set[AssetCheckKey]:
    return {check for node in graph.nodes for check in node.check_keys}


set_field = object.__setattr__


class Node(AssetSelection, FrozenRecord):
    """Base of the node classes: immutable, compared and hashed by their fields.

    A node lists its fields, in constructor order, in ``__slots__`` (subclasses adding none
    declare ``__slots__ = ()``), and its ``__init__`` sets them with ``object.__setattr__``.
    ``repr`` stays :class:`AssetSelection`'s Python form.
    """

    __slots__ = ()
