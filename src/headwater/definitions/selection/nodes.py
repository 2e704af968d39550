"""Every node type of an :class:`AssetSelection` tree, in one namespace.

``AssetSelection``'s constructors and operators build nodes through this module, which
it imports last (the node classes subclass ``AssetSelection``)."""

from __future__ import annotations

from headwater.definitions.selection.leaf_nodes import (
    AllChecksSelection,
    AllSelection,
    CheckKeysSelection,
    ChecksForAssetsSelection,
    GroupsSelection,
    KeyGlobSelection,
    KeyPrefixesSelection,
    KeysSelection,
    KindSelection,
    OwnerSelection,
    TagSelection,
)
from headwater.definitions.selection.node_base import Node
from headwater.definitions.selection.operator_nodes import (
    AndSelection,
    DownstreamSelection,
    MaterializableSelection,
    OrSelection,
    RequiredNeighborsSelection,
    RootsSelection,
    SinksSelection,
    SubtractSelection,
    UpstreamSelection,
    UpstreamSourcesSelection,
    flatten,
    union_of,
)

__all__ = [
    "AllChecksSelection",
    "AllSelection",
    "AndSelection",
    "CheckKeysSelection",
    "ChecksForAssetsSelection",
    "DownstreamSelection",
    "GroupsSelection",
    "KeyGlobSelection",
    "KeyPrefixesSelection",
    "KeysSelection",
    "KindSelection",
    "MaterializableSelection",
    "Node",
    "OrSelection",
    "OwnerSelection",
    "RequiredNeighborsSelection",
    "RootsSelection",
    "SinksSelection",
    "SubtractSelection",
    "TagSelection",
    "UpstreamSelection",
    "UpstreamSourcesSelection",
    "flatten",
    "union_of",
]
