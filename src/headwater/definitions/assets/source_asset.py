"""``SourceAsset``: Dagster's older spelling of an external asset that other assets read.

``SourceAsset(key="raw", io_manager_key="warehouse")`` declares an asset headwater does not
compute; assets that take a parameter of its name load its value with that IO manager. It is
the same as ``AssetSpec(key).with_io_manager_key(...)``, which is what it returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from headwater.definitions.asset_graph.keys import CoercibleToAssetKey
from headwater.definitions.assets.specs import AssetSpec
from headwater.errors import InvalidDefinitionError

__all__ = ["SourceAsset"]


def SourceAsset(  # noqa: N802 - Dagster's class name; it builds an AssetSpec
    key: CoercibleToAssetKey,
    metadata: Mapping[str, Any] | None = None,
    io_manager_key: str | None = None,
    description: str | None = None,
    partitions_def: Any = None,
    group_name: str | None = None,
    tags: Mapping[str, str] | None = None,
    observe_fn: Any = None,
) -> AssetSpec:
    """An external asset that assets may depend on and load (with ``io_manager_key``).

    Args:
        key: the asset's key.
        metadata: metadata shown with the asset.
        io_manager_key: the resource key of the IO manager that loads its value for
            downstream assets (default: ``io_manager``).
        description: shown in the UI.
        partitions_def: its partitions, when downstream assets read it by partition.
        group_name: the asset group it is shown in.
        tags: tags of the asset.
        observe_fn: not supported; observations of external assets are not built yet.
    """
    if observe_fn is not None:
        raise InvalidDefinitionError(
            f"SourceAsset {key!r} has an observe_fn: observable source assets are not supported "
            "by headwater yet. Remove observe_fn (the asset stays loadable), or record its "
            "versions with AssetObservation from an op."
        )
    spec = AssetSpec(
        key,
        metadata=metadata,
        description=description,
        partitions_def=partitions_def,
        group_name=group_name,
        tags=tags,
    )
    return spec.with_io_manager_key(io_manager_key) if io_manager_key else spec
