"""The assets an automation tick looks at, built from location snapshots.

Each asset's candidates are its partition keys as of the tick (``""`` stands for the one
"partition" of an unpartitioned asset); partition keys are listed once per distinct
partitions definition, not once per asset.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from headwater.core.partition_keys import partition_keys, time_windows
from headwater.daemon.automation.tree import Node, parse
from headwater.snapshot.location import AssetCheckSnap, AssetSnap, PartitionsSnap

#: The single candidate of an unpartitioned asset.
UNPARTITIONED = ""

Parts = frozenset[str]


@dataclass(eq=False)
class PartitionSpace:
    """The partition keys of one partitions definition, as of the tick (time windows with
    their start and end, epoch seconds)."""

    ident: str | None
    keys: list[str]
    all: Parts
    data: dict[str, Any] | None = None
    starts: list[float] = field(default_factory=list)
    ends: list[float] = field(default_factory=list)
    #: A multi-dimensional definition's dimensions by name, each a space of its own.
    dimensions: dict[str, PartitionSpace] = field(default_factory=dict)
    _index: dict[str, int] | None = field(default=None, repr=False)

    @property
    def index(self) -> dict[str, int]:
        """Each key's position (built on first use)."""
        if self._index is None:
            self._index = {key: position for position, key in enumerate(self.keys)}
        return self._index

    @property
    def is_time_window(self) -> bool:
        """Whether the keys are time windows."""
        return self.data is not None and self.data.get("kind") == "time_window"

    def latest(self, lookback_seconds: float | None) -> Parts:
        """The latest time partition (and those ending within ``lookback_seconds`` of it);
        every key for definitions without time windows."""
        if not self.is_time_window:
            return self.all
        if not self.keys:
            return frozenset()
        if not lookback_seconds:
            return frozenset(self.keys[-1:])
        last_end = self.ends[-1]
        found = []
        for key, end in zip(reversed(self.keys), reversed(self.ends), strict=True):
            if last_end - end > lookback_seconds:
                break
            found.append(key)
        return frozenset(found)


UNPARTITIONED_SPACE = PartitionSpace(None, [UNPARTITIONED], frozenset({UNPARTITIONED}))


@dataclass(eq=False)
class AssetView:
    """One asset as the evaluator sees it."""

    key: str
    path: list[str]
    deps: tuple[str, ...] = ()
    space: PartitionSpace = UNPARTITIONED_SPACE
    tree: Node | None = None
    tree_data: dict[str, Any] | None = None
    code_version: str | None = None
    location: str | None = None
    repository: str | None = None
    is_executable: bool = True
    checks: list[AssetCheckSnap] = field(default_factory=list)
    downstream: list[str] = field(default_factory=list)
    #: Dependency key -> its partition mapping's plain data (``PartitionMapping.to_dict``).
    mappings: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Dependency key -> how this asset's partitions map to the dependency's (built once).
    edges: dict[str, Any] = field(default_factory=dict)
    #: For an asset check's condition: the check's name (``key`` is ``asset:name``, ``path``
    #: the checked asset's, ``deps`` the asset and the check's additional deps).
    check_name: str | None = None
    #: For a check computed by its asset's own op: the assets that op materializes (a run
    #: of the check must materialize them too).
    producers: list[list[str]] = field(default_factory=list)

    @property
    def partitioned(self) -> bool:
        """Whether the asset has partitions."""
        return self.space.ident is not None


def key_string(path: Sequence[str]) -> str:
    """An asset key as one string, ``a/b``."""
    return "/".join(path)


def check_key_string(asset_path: Sequence[str], name: str) -> str:
    """An asset check's key as one string, ``a/b:name`` (as Dagster writes it)."""
    return f"{key_string(asset_path)}:{name}"


class AssetCatalog:
    """Every asset of the evaluated locations, with partition spaces listed once each."""

    def __init__(self, now: float, dynamic_store: Any = None) -> None:
        self.now = now
        self.dynamic_store = dynamic_store
        self.assets: dict[str, AssetView] = {}
        self._spaces: dict[str, PartitionSpace] = {}

    def add(self, snaps: Sequence[AssetSnap], location: str | None, repository: str | None,
            checks: Sequence[AssetCheckSnap] = ()) -> None:
        """Add a repository's assets (and their checks)."""
        by_key: dict[str, list[AssetCheckSnap]] = {}
        for check in checks:
            by_key.setdefault(key_string(check.asset_key), []).append(check)
        for snap in snaps:
            key = key_string(snap.key)
            tree = snap.automation_condition_tree
            self.assets[key] = AssetView(
                key=key, path=list(snap.key), deps=tuple(key_string(dep) for dep in snap.deps),
                space=self.space(snap.partitions), tree=parse(tree) if tree else None,
                tree_data=tree, code_version=snap.code_version, location=location,
                repository=repository, is_executable=snap.is_executable,
                checks=by_key.get(key, []), mappings=snap.partition_mappings)
        by_node: dict[str, list[list[str]]] = {}
        for snap in snaps:
            if snap.node_name is not None:
                by_node.setdefault(snap.node_name, []).append(list(snap.key))
        for check in checks:
            tree = check.automation_condition_tree
            if tree is None:
                continue
            key = check_key_string(check.asset_key, check.name)
            self.assets[key] = AssetView(
                key=key, path=list(check.asset_key), deps=tuple(dict.fromkeys(
                    key_string(dep) for dep in [check.asset_key, *check.additional_deps])),
                tree=parse(tree), tree_data=tree, location=location, repository=repository,
                check_name=check.name, producers=by_node.get(check.node_name or "", []))

    def finish(self) -> None:
        """Add views for dependencies outside the locations and link downstream assets."""
        for view in list(self.assets.values()):
            for dep in view.deps:
                if dep not in self.assets:
                    self.assets[dep] = AssetView(key=dep, path=dep.split("/"),
                                                 is_executable=False)
                if view.check_name is None:  # checks are no asset's downstream assets
                    self.assets[dep].downstream.append(view.key)

    def space(self, snap: PartitionsSnap | None) -> PartitionSpace:
        """The partition space of a partitions definition (listed once per definition)."""
        if snap is None:
            return UNPARTITIONED_SPACE
        ident = json.dumps(snap.data, sort_keys=True)
        space = self._spaces.get(ident)
        if space is None:
            starts: list[float] = []
            ends: list[float] = []
            if snap.data.get("kind") == "time_window":
                keys, starts, ends = time_windows(snap.data, self.now)
            else:
                dynamic = getattr(self.dynamic_store, "get_dynamic_partitions", None)
                keys = partition_keys(snap.data, dynamic, self.now)
            space = self._spaces[ident] = PartitionSpace(
                ident, keys, frozenset(keys), data=snap.data, starts=starts, ends=ends)
            if snap.data.get("kind") == "multi":
                space.dimensions = {
                    item["name"]: self.space(PartitionsSnap(
                        kind=item["partitions_def"].get("kind", ""),
                        data=item["partitions_def"]))
                    for item in snap.data.get("dimensions", ())}
        return space

    def data_version_assets(self) -> list[AssetView]:
        """Every asset when some condition reads ``data_version_changed`` (it may be
        evaluated on dependencies and other assets), else none."""
        trees = {id(view.tree): view.tree for view in self.assets.values()
                 if view.tree is not None}
        if any(node.kind == "data_version_changed" for tree in trees.values()
               for node in tree.walk()):
            return list(self.assets.values())
        return []

    def topological(self) -> list[AssetView]:
        """Assets with a condition, each after its dependencies."""
        order: list[AssetView] = []
        state: dict[str, int] = {}
        for root in self.assets:
            if state.get(root):
                continue
            stack: list[tuple[str, int]] = [(root, 0)]
            while stack:
                key, index = stack.pop()
                view = self.assets[key]
                if index == 0:
                    if state.get(key):
                        continue
                    state[key] = 1
                if index < len(view.deps):
                    stack.append((key, index + 1))
                    dep = view.deps[index]
                    if not state.get(dep):
                        stack.append((dep, 0))
                    continue
                state[key] = 2
                if view.tree is not None:
                    order.append(view)
        return order
