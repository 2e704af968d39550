"""``partition_loading_context``: the time and dynamic-partitions store partition math uses.

Partitions definitions, mappings and subsets read "now" and the dynamic partitions store from
their arguments; when those are omitted they fall back to the innermost
``partition_loading_context`` (and then to the wall clock and no store). A run sets the
context around each step with its instance, so ``DynamicPartitionsDefinition.get_partition_keys()``
inside an asset reads the instance's keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from headwater.definitions.partitions.base import DynamicPartitionsStore

__all__ = [
    "PartitionLoadingContext",
    "current_partition_loading_context",
    "effective_store",
    "effective_time",
    "partition_loading_context",
]


@dataclass(frozen=True)
class PartitionLoadingContext:
    """The effective time and store partition keys are computed with (None: not set)."""

    effective_dt: datetime | None = None
    dynamic_partitions_store: DynamicPartitionsStore | None = None


_EMPTY = PartitionLoadingContext()
_CURRENT: ContextVar[PartitionLoadingContext | None] = ContextVar(
    "headwater_partition_loading_context", default=None
)


def current_partition_loading_context() -> PartitionLoadingContext:
    """The innermost context (empty fields when none is open)."""
    return _CURRENT.get() or _EMPTY


@contextmanager
def partition_loading_context(
    effective_dt: datetime | None = None,
    dynamic_partitions_store: DynamicPartitionsStore | None = None,
) -> Iterator[PartitionLoadingContext]:
    """Compute partition keys as of ``effective_dt`` and with ``dynamic_partitions_store``.

    Additive, like Dagster's: a value left out keeps the one of the enclosing context.

        with partition_loading_context(effective_dt=datetime(2024, 1, 3)):
            assert DailyPartitionsDefinition("2024-01-01").get_last_partition_key() == "2024-01-02"
    """
    previous = current_partition_loading_context()
    current = PartitionLoadingContext(
        effective_dt if effective_dt is not None else previous.effective_dt,
        dynamic_partitions_store if dynamic_partitions_store is not None
        else previous.dynamic_partitions_store,
    )
    token = _CURRENT.set(current)
    try:
        yield current
    finally:
        _CURRENT.reset(token)


def effective_time(current_time: datetime | None) -> datetime | None:
    """``current_time`` if given, else the loading context's time (None: the wall clock)."""
    if current_time is not None:
        return current_time
    return current_partition_loading_context().effective_dt


def effective_store(store: DynamicPartitionsStore | None) -> DynamicPartitionsStore | None:
    """``store`` if given, else the loading context's store."""
    return store if store is not None else (
        current_partition_loading_context().dynamic_partitions_store)
