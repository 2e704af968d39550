"""``evaluate_automation_conditions``: one automation tick in a unit test.

It runs the daemon's evaluator (which reads only the snapshot and the instance) on the
snapshot of ``defs``; nothing is launched. Pass the returned cursor to the next call to
evaluate the next tick.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey
from headwater.errors import InvalidDefinitionError


class EvaluateAutomationConditionsResult:
    """What one evaluation requested, its trees and the cursor for the next evaluation."""

    def __init__(self, requested: Mapping[str, frozenset[str]], trees: Mapping[str, Any],
                 cursor: Any) -> None:
        self._requested = requested
        self._trees = trees
        self.cursor = cursor

    @property
    def total_requested_count(self) -> int:
        """Asset partitions requested (an unpartitioned asset counts once)."""
        return sum(len(parts) for parts in self._requested.values())

    @property
    def requested_asset_keys(self) -> set[AssetKey]:
        """The assets requested."""
        return {AssetKey(key.split("/")) for key in self._requested if ":" not in key}

    @property
    def requested_asset_check_keys(self) -> set[AssetCheckKey]:
        """The asset checks requested (by their own automation conditions)."""
        found = set()
        for key in self._requested:
            if ":" in key:
                asset, name = key.rsplit(":", 1)
                found.add(AssetCheckKey(AssetKey(asset.split("/")), name))
        return found

    def get_requested_partitions(self, asset_key: object) -> set[str | None]:
        """The partitions of ``asset_key`` (or of an ``AssetCheckKey``) requested (``{None}``
        for an unpartitioned asset, and for a check)."""
        parts = self._requested.get(_key(asset_key), frozenset())
        return {part or None for part in parts}

    def get_num_requested(self, asset_key: object) -> int:
        """How many partitions of ``asset_key`` (or of an ``AssetCheckKey``) were requested."""
        return len(self._requested.get(_key(asset_key), frozenset()))

    def evaluation_tree(self, asset_key: object) -> dict[str, Any] | None:
        """The asset's (or check's) evaluation tree: each node's name, result and true
        partitions."""
        return self._trees.get(_key(asset_key))


def _key(asset_key: object) -> str:
    if isinstance(asset_key, AssetCheckKey):
        return f"{'/'.join(asset_key.asset_key.path)}:{asset_key.name}"
    return "/".join(AssetKey.from_coercible(asset_key).path)  # type: ignore[arg-type]


def evaluate_automation_conditions(
    defs: Any,
    instance: Any,
    cursor: Any = None,
    evaluation_time: datetime | None = None,
) -> EvaluateAutomationConditionsResult:
    """Evaluate the automation conditions of ``defs`` once against ``instance``.

    Args:
        defs: the ``Definitions`` whose assets' conditions are evaluated.
        instance: the instance holding materializations and runs (e.g. from
            ``instance_for_test()``).
        cursor: the previous result's ``cursor`` (None for a first evaluation).
        evaluation_time: the time of the evaluation (default: now).

    Returns:
        The requested partitions per asset, the evaluation trees and the new cursor.
    """
    from headwater.daemon.automation.cursor import AutomationCursor
    from headwater.daemon.automation.tick import build_catalog, evaluate_tick
    from headwater.snapshot.build import build_repository_snapshot

    if not hasattr(defs, "get_repository_def"):
        raise InvalidDefinitionError(
            f"evaluate_automation_conditions needs a Definitions object; got {defs!r}.")
    if cursor is not None and not isinstance(cursor, AutomationCursor):
        raise InvalidDefinitionError(
            "evaluate_automation_conditions got a cursor that is not the cursor of a previous "
            "result; pass result.cursor.")
    now = evaluation_time.timestamp() if evaluation_time is not None else time.time()
    repo = build_repository_snapshot("__repository__", defs.get_repository_def())
    catalog = build_catalog([(None, None, repo)], now, instance)
    evaluation = evaluate_tick(catalog, instance, cursor or AutomationCursor(), now)
    trees = {}
    for key, trace in evaluation.traces.items():
        tree = catalog.assets[key].tree
        if tree is not None:
            trees[key] = trace.to_tree(tree)
    return EvaluateAutomationConditionsResult(evaluation.requested, trees, evaluation.cursor)
