"""The node of an ``AutomationCondition``: when to request an asset (partition), as data.

A condition is a tree of nodes. Each node has a ``kind`` (``"missing"``, ``"and"``,
``"since"``, ``"any_deps_match"``, ...), its operands (sub-conditions), parameters (a cron
string, asset keys) and an optional label. Nothing in it calls user code, so the tree is
serialised into the location snapshot (:meth:`AutomationCondition.to_dict`) and the daemon
evaluates it without the code server.

Build conditions with the static constructors (``AutomationCondition.eager()``,
``AutomationCondition.missing()``, ...) and combine them with ``&``, ``|``, ``~``,
:meth:`since`, :meth:`newly_true`, :meth:`since_last_handled`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from headwater.errors import InvalidDefinitionError

_N = TypeVar("_N", bound="ConditionNode")

#: Kinds whose operand is evaluated against the asset's dependencies.
DEP_KINDS = frozenset({"any_deps_match", "all_deps_match"})

#: Kinds whose operand is evaluated against the asset's checks.
CHECK_KINDS = frozenset({"any_checks_match", "all_checks_match"})

#: Every kind with the number of operands it takes.
KINDS: dict[str, int] = {
    **dict.fromkeys(
        (
            "missing", "in_progress", "execution_failed", "newly_updated", "newly_requested",
            "will_be_requested", "code_version_changed", "cron_tick_passed",
            "in_latest_time_window", "initial_evaluation", "backfill_in_progress",
            "run_in_progress", "data_version_changed", "check_passed", "check_failed",
            "any_downstream_conditions", "true", "false",
        ),
        0,
    ),
    "not": 1,
    "newly_true": 1,
    "asset_matches": 1,
    "any_deps_match": 1,
    "all_deps_match": 1,
    "any_checks_match": 1,
    "all_checks_match": 1,
    "since": 2,
    "and": -1,
    "or": -1,
}


def _freeze(params: Mapping[str, Any]) -> tuple[tuple[str, Any], ...]:
    items = []
    for name, value in sorted(params.items()):
        if isinstance(value, list):
            value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
        items.append((name, value))
    return tuple(items)


def _thaw(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_thaw(item) for item in value]
    return value


class ConditionNode:
    """The data and operators of an automation condition (see ``AutomationCondition``).

    Args:
        kind: what the node tests, e.g. ``"missing"`` or ``"and"``.
        operands: the sub-conditions.
        params: the node's parameters (plain JSON values).
        label: a name shown in evaluation trees.
    """

    __slots__ = ("_kind", "_label", "_operands", "_params")

    def __init__(
        self,
        kind: str,
        operands: Sequence[ConditionNode] = (),
        params: Mapping[str, Any] | None = None,
        label: str | None = None,
    ) -> None:
        arity = KINDS.get(kind)
        if arity is None:
            raise InvalidDefinitionError(
                f"Unknown automation condition kind {kind!r}; build conditions with "
                "AutomationCondition's static methods, e.g. AutomationCondition.eager()."
            )
        for operand in operands:
            if not isinstance(operand, ConditionNode):
                raise InvalidDefinitionError(
                    f"Automation condition '{kind}' got the operand {operand!r}, which is not "
                    "an AutomationCondition; combine conditions only with other conditions."
                )
        if arity >= 0 and len(operands) != arity:
            raise InvalidDefinitionError(
                f"Automation condition '{kind}' takes {arity} operand(s); got {len(operands)}."
            )
        self._kind = kind
        self._operands = tuple(operands)
        self._params = _freeze(params or {})
        self._label = label

    # Attributes ---------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        """What the node tests, e.g. ``"missing"``, ``"and"``, ``"since"``."""
        return self._kind

    @property
    def operands(self) -> tuple[ConditionNode, ...]:
        """The sub-conditions."""
        return self._operands

    @property
    def children(self) -> tuple[ConditionNode, ...]:
        """The sub-conditions (Dagster's name)."""
        return self._operands

    @property
    def params(self) -> dict[str, Any]:
        """The node's parameters."""
        return {name: _thaw(value) for name, value in self._params}

    @property
    def label(self) -> str | None:
        """The label given with :meth:`with_label` (composites such as ``eager`` have one)."""
        return self._label

    @property
    def name(self) -> str:
        """A short description: the label, else the kind with its parameters."""
        if self._label:
            return self._label
        shown = ", ".join(f"{name}={value!r}" for name, value in self._params)
        return f"{self._kind}({shown})" if shown else self._kind

    # Combining ----------------------------------------------------------------------------

    def __and__(self: _N, other: ConditionNode) -> _N:
        return _combine("and", self, other)

    def __or__(self: _N, other: ConditionNode) -> _N:
        return _combine("or", self, other)

    def __invert__(self: _N) -> _N:
        return type(self)("not", (self,))

    def since(self: _N, reset_condition: ConditionNode) -> _N:
        """True from when this condition is true until ``reset_condition`` is true.

        Once this (the trigger) is true for a partition, the result stays true on later
        evaluations until the reset condition is; when both are true on the same
        evaluation, the result is false.
        """
        return type(self)("since", (self, reset_condition))

    def newly_true(self: _N) -> _N:
        """True only on the evaluation where this condition goes from false to true."""
        return type(self)("newly_true", (self,))

    def since_last_handled(self: _N) -> _N:
        """This condition ``since`` the asset was last requested or updated (or the condition
        was first evaluated)."""
        handled = (
            type(self)("newly_requested")
            | type(self)("newly_updated")
            | type(self)("initial_evaluation")
        ).with_label("handled")
        return self.since(handled)

    def with_label(self: _N, label: str | None) -> _N:
        """This condition with ``label`` shown for it in evaluation trees."""
        return type(self)(self._kind, self._operands, self.params, label)

    def replace(
        self, old: ConditionNode | str, new: ConditionNode
    ) -> ConditionNode:
        """Replace every sub-condition equal to ``old`` (or labelled ``old``) with ``new``."""
        if (isinstance(old, str) and self._label == old) or self == old:
            return new
        return self._map_operands(lambda operand: operand.replace(old, new))

    def without(self: _N, condition: ConditionNode | str) -> _N:
        """This ``and``/``or`` condition without the operand ``condition`` (equal or labelled).

        Raises:
            InvalidDefinitionError: the condition is not an ``and``/``or`` of it.
        """
        kept = [
            operand for operand in self._operands
            if not (operand == condition or (isinstance(condition, str)
                                             and operand.label == condition))
        ]
        if self._kind not in ("and", "or") or len(kept) == len(self._operands):
            raise InvalidDefinitionError(
                f"Cannot remove {condition!r} from {self.name}: it is not one of its operands."
            )
        return type(self)(self._kind, kept, self.params, self._label)

    def allow(self: _N, selection: object) -> _N:
        """Consider only the dependencies in ``selection`` (an ``AssetSelection`` or asset keys)
        in every dependency condition of this tree."""
        return self._with_dep_filter("allow", selection)

    def ignore(self: _N, selection: object) -> _N:
        """Disregard the dependencies in ``selection`` in every dependency condition of this
        tree."""
        return self._with_dep_filter("ignore", selection)

    def _with_dep_filter(self: _N, which: str, selection: object) -> _N:
        if self._kind in DEP_KINDS:
            params = self.params
            params[which] = _SelectionParam(selection)
            return type(self)(self._kind, self._operands, params, self._label)
        return self._map_operands(lambda operand: operand._with_dep_filter(which, selection))

    def _map_operands(
        self: _N, fn: Callable[[ConditionNode], ConditionNode]
    ) -> _N:
        operands = tuple(fn(operand) for operand in self._operands)
        if operands == self._operands:
            return self
        return type(self)(self._kind, operands, self.params, self._label)

    def walk(self) -> Iterator[ConditionNode]:
        """This node and every sub-condition, depth first."""
        yield self
        for operand in self._operands:
            yield from operand.walk()

    # Serialisation ------------------------------------------------------------------------

    def to_dict(self, resolve: Callable[[Any], Any] | None = None) -> dict[str, Any]:
        """The tree as plain JSON data: ``{"kind", "operands", "params", "label"}``.

        Args:
            resolve: turns an ``AssetSelection`` given to :meth:`allow`/:meth:`ignore` into
                asset keys (the snapshot builder passes one that resolves against the
                asset graph); without it only key selections and key lists can be written.
        """
        data: dict[str, Any] = {"kind": self._kind}
        if self._operands:
            data["operands"] = [operand.to_dict(resolve) for operand in self._operands]
        if self._params:
            data["params"] = {
                name: value.keys(resolve) if isinstance(value, _SelectionParam) else value
                for name, value in self.params.items()
            }
        if self._label is not None:
            data["label"] = self._label
        return data

    @classmethod
    def from_dict(cls: type[_N], data: Mapping[str, Any]) -> _N:
        """Rebuild a condition from :meth:`to_dict`'s data."""
        if not isinstance(data, Mapping) or "kind" not in data:
            raise InvalidDefinitionError(
                f"{data!r} is not a serialised automation condition (a dict with a 'kind')."
            )
        return cls(
            str(data["kind"]),
            [cls.from_dict(item) for item in data.get("operands", ())],
            data.get("params"),
            data.get("label"),
        )

    # Identity -----------------------------------------------------------------------------

    def _identity(self) -> tuple[Any, ...]:
        return (self._kind, self._operands, self._params, self._label)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ConditionNode) and self._identity() == other._identity()

    def __hash__(self) -> int:
        return hash(self._identity())

    def __repr__(self) -> str:
        if self._kind in ("and", "or"):
            joiner = " & " if self._kind == "and" else " | "
            inner = joiner.join(repr(operand) for operand in self._operands)
            text = f"({inner})"
        elif self._kind == "not":
            text = f"~{self._operands[0]!r}"
        else:
            text = self.name if not self._operands else (
                f"{self._kind}({', '.join(repr(operand) for operand in self._operands)})")
        return f"{text}.with_label({self._label!r})" if self._label and self._kind in (
            "and", "or", "not") else text


def _combine(kind: str, left: _N, right: object) -> _N:
    if not isinstance(right, ConditionNode):
        return NotImplemented  # type: ignore[no-any-return]
    operands: list[ConditionNode] = []
    for side in (left, right):
        if side.kind == kind and side.label is None:
            operands.extend(side.operands)
        else:
            operands.append(side)
    return type(left)(kind, operands)


class _SelectionParam:
    """An ``allow``/``ignore`` selection, kept as given until the tree is serialised."""

    __slots__ = ("selection",)

    def __init__(self, selection: object) -> None:
        self.selection = selection

    def keys(self, resolve: Callable[[Any], Any] | None) -> list[list[str]]:
        """The selected keys as path lists, sorted.

        Raises:
            InvalidDefinitionError: the selection needs the asset graph and none was given.
        """
        from headwater.definitions.asset_graph.keys import AssetKey

        selection = self.selection
        selected_keys = getattr(selection, "selected_keys", None)
        if hasattr(selection, "resolve"):
            if selected_keys is not None:
                found: Any = selected_keys
            elif resolve is not None:
                found = resolve(selection)
            else:
                raise InvalidDefinitionError(
                    f"The automation condition's allow()/ignore() selection {selection!r} "
                    "needs the asset graph to resolve; it is resolved when the location's "
                    "snapshot is built (or pass asset keys)."
                )
        elif isinstance(selection, (list, tuple, set, frozenset)):
            found = selection
        else:
            found = [selection]
        paths = {tuple(AssetKey.from_coercible(getattr(item, "key", item)).path)
                 for item in found}
        return [list(path) for path in sorted(paths)]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _SelectionParam) and repr(self.selection) == repr(
            other.selection)

    def __hash__(self) -> int:
        return hash(repr(self.selection))

    def __repr__(self) -> str:
        return repr(self.selection)
