"""The asset graph: the keys that identify assets and checks, and the dependency graph of them.

``keys`` holds :class:`AssetKey` and :class:`AssetCheckKey`; ``graph`` holds
:class:`AssetGraph`, the plain structure (attributes and edges, no user functions) that
``Definitions`` builds from its assets and that selections, jobs and the snapshot read. Every
other definitions subpackage may import this one; it imports nothing of ``definitions`` and,
of the rest of headwater, only ``errors``.
"""

from headwater.definitions.asset_graph.graph import AssetGraph, AssetNode
from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey

__all__ = ["AssetCheckKey", "AssetGraph", "AssetKey", "AssetNode"]
