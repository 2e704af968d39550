"""Evaluate every asset's condition tree for one tick, per partition.

Assets are evaluated in dependency order, so ``will_be_requested`` on a dependency sees what
this tick requests for it. Operands of an ``and`` are evaluated on the partitions still true
(as Dagster does), so a false first operand spares the rest. Stateful nodes (``since``,
``newly_true``) keep their previous true partitions in the cursor under the node's id (with
``@dep`` appended when evaluated on a dependency). Results of stateless conditions on a
dependency are computed once per dependency and tick, whichever asset asks.

``since`` evaluates its operands on every partition (no state transition is missed) and, when
trigger and reset became true in the same evaluation, keeps the partitions whose trigger
happened later, when both say when (Dagster's timing: ``newly_updated`` the materialization
time, ``newly_requested`` the previous evaluation, ``cron_tick_passed`` the tick, carried up
through dependency operators and ``since``; ``and``/``or``/``not`` carry none, so there the
reset wins). An asset check's condition is evaluated on the check (``asset:name``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from headwater.daemon.automation.assets import AssetCatalog, AssetView, Parts, key_string
from headwater.daemon.automation.cursor import AssetCursor, AutomationCursor
from headwater.daemon.automation.mapping import edge, from_dep, to_dep
from headwater.daemon.automation.state import InstanceState, expand
from headwater.daemon.automation.trace import Trace
from headwater.daemon.automation.tree import Node, parse, strip_downstream

EMPTY: Parts = frozenset()

#: Leaves that are the partitions an instance-state index holds for the asset.
_INDEXED_LEAVES = {
    "run_in_progress": "run_in_progress",
    "backfill_in_progress": "backfill_in_progress",
    "execution_failed": "failed",
    "newly_updated": "updated",
    "data_version_changed": "data_version_changed",
}

#: Per partition, the time a condition became true (the newest such time), when it says.
Timing = dict[str, float]

#: Kinds whose result carries when it became true (Dagster's timing metadata).
_TIMED_KINDS = frozenset({"newly_updated", "newly_requested", "cron_tick_passed"})

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
        #: Timing of the latest evaluation of a node on an asset, by (signature, asset, suffix).
        self._timings: dict[tuple[str, str, str], Timing] = {}
        self._downstream_conditions: dict[str, list[Node]] = {}
        #: Downstream conditions being expanded (not expanded again inside themselves).
        self._expanding: list[str] = []
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
            if true and node.kind in _TIMED_KINDS:
                self._time_leaf(node, asset, true, suffix)
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
        # As Dagster: both operands on every partition (no state transition is missed); a
        # partition where both are newly true stays true only when the trigger's time is
        # later than the reset's, when both say when they became true.
        trigger_node, reset_node = node.operands
        everything = asset.space.all
        trigger = self.evaluate(trigger_node, asset, everything, root, suffix)
        trigger_timing = self._timing(trigger_node, asset, suffix)
        reset = self.evaluate(reset_node, asset, everything, root, suffix)
        reset_timing = self._timing(reset_node, asset, suffix)
        state_key = node.id + suffix
        previous = self._previous(root, state_key, asset)
        true = (previous | trigger) - reset
        both = trigger & reset
        if both and trigger_timing is not None and reset_timing is not None:
            true |= frozenset(part for part in both if part in trigger_timing
                              and trigger_timing[part] > reset_timing.get(part, float("-inf")))
        if trigger_timing is not None:
            self._timings[(node.signature, asset.key, suffix)] = trigger_timing
        self._store_state(root, state_key, asset, true)
        return true & candidates

    @staticmethod
    def _previous(root: _Root, state_key: str, asset: AssetView) -> Parts:
        if root.previous is None:
            return EMPTY
        return root.previous.state(state_key, asset.space.keys)

    @staticmethod
    def _store_state(root: _Root, state_key: str, asset: AssetView, parts: Parts) -> None:
        space = asset.space
        if len(parts) > 16 and space.keys:
            root.new.set_state(state_key, parts, space.index, space.keys[0])
        else:
            root.new.set_state(state_key, parts)

    def _timing(self, node: Node, asset: AssetView, suffix: str) -> Timing | None:
        """When ``node`` (just evaluated on ``asset``) became true per partition, if it says."""
        return self._timings.pop((node.signature, asset.key, suffix), None)

    def _time_leaf(self, node: Node, asset: AssetView, true: Parts, suffix: str) -> None:
        if node.kind == "newly_updated":
            times = self.state.updated_at.get(asset.key, {})
            timing = {part: times[part] for part in true if part in times}
        elif node.kind == "newly_requested":
            if not self.cursor.timestamp:
                return
            timing = dict.fromkeys(true, self.cursor.timestamp)
        else:
            timing = dict.fromkeys(true, self._cron_tick(node))
        self._timings[(node.signature, asset.key, suffix)] = timing

    def _newly_true(self, node: Node, asset: AssetView, candidates: Parts, root: _Root,
                    suffix: str = "") -> Parts:
        child = self.evaluate(node.operands[0], asset, candidates, root, suffix)
        state_key = node.id + suffix
        previous = self._previous(root, state_key, asset)
        self._store_state(root, state_key, asset, child)
        return child - previous

    def _deps(self, node: Node, asset: AssetView, candidates: Parts, root: _Root,
              suffix: str = "") -> Parts:
        allow = _keys(node.params.get("allow"))
        ignore = _keys(node.params.get("ignore")) or set()
        any_match = node.kind == "any_deps_match"
        true: Parts = EMPTY if any_match else candidates
        child = node.operands[0]
        timing: Timing | None = None
        for dep_key in asset.deps:
            if dep_key in ignore or (allow is not None and dep_key not in allow):
                continue
            dep = self.catalog.assets[dep_key]
            dep_candidates = to_dep(asset, dep, candidates)
            if node.stateful or child.stateful:
                dep_suffix = f"{suffix}@{dep_key}"
                dep_true = self.evaluate(child, dep, dep_candidates, root, dep_suffix)
                dep_timing = self._timing(child, dep, dep_suffix)
            else:
                dep_true = self._cached(child, dep, root) & dep_candidates
                dep_timing = self._timings.get((child.signature, dep.key, "~"))
            mapped = from_dep(asset, dep, candidates, dep_true)
            true = (true | mapped) if any_match else (true & mapped)
            if mapped and not suffix and asset is root.asset:
                root.trace.note_dep(node, dep_key, mapped)
            if dep_timing and mapped:
                timing = self._map_timing(asset, dep, mapped, dep_timing, timing)
        if timing is not None:
            self._timings[(node.signature, asset.key, suffix)] = timing
        return true

    def _map_timing(self, asset: AssetView, dep: AssetView, mapped: Parts,
                    dep_timing: Timing, timing: Timing | None) -> Timing:
        """Merge a dependency's timing into the asset's partitions it maps to (newest wins)."""
        merged = {} if timing is None else timing
        parents = edge(asset, dep)
        for part in mapped:
            times = [dep_timing[item] for item in parents.parents(part) if item in dep_timing]
            if times:
                merged[part] = max(merged.get(part, float("-inf")), *times)
        return merged

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
        # As Dagster: the distinct conditions of every asset downstream (not just children),
        # each evaluated on this asset; a nested any_downstream_conditions() counts as false
        # in them, and a condition already being expanded is not expanded inside itself.
        true: set[str] = set()
        ignored = {root.asset.tree.signature if root.asset.tree is not None else "",
                   *self._expanding}
        for condition in self._downstream_of(asset):
            if condition.signature in ignored:
                continue
            self._expanding.append(condition.signature)
            try:
                true |= self.evaluate(condition, asset, candidates, root,
                                      f"{suffix}#{condition.hash}")
            finally:
                self._expanding.pop()
        return frozenset(true)

    def _downstream_of(self, asset: AssetView) -> list[Node]:
        found = self._downstream_conditions.get(asset.key)
        if found is None:
            by_signature: dict[str, tuple[Node, list[str]]] = {}
            seen: set[str] = set()
            stack = list(asset.downstream)
            while stack:
                key = stack.pop()
                if key in seen:
                    continue
                seen.add(key)
                view = self.catalog.assets[key]
                stack.extend(view.downstream)
                # tree_data, not tree: a condition another sensor evaluates still counts.
                stripped = strip_downstream(view.tree_data)
                if stripped is None:
                    continue
                condition = parse(stripped)
                by_signature.setdefault(condition.signature, (condition, []))[1].append(key)
            found = self._downstream_conditions[asset.key] = [
                condition for condition, _ in sorted(by_signature.values(),
                                                     key=lambda item: sorted(item[1]))]
        return found

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
        if kind in ("check_passed", "check_failed") and asset.check_name is not None:
            passed = state.check_results.get(key_string(asset.path), {}).get(asset.check_name)
            return candidates if passed is (kind == "check_passed") else EMPTY
        return EMPTY  # "false", and check leaves on an asset

    def _cron_passed(self, node: Node) -> bool:
        if not self.cursor.timestamp:
            return False
        return self._cron_tick(node) > self.cursor.timestamp

    def _cron_tick(self, node: Node) -> float:
        """The latest tick of the node's cron schedule at or before now."""
        from headwater.core.cron import previous_tick

        now = datetime.fromtimestamp(self.now, tz=timezone.utc)
        return previous_tick(node.params["cron_schedule"], now + _EPSILON,
                             node.params.get("cron_timezone", "UTC")).timestamp()


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

