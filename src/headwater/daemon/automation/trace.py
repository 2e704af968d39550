"""The evaluation tree of one asset on one tick: each node's result, for "why (not)?".

Each node shows its name (label, else kind and parameters), how many candidate partitions it
was evaluated on, which were true (up to :data:`MAX_SHOWN` listed) and, for dependency
conditions, which dependencies matched.
"""

from __future__ import annotations

import hashlib
from typing import Any

from headwater.daemon.automation.assets import UNPARTITIONED, Parts
from headwater.daemon.automation.tree import DEP_KINDS, Node

#: Partitions listed per node in a stored tree.
MAX_SHOWN = 20


class Trace:
    """Node results of one asset's evaluation, by node id."""

    __slots__ = ("deps", "results")

    def __init__(self) -> None:
        self.results: dict[str, tuple[int, Parts]] = {}
        self.deps: dict[str, list[str]] = {}

    def record(self, node: Node, candidates: Parts, true: Parts) -> None:
        """Note a node's result (the last evaluation of a node wins)."""
        self.results[node.id] = (len(candidates), true)

    def note_dep(self, node: Node, dep_key: str, mapped: Parts) -> None:
        """Note that the dependency matched a dependency condition."""
        self.deps.setdefault(node.id, []).append(dep_key)

    def digest(self) -> str:
        """A hash of the results (an unchanged tree is not stored again)."""
        parts = []
        for node_id, (count, true) in self.results.items():
            shown = sorted(true) if len(true) <= 3 else [min(true), max(true)]
            parts.append(f"{node_id}:{count}:{len(true)}:{','.join(shown)}")
        return hashlib.blake2b(";".join(parts).encode(), digest_size=8).hexdigest()

    def to_tree(self, node: Node, on_deps: bool = False) -> dict[str, Any]:
        """The result tree as plain data, from ``node`` (the condition's root) down.

        Sub-conditions of a dependency condition are evaluated on each dependency, not on
        the asset: they are marked ``on_deps`` (their node shows which dependencies matched).
        """
        count, true = self.results.get(node.id, (0, frozenset()))
        shown = sorted(part for part in true if part != UNPARTITIONED)
        item: dict[str, Any] = {
            "id": node.id,
            "name": node.name,
            "kind": node.kind,
            "evaluated": node.id in self.results,
            "candidates": count,
            "true": len(true),
            "result": bool(true),
            "partitions": shown[:MAX_SHOWN],
        }
        if node.label:
            item["label"] = node.label
        if node.id in self.deps:
            item["matched_deps"] = self.deps[node.id]
        if on_deps:
            item["on_deps"] = True
        if node.operands:
            below = on_deps or node.kind in DEP_KINDS
            item["children"] = [self.to_tree(operand, below) for operand in node.operands]
        return item
