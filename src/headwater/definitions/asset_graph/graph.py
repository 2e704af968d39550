"""The asset graph of a location: each asset's attributes and its dependency edges.

Built once per ``Definitions`` from its assets and specs. Selections, jobs and the snapshot
all read it; it holds no user functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey
from headwater.errors import CycleError, DuplicateDefinitionError


@dataclass(frozen=True)
class AssetNode:
    """What the graph knows of one asset."""

    key: AssetKey
    deps: frozenset[AssetKey] = frozenset()
    group_name: str = "default"
    description: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    owners: Sequence[str] = ()
    kinds: AbstractSet[str] = frozenset()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    code_version: str | None = None
    is_executable: bool = True
    partitions_def: Any = None
    check_keys: AbstractSet[AssetCheckKey] = frozenset()
    #: Name of the definition (op) that computes this asset, if executable.
    node_name: str | None = None
    #: Whether the op computing this asset can compute a subset of its assets.
    can_subset: bool = True


class AssetGraph:
    """Assets by key with parent and child edges.

    Dependencies on keys not in the graph are kept in ``node.deps`` and reported by
    :meth:`unknown_dependencies`; parent/child lookups only return known keys.
    """

    def __init__(self, nodes: Iterable[AssetNode]) -> None:
        self._nodes: dict[AssetKey, AssetNode] = {}
        for node in nodes:
            if node.key in self._nodes:
                raise DuplicateDefinitionError(
                    f"Asset key '{node.key.to_user_string()}' is defined twice. "
                    "Each asset key must be defined once per location."
                )
            self._nodes[node.key] = node
        self._children: dict[AssetKey, set[AssetKey]] = {key: set() for key in self._nodes}
        self._parents: dict[AssetKey, frozenset[AssetKey]] = {}
        for key, node in self._nodes.items():
            known = frozenset(dep for dep in node.deps if dep in self._nodes)
            self._parents[key] = known
            for dep in known:
                self._children[dep].add(key)

    @property
    def all_asset_keys(self) -> AbstractSet[AssetKey]:
        """Every key in the graph, external assets included."""
        return self._nodes.keys()

    @property
    def executable_asset_keys(self) -> set[AssetKey]:
        """Keys of assets that a run can materialize (not external specs)."""
        return {key for key, node in self._nodes.items() if node.is_executable}

    def has(self, key: AssetKey) -> bool:
        """Whether ``key`` is in the graph."""
        return key in self._nodes

    def node(self, key: AssetKey) -> AssetNode:
        """The node for ``key``; ``KeyError`` when absent."""
        return self._nodes[key]

    @property
    def nodes(self) -> Iterable[AssetNode]:
        """Every node, in definition order."""
        return self._nodes.values()

    def parents(self, key: AssetKey) -> AbstractSet[AssetKey]:
        """Direct upstream keys that are in the graph."""
        return self._parents[key]

    def children(self, key: AssetKey) -> AbstractSet[AssetKey]:
        """Direct downstream keys."""
        return self._children[key]

    def upstream(self, keys: Iterable[AssetKey], depth: int | None = None) -> set[AssetKey]:
        """``keys`` plus everything upstream of them, up to ``depth`` layers (None = all)."""
        return self._walk(keys, self._parents, depth)

    def downstream(self, keys: Iterable[AssetKey], depth: int | None = None) -> set[AssetKey]:
        """``keys`` plus everything downstream of them, up to ``depth`` layers (None = all)."""
        return self._walk(keys, self._children, depth)

    @staticmethod
    def _walk(
        keys: Iterable[AssetKey],
        edges: Mapping[AssetKey, AbstractSet[AssetKey]],
        depth: int | None,
    ) -> set[AssetKey]:
        seen = set(keys)
        frontier = list(seen)
        layer = 0
        while frontier and (depth is None or layer < depth):
            layer += 1
            next_frontier = []
            for key in frontier:
                for neighbour in edges.get(key, ()):
                    if neighbour not in seen:
                        seen.add(neighbour)
                        next_frontier.append(neighbour)
            frontier = next_frontier
        return seen

    def unknown_dependencies(self) -> list[tuple[AssetKey, AssetKey]]:
        """``(asset, missing_dep)`` pairs for dependencies on keys not in the graph."""
        return [
            (key, dep)
            for key, node in self._nodes.items()
            for dep in sorted(node.deps)
            if dep not in self._nodes
        ]

    def toposort(self, keys: AbstractSet[AssetKey] | None = None) -> list[AssetKey]:
        """Keys ordered so that every asset comes after its parents.

        Raises ``CycleError`` naming the assets on a cycle.
        """
        chosen = self._nodes.keys() if keys is None else keys
        indegree = {key: 0 for key in chosen}
        for key in indegree:
            for parent in self._parents[key]:
                if parent in indegree:
                    indegree[key] += 1
        ready = [key for key, degree in indegree.items() if degree == 0]
        order: list[AssetKey] = []
        while ready:
            key = ready.pop()
            order.append(key)
            for child in self._children[key]:
                if child in indegree:
                    indegree[child] -= 1
                    if indegree[child] == 0:
                        ready.append(child)
        if len(order) != len(indegree):
            remaining = {key for key, degree in indegree.items() if degree > 0}
            raise CycleError(
                "The asset graph has a cycle: "
                + " -> ".join(k.to_user_string() for k in _find_cycle(remaining, self._parents))
                + ". Remove one of these dependencies."
            )
        return order


def _find_cycle(
    remaining: set[AssetKey], parents: Mapping[AssetKey, AbstractSet[AssetKey]]
) -> list[AssetKey]:
    """One cycle among ``remaining`` (every key there lies on or below a cycle)."""
    start = min(remaining)
    path: list[AssetKey] = []
    index: dict[AssetKey, int] = {}
    key = start
    while key not in index:
        index[key] = len(path)
        path.append(key)
        key = min(parent for parent in parents[key] if parent in remaining)
    cycle = path[index[key] :]
    cycle.reverse()
    return [*cycle, cycle[0]]
