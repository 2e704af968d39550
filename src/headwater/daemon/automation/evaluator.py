"""Evaluate every asset's condition tree for one tick, per partition.

Assets are evaluated in dependency order, so ``will_be_requested`` on a dependency sees what
this tick requests for it. Operands of an ``and`` are evaluated on the partitions still true
(as Dagster does), so a false first operand spares the rest. Stateful nodes (``since``,
``newly_true``) keep their previous true partitions in the cursor under the node's id (with
``@dep`` appended when evaluated on a dependency). Results of stateless conditions on a
dependency are computed once per dependency and tick, whichever asset asks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from headwater.daemon.automation.assets import AssetCatalog, AssetView, Parts
from headwater.daemon.automation.cursor import AssetCursor, AutomationCursor
from headwater.daemon.automation.mapping import from_dep, to_dep
from headwater.daemon.automation.state import InstanceState, expand
from headwater.daemon.automation.trace import Trace
from headwater.daemon.automation.tree import Node

EMPTY: Parts = frozenset()

#: Leaves that are the partitions an instance-state index holds for the asset.
_INDEXED_LEAVES = {
    "run_in_progress": "run_in_progress",
    "backfill_in_progress": "backfill_in_progress",
    "execution_failed": "failed",
    "newly_updated": "updated",
    # Approximation: every new materialization counts as a new data version.
    "data_version_changed": "updated",
}

#: A tick exactly at ``now`` counts as passed.
_EPSILON = timedelta(microseconds=1)


@dataclass
class TickEvaluation:
    """What one tick decided: partitions to request per asset, traces and the new cursor."""

    requested: dict[str, Parts]
    traces: dict[str, Trace]
    cursor: AutomationCursor
    changed: set[str] = field(default_factory=set)


class _Root:
    """Evaluation of one asset's tree: its previous cursor entry and its new one."""

    __slots__ = ("asset", "initial", "new", "previous", "trace")

    def __init__(self, asset: AssetView, previous: AssetCursor | None, trace: Trace) -> None:
        self.asset = asset
        self.previous = previous
        self.initial = previous is None or previous.condition_hash != _hash(asset)
        self.new = AssetCursor(condition_hash=_hash(asset), code_version=asset.code_version)
        self.trace = trace


def _hash(asset: AssetView) -> str:
    return asset.tree.hash if asset.tree is not None else ""


class Evaluator:
    """One tick's evaluation over a catalog of assets."""

    def __init__(self, catalog: AssetCatalog, state: InstanceState,
                 cursor: AutomationCursor, now: float) -> None:
        self.catalog = catalog
        self.state = state
        self.cursor = cursor
        self.now = now
        self.requested: dict[str, Parts] = {}
        self._cache: dict[tuple[str, str], Parts] = {}
        self._operands: dict[str, Callable[[Node, AssetView, Parts, _Root, str], Parts]] = {
            "and": self._and, "or": self._or, "not": self._not, "since": self._since,
            "newly_true": self._newly_true, "any_deps_match": self._deps,
            "all_deps_match": self._deps, "any_checks_match": self._checks,
            "all_checks_match": self._checks, "asset_matches": self._asset_matches,
            "any_downstream_conditions": self._downstream,
        }

    def run(self) -> TickEvaluation:
        """Evaluate every asset with a condition, dependencies first."""
        traces: dict[str, Trace] = {}
        new_assets: dict[str, AssetCursor] = {}
        changed: set[str] = set()
        for asset in self.catalog.topological():
            assert asset.tree is not None
            previous = self.cursor.assets.get(asset.key)
            root = _Root(asset, previous, Trace())
            true = self.evaluate(asset.tree, asset, asset.space.all, root)
            requested = true if asset.is_executable else EMPTY
            if requested:
                self.requested[asset.key] = requested
            root.new.requested = sorted(requested)
            root.new.trace_hash = root.trace.digest()
            if previous is None or previous.trace_hash != root.new.trace_hash or requested:
                changed.add(asset.key)
            traces[asset.key] = root.trace
            new_assets[asset.key] = root.new
        cursor = AutomationCursor(
            evaluation_id=self.cursor.evaluation_id + 1, timestamp=self.now,
            storage_id=self.state.max_storage_id, assets=new_assets)
        return TickEvaluation(dict(self.requested), traces, cursor, changed)

    # The recursion ------------------------------------------------------------------------

    def evaluate(self, node: Node, asset: AssetView, candidates: Parts, root: _Root,
                 suffix: str = "") -> Parts:
        """The candidates for which ``node`` holds on ``asset``."""
        if not candidates:
            return EMPTY
        handler = self._operands.get(node.kind)
        if handler is not None:
            true = handler(node, asset, candidates, root, suffix)
        else:
            true = self._leaf(node, asset, candidates, root)
        if not suffix and asset is root.asset:
            root.trace.results[node.id] = (len(candidates), true)
        return true

    def _and(self, node: Node, asset: AssetView, candidates: Parts, root: _Root,
             suffix: str = "") -> Parts:
        remaining = candidates
        for operand in node.operands:
            remaining = self.evaluate(operand, asset, remaining, root, suffix)
        return remaining

    def _or(self, node: Node, asset: AssetView, candidates: Parts, root: _Root,
            suffix: str = "") -> Parts:
        true: set[str] = set()
        for operand in node.operands:
            true |= self.evaluate(operand, asset, candidates, root, suffix)
        return frozenset(true)

    def _not(self, node: Node, asset: AssetView, candidates: Parts, root: _Root,
             suffix: str = "") -> Parts:
        return candidates - self.evaluate(node.operands[0], asset, candidates, root, suffix)

    def _since(self, node: Node, asset: AssetView, candidates: Parts, root: _Root,
               suffix: str = "") -> Parts:
        trigger = self.evaluate(node.operands[0], asset, candidates, root, suffix)
        reset = self.evaluate(node.operands[1], asset, candidates, root, suffix)
        state_key = node.id + suffix
        previous = root.previous.state(state_key) if root.previous is not None else EMPTY
        true = (previous | trigger) - reset
        root.new.set_state(state_key, true)
        return true & candidates

    def _newly_true(self, node: Node, asset: AssetView, candidates: Parts, root: _Root,
                    suffix: str = "") -> Parts:
        child = self.evaluate(node.operands[0], asset, candidates, root, suffix)
        state_key = node.id + suffix
        previous = root.previous.state(state_key) if root.previous is not None else EMPTY
        root.new.set_state(state_key, child)
        return child - previous

    def _deps(self, node: Node, asset: AssetView, candidates: Parts, root: _Root,
              suffix: str = "") -> Parts:
        allow = _keys(node.params.get("allow"))
        ignore = _keys(node.params.get("ignore")) or set()
        any_match = node.kind == "any_deps_match"
        true: Parts = EMPTY if any_match else candidates
        child = node.operands[0]
        for dep_key in asset.deps:
            if dep_key in ignore or (allow is not None and dep_key not in allow):
                continue
            dep = self.catalog.assets[dep_key]
            dep_candidates = to_dep(asset, dep, candidates)
            if node.stateful or child.stateful:
                dep_true = self.evaluate(child, dep, dep_candidates, root,
                                         f"{suffix}@{dep_key}")
            else:
                dep_true = self._cached(child, dep, root) & dep_candidates
            mapped = from_dep(asset, dep, candidates, dep_candidates, dep_true, any_match)
            true = (true | mapped) if any_match else (true & mapped)
            if mapped and not suffix and asset is root.asset:
                root.trace.note_dep(node, dep_key, mapped)
        return true

    def _cached(self, node: Node, asset: AssetView, root: _Root) -> Parts:
        key = (asset.key, node.signature)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = self.evaluate(node, asset, asset.space.all, root, "~")
        return found

    def _checks(self, node: Node, asset: AssetView, candidates: Parts, root: _Root,
                suffix: str = "") -> Parts:
        checks = [check for check in asset.checks
                  if check.blocking or not node.params.get("blocking_only")]
        results = self.state.check_results.get(asset.key, {})
        requested = bool(self.requested.get(asset.key))
        values = [_check_value(node.operands[0], results.get(check.name), requested)
                  for check in checks]
        holds = any(values) if node.kind == "any_checks_match" else all(values)
        return candidates if holds else EMPTY

    def _asset_matches(self, node: Node, asset: AssetView, candidates: Parts, root: _Root,
                       suffix: str = "") -> Parts:
        other = self.catalog.assets.get("/".join(node.params.get("key", [])))
        if other is None:
            return EMPTY
        true = self.evaluate(node.operands[0], other, other.space.all, root,
                             f"{suffix}@{other.key}")
        return candidates if true else EMPTY

    def _downstream(self, node: Node, asset: AssetView, candidates: Parts, root: _Root,
                    suffix: str = "") -> Parts:
        true: set[str] = set()
        for key in asset.downstream:
            tree = self.catalog.assets[key].tree
            if tree is None or any(item.kind == "any_downstream_conditions"
                                   for item in tree.walk()):
                continue
            true |= self.evaluate(tree, asset, candidates, root, f"{suffix}#{key}")
        return frozenset(true)

    # Leaves -------------------------------------------------------------------------------

    def _leaf(self, node: Node, asset: AssetView, candidates: Parts, root: _Root) -> Parts:
        kind = node.kind
        state = self.state
        index = _INDEXED_LEAVES.get(kind)
        if index is not None:
            return expand(getattr(state, index).get(asset.key), candidates)
        if kind == "missing":
            return candidates - expand(state.materialized.get(asset.key), candidates)
        if kind == "in_progress":
            return (expand(state.run_in_progress.get(asset.key), candidates)
                    | expand(state.backfill_in_progress.get(asset.key), candidates))
        if kind == "newly_requested":
            entry = self.cursor.assets.get(asset.key)
            return candidates & frozenset(entry.requested) if entry is not None else EMPTY
        if kind == "will_be_requested":
            return candidates & self.requested.get(asset.key, EMPTY)
        if kind == "code_version_changed":
            entry = self.cursor.assets.get(asset.key)
            changed = entry is not None and entry.code_version != asset.code_version
            return candidates if changed else EMPTY
        if kind == "cron_tick_passed":
            return candidates if self._cron_passed(node) else EMPTY
        if kind == "in_latest_time_window":
            return candidates & asset.space.latest(node.params.get("lookback_seconds"))
        if kind == "initial_evaluation":
            return candidates if root.initial else EMPTY
        if kind == "true":
            return candidates
        return EMPTY  # "false", and check leaves outside a check condition

    def _cron_passed(self, node: Node) -> bool:
        from headwater.core.cron import previous_tick

        if not self.cursor.timestamp:
            return False
        now = datetime.fromtimestamp(self.now, tz=timezone.utc)
        tick = previous_tick(node.params["cron_schedule"], now + _EPSILON,
                             node.params.get("cron_timezone", "UTC"))
        return tick.timestamp() > self.cursor.timestamp


def _check_value(node: Node, passed: bool | None, requested: bool) -> bool:
    kind = node.kind
    if kind == "check_passed":
        return passed is True
    if kind == "check_failed":
        return passed is False
    if kind == "missing":
        return passed is None
    if kind == "will_be_requested":
        return requested
    if kind == "not":
        return not _check_value(node.operands[0], passed, requested)
    if kind == "and":
        return all(_check_value(item, passed, requested) for item in node.operands)
    if kind == "or":
        return any(_check_value(item, passed, requested) for item in node.operands)
    return kind == "true"


def _keys(value: Any) -> set[str] | None:
    if value is None:
        return None
    return {"/".join(path) for path in value}

