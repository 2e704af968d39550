"""Asset checks in run requests: which checks exist, and which can run without their asset.

A run may name asset checks (``asset_check_selection``, each ``[*asset key, check name]``):
with an asset selection, only those checks of the selected assets run; alone, only the
checks run, reading their asset's stored value through its IO manager (Dagster's
``AssetSelection.checks(...)``). A check computed by its asset's own op
(``@asset(check_specs=...)``, a multi-asset's ``check_specs``) cannot run alone (Dagster's
``REQUIRES_MATERIALIZATION``): such a request is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from headwater.snapshot.location import AssetCheckSnap, AssetSnap, RepositorySnapshot

__all__ = [
    "CAN_EXECUTE",
    "REQUIRES_MATERIALIZATION",
    "check_parts",
    "execution_mode",
    "find_check",
    "materialization_reason",
]

#: The check runs on its own (an ``@asset_check`` op).
CAN_EXECUTE = "CAN_EXECUTE"
#: The check is computed by its asset's op and runs only when the asset is materialized.
REQUIRES_MATERIALIZATION = "REQUIRES_MATERIALIZATION"


def check_parts(check: Sequence[str]) -> tuple[list[str], str]:
    """``[*asset key, name]`` as ``(asset key, name)``; ValueError when too short."""
    parts = [str(part) for part in check]
    if len(parts) < 2 or not all(parts):
        raise ValueError(f"{check!r} is not an asset check: give [*asset key path, check name] "
                         "with non-empty parts.")
    return parts[:-1], parts[-1]


def find_check(repository: RepositorySnapshot, asset_key: Sequence[str],
               name: str) -> AssetCheckSnap | None:
    """The check ``name`` of the asset ``asset_key``, if the repository defines it."""
    key = list(asset_key)
    for check in repository.asset_checks:
        if check.asset_key == key and check.name == name:
            return check
    return None


def _producing_assets(repository: RepositorySnapshot, check: AssetCheckSnap) -> list[AssetSnap]:
    if check.node_name is None:
        return []
    return [asset for asset in repository.assets if asset.node_name == check.node_name]


def execution_mode(repository: RepositorySnapshot, check: AssetCheckSnap) -> str:
    """``CAN_EXECUTE`` or ``REQUIRES_MATERIALIZATION`` (the check's op also computes assets)."""
    alone = check.can_execute_individually
    if alone is None:  # an older code server: its op computing assets too means it cannot
        alone = not _producing_assets(repository, check)
    return CAN_EXECUTE if alone else REQUIRES_MATERIALIZATION


def materialization_reason(repository: RepositorySnapshot, check: AssetCheckSnap) -> str | None:
    """Why the check cannot run without materializing its asset (None when it can)."""
    if execution_mode(repository, check) == CAN_EXECUTE:
        return None
    shown = "/".join(check.asset_key)
    producers = ", ".join(sorted("/".join(a.key) for a in _producing_assets(repository, check)))
    return (f"Asset check '{check.name}' of asset '{shown}' is computed by op "
            f"'{check.node_name}', which also materializes {producers} (the check was declared "
            f"with check_specs= on the asset), so it cannot be executed without materializing "
            f"{producers}. Materialize the asset to evaluate it, or define the check with "
            "@asset_check to run it on its own.")
