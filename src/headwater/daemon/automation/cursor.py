"""The automation cursor: what the next tick needs from this one, as compact JSON.

Per asset: the condition's hash (a new or changed condition makes ``initial_evaluation``
true), the code version, the partitions requested, the true partitions of stateful nodes and
a hash of the evaluation tree (unchanged trees are not stored again).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import msgspec

_EMPTY: frozenset[str] = frozenset()

#: Marks a state stored as runs of partition positions: ``[_RUNS, first key, "0-364", "400"]``.
_RUNS = "\x00runs"

#: States of at most this many partitions are stored as their keys.
_LISTED = 16


def _runs(positions: list[int]) -> list[str]:
    found: list[str] = []
    start = previous = positions[0]
    for position in positions[1:]:
        if position != previous + 1:
            found.append(f"{start}-{previous}" if previous != start else str(start))
            start = position
        previous = position
    found.append(f"{start}-{previous}" if previous != start else str(start))
    return found


class AssetCursor(msgspec.Struct, omit_defaults=True):
    """One asset's part of the cursor."""

    condition_hash: str = ""
    code_version: str | None = None
    requested: list[str] = []
    states: dict[str, list[str]] = {}
    trace_hash: str = ""

    def state(self, key: str, keys: Sequence[str] = ()) -> frozenset[str]:
        """The stored true partitions of the stateful node ``key`` (``keys``: the partition
        keys of the asset it was evaluated on, in order, to read runs of them)."""
        found = self.states.get(key)
        if not found:
            return _EMPTY
        if found[0] != _RUNS:
            return frozenset(found)
        if len(found) < 2 or not keys or keys[0] != found[1]:
            return _EMPTY  # the partitions were redefined: their positions mean nothing now
        parts: list[str] = []
        for item in found[2:]:
            first, _, last = item.partition("-")
            parts.extend(keys[int(first):int(last or first) + 1])
        return frozenset(parts)

    def set_state(self, key: str, parts: frozenset[str],
                  index: Mapping[str, int] | None = None, first: str = "") -> None:
        """Store the true partitions of the stateful node ``key`` (nothing when empty); many
        partitions of an ordered definition (``index``: key -> position, ``first`` its first
        key) as runs of positions, so a year of missing days costs a few bytes."""
        if not parts:
            self.states.pop(key, None)
        elif index is None or len(parts) <= _LISTED or not parts <= index.keys():
            self.states[key] = sorted(parts)
        else:
            self.states[key] = [_RUNS, first, *_runs(sorted(index[part] for part in parts))]


class AutomationCursor(msgspec.Struct, omit_defaults=True):
    """The cursor of an automation sensor."""

    evaluation_id: int = 0
    timestamp: float = 0.0
    storage_id: int | None = None
    assets: dict[str, AssetCursor] = {}

    def encode(self) -> str:
        """As a JSON string (stored as the sensor's cursor)."""
        return msgspec.json.encode(self).decode()

    @staticmethod
    def decode(text: str | None) -> AutomationCursor:
        """From :meth:`encode`'s string; an empty or unreadable one starts afresh."""
        if not text:
            return AutomationCursor()
        from headwater.snapshot.versioning import gc_paused

        try:
            with gc_paused():  # thousands of small structs, no cycles
                return msgspec.json.decode(text, type=AutomationCursor)
        except msgspec.DecodeError:
            return AutomationCursor()


def as_plain(cursor: AutomationCursor) -> dict[str, Any]:
    """The cursor as plain data."""
    return msgspec.to_builtins(cursor)  # type: ignore[no-any-return]
