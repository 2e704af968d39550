"""``SourceAsset``: Dagster's older spelling of an external asset that other assets read.

``SourceAsset(key="raw", io_manager_key="warehouse")`` declares an asset headwater does not
compute; assets that take a parameter of its name load its value with that IO manager. It is
the same as ``AssetSpec(key).with_io_manager_key(...)``, which is what it returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from headwater.definitions.asset_graph.keys import CoercibleToAssetKey
from headwater.definitions.assets.specs import AssetSpec

if TYPE_CHECKING:
    from headwater.definitions.assets.assets_definition import AssetsDefinition

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
) -> AssetSpec | AssetsDefinition:
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
        observe_fn: a function returning the asset's ``DataVersion``: the result is then an
            observable source asset (as ``@observable_source_asset``).
    """
    if observe_fn is not None:
        from headwater.definitions.assets.observable import observable_source_asset

        return observable_source_asset(
            key=key, metadata=metadata, io_manager_key=io_manager_key,
            description=description, partitions_def=partitions_def, group_name=group_name,
            tags=tags)(observe_fn)
    spec = AssetSpec(
        key,
        metadata=metadata,
        description=description,
        partitions_def=partitions_def,
        group_name=group_name,
        tags=tags,
    )
    return spec.with_io_manager_key(io_manager_key) if io_manager_key else spec
