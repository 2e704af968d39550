"""A serialised automation condition (``AutomationCondition.to_dict``) as evaluator nodes.

The daemon never imports ``headwater.definitions``: it reads the plain tree from the snapshot.
Each node gets an id (its path of operand indexes, ``"0.1.0"``) under which its state is kept
in the cursor and its result shown in the evaluation tree.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

#: Kinds whose result depends on what earlier evaluations saw (kept in the cursor).
STATEFUL_KINDS = frozenset({"since", "newly_true"})

#: Kinds that depend on the root asset rather than the asset being looked at.
ROOT_KINDS = frozenset({"initial_evaluation", "any_downstream_conditions"})

DEP_KINDS = frozenset({"any_deps_match", "all_deps_match"})
CHECK_KINDS = frozenset({"any_checks_match", "all_checks_match"})


class Node:
    """One node of a condition tree, ready to evaluate."""

    __slots__ = ("hash", "id", "kind", "label", "name", "operands", "params", "signature",
                 "stateful")

    def __init__(self, data: Mapping[str, Any], node_id: str = "0") -> None:
        self.id = node_id
        self.kind: str = str(data["kind"])
        self.label: str | None = data.get("label")
        self.params: dict[str, Any] = dict(data.get("params") or {})
        self.operands: tuple[Node, ...] = tuple(
            Node(item, f"{node_id}.{index}") for index, item in enumerate(data.get("operands", ())))
        self.stateful: bool = self.kind in STATEFUL_KINDS or self.kind in ROOT_KINDS or any(
            operand.stateful for operand in self.operands)
        self.signature = json.dumps(data, sort_keys=True)
        self.hash = hashlib.blake2b(self.signature.encode(), digest_size=8).hexdigest()
        self.name = self.label or _describe(self.kind, self.params)

    def walk(self) -> list[Node]:
        """This node and its descendants, depth first."""
        found = [self]
        for operand in self.operands:
            found.extend(operand.walk())
        return found


def _describe(kind: str, params: Mapping[str, Any]) -> str:
    names = {"and": "all of", "or": "any of", "not": "not"}
    if kind in names:
        return names[kind]
    shown = ", ".join(f"{name}={value}" for name, value in sorted(params.items())
                      if name not in ("allow", "ignore"))
    return f"{kind}({shown})" if shown else kind


def strip_downstream(data: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """A downstream condition with each nested ``any_downstream_conditions()`` taken as
    false (``and``/``or`` collapsed; labelled conditions kept whole), as Dagster expands
    them; None when nothing is left."""
    if data is None or data.get("label"):
        return data
    kind = data["kind"]
    if kind == "any_downstream_conditions":
        return None
    if kind not in ("and", "or"):
        return data
    kept: list[Mapping[str, Any]] = []
    changed = False
    for operand in data.get("operands", ()):
        stripped = strip_downstream(operand)
        if stripped is None:
            if kind == "and":
                return None
            changed = True
            continue
        changed = changed or stripped is not operand
        kept.append(stripped)
    if not changed:
        return data
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else {**data, "operands": kept}


_cache: dict[str, Node] = {}

#: The same snapshot is evaluated tick after tick: its tree dicts are looked up by identity
#: (each kept alive beside its node, so an id is never reused while cached).
_by_identity: dict[int, tuple[Mapping[str, Any], Node]] = {}

_MAX_CACHED = 50_000


def parse(data: Mapping[str, Any]) -> Node:
    """The evaluator tree of a serialised condition (shared between equal conditions)."""
    known = _by_identity.get(id(data))
    if known is not None and known[0] is data:
        return known[1]
    text = json.dumps(data, sort_keys=True)
    node = _cache.get(text)
    if node is None:
        if len(_cache) > _MAX_CACHED:
            _cache.clear()
        node = _cache[text] = Node(data)
    if len(_by_identity) > _MAX_CACHED:
        _by_identity.clear()
    _by_identity[id(data)] = (data, node)
    return node
