"""``op_selection``: which steps of an op job to execute, in Dagster's syntax.

Each clause names a node (an op, or a graph and so every op inside it) with optional
operators: ``*name`` (every ancestor), ``+name`` / ``++name`` (ancestors one or two levels
up), ``name*`` (every descendant), ``name+`` / ``name++`` (descendants one or two levels
down). ``"*"`` selects everything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from headwater.errors import InvalidSubsetError
from headwater.execution.plan import ExecutionPlan

_CLAUSE = re.compile(r"^(?P<up>\*|\+*)(?P<name>[^*+]+?)(?P<down>\*|\+*)$")


def select_steps(plan: ExecutionPlan, selection: str | Sequence[str]) -> list[str]:
    """Keys of the plan's steps (and mapped templates) that ``selection`` chooses, in order."""
    clauses = [selection] if isinstance(selection, str) else list(selection)
    nodes = {**plan.steps, **plan.templates}
    upstream = {key: set(step.upstream) & nodes.keys() for key, step in nodes.items()}
    if step_roots := {k: s.dynamic_root for k, s in plan.templates.items() if s.dynamic_root}:
        for key, root in step_roots.items():
            upstream[key].add(root[0])
    downstream: dict[str, set[str]] = {key: set() for key in nodes}
    for key, ups in upstream.items():
        for up in ups:
            downstream.setdefault(up, set()).add(key)
    chosen: set[str] = set()
    for clause in clauses:
        chosen |= _select(clause.strip(), nodes, upstream, downstream, clauses)
    return [key for key in nodes if key in chosen]


def _select(clause: str, nodes: Mapping[str, object], upstream: Mapping[str, set[str]],
            downstream: Mapping[str, set[str]], clauses: Sequence[str]) -> set[str]:
    if clause == "*":
        return set(nodes)
    match = _CLAUSE.match(clause)
    if match is None:
        raise InvalidSubsetError(
            f"op_selection clause {clause!r} is not valid: use NAME with optional '*' or '+' "
            "operators on either side (e.g. '*op', 'op+', '++op')."
        )
    name = match["name"]
    matched = {key for key in nodes if key == name or key.startswith((f"{name}.", f"{name}["))}
    if not matched:
        raise InvalidSubsetError(
            f"No qualified ops to execute found for op_selection={list(clauses)!r}: no op or "
            f"graph is named '{name}'. Ops: {', '.join(sorted(nodes)) or 'none'}."
        )
    found = set(matched)
    found |= _walk(matched, upstream, _depth(match["up"]))
    found |= _walk(matched, downstream, _depth(match["down"]))
    return found


def _depth(operator: str) -> int | None:
    return None if operator == "*" else len(operator)


def _walk(start: Iterable[str], edges: Mapping[str, set[str]], depth: int | None) -> set[str]:
    found: set[str] = set()
    frontier = set(start)
    level = 0
    while frontier and (depth is None or level < depth):
        frontier = {n for key in frontier for n in edges.get(key, ())} - found
        found |= frontier
        level += 1
    return found
