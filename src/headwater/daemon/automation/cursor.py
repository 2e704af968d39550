"""The automation cursor: what the next tick needs from this one, as compact JSON.

Per asset: the condition's hash (a new or changed condition makes ``initial_evaluation``
true), the code version, the partitions requested, the true partitions of stateful nodes and
a hash of the evaluation tree (unchanged trees are not stored again).
"""

from __future__ import annotations

from typing import Any

import msgspec

_EMPTY: frozenset[str] = frozenset()


class AssetCursor(msgspec.Struct, omit_defaults=True):
    """One asset's part of the cursor."""

    condition_hash: str = ""
    code_version: str | None = None
    requested: list[str] = []
    states: dict[str, list[str]] = {}
    trace_hash: str = ""

    def state(self, key: str) -> frozenset[str]:
        """The stored true partitions of the stateful node ``key``."""
        found = self.states.get(key)
        return frozenset(found) if found else _EMPTY

    def set_state(self, key: str, parts: frozenset[str]) -> None:
        """Store the true partitions of the stateful node ``key`` (nothing when empty)."""
        if parts:
            self.states[key] = sorted(parts)
        else:
            self.states.pop(key, None)


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
