"""How a backfill's partitions are split into runs, by the targets' backfill policies.

Without a policy each partition gets its own run. ``BackfillPolicy.single_run()`` puts every
consecutive partition into one run over their range; ``multi_run(n)`` runs of at most ``n``.
Several assets: the smallest ``n`` wins, and any asset without a policy means one run per
partition (as in Dagster). Slices never cross a gap in the requested keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from headwater.core.partition_keys import partition_keys
from headwater.snapshot.location import AssetSnap, PartitionsSnap

__all__ = ["partitions_per_run", "run_sizes", "slice_at"]


def partitions_per_run(assets: Sequence[AssetSnap]) -> int | None:
    """The run size the assets' policies allow: n, None for one run, or 1 without policies."""
    sizes: list[int | None] = []
    for asset in assets:
        if asset.backfill_policy is None:
            return 1
        sizes.append(asset.backfill_policy.get("max_partitions_per_run"))
    bounded = [size for size in sizes if size is not None]
    if bounded:
        return min(bounded)
    return None if sizes else 1


def run_sizes(keys: Sequence[str], per_run: int | None, partitions: PartitionsSnap,
              store: Any = None) -> list[int]:
    """Sizes of consecutive slices of ``keys`` (one per run); empty means one key per run."""
    if per_run == 1 or not keys:
        return []
    ordered = partition_keys(partitions.data,
                             store.get_dynamic_partitions if store is not None else None)
    position = {key: index for index, key in enumerate(ordered)}
    sizes: list[int] = []
    current = 0
    previous: int | None = None
    for key in keys:
        here = position.get(key)
        contiguous = previous is not None and here is not None and here == previous + 1
        if current and (not contiguous or (per_run is not None and current >= per_run)):
            sizes.append(current)
            current = 0
        current += 1
        previous = here
    if current:
        sizes.append(current)
    return sizes


def slice_at(keys: Sequence[str], sizes: Sequence[int], submitted: int) -> list[str]:
    """The keys of the run starting at key index ``submitted``."""
    if not sizes:
        return list(keys[submitted:submitted + 1])
    start = 0
    for size in sizes:
        if start == submitted:
            return list(keys[start:start + size])
        start += size
    return []
