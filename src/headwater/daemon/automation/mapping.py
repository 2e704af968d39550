"""Which partitions of a dependency correspond to partitions of the asset depending on it.

Assets with the same partitions definition map partition to partition; an unpartitioned
dependency maps to every partition of its dependent and the other way round; between two
different partitions definitions every partition maps to every other.
"""

from __future__ import annotations

from headwater.daemon.automation.assets import UNPARTITIONED, AssetView, Parts

_NONE: Parts = frozenset()
_UNPARTITIONED: Parts = frozenset({UNPARTITIONED})


def to_dep(asset: AssetView, dep: AssetView, candidates: Parts) -> Parts:
    """The dependency's partitions that the asset's ``candidates`` depend on."""
    if not candidates:
        return _NONE
    if dep.space is asset.space:
        return candidates
    if not dep.partitioned:
        return _UNPARTITIONED
    return dep.space.all


def from_dep(asset: AssetView, dep: AssetView, candidates: Parts, dep_candidates: Parts,
             dep_true: Parts, any_match: bool) -> Parts:
    """The asset's candidates for which the dependency's condition holds: for any (or all)
    of the dependency partitions each depends on."""
    if dep.space is asset.space:
        return candidates & dep_true
    if not dep.partitioned:
        return candidates if dep_true else _NONE
    if any_match:
        return candidates if dep_true else _NONE
    return candidates if dep_candidates <= dep_true else _NONE
