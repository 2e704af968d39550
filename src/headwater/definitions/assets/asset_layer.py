"""What an asset job knows about its assets: which ops compute which selected assets and checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from headwater.definitions.asset_graph import AssetGraph
from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey
from headwater.definitions.assets.assets_definition import AssetsDefinition
from headwater.errors import InvalidDefinitionError, InvalidSubsetError


@dataclass(frozen=True)
class AssetLayer:
    """The assets part of a job.

    ``executed`` holds the definitions whose ops run, each subset to its selected keys;
    ``all_assets`` maps every key of the location to its definition so that inputs from
    assets outside the job can be loaded by the right IO manager.
    """

    asset_graph: AssetGraph
    executed: tuple[AssetsDefinition, ...]
    selected_asset_keys: frozenset[AssetKey]
    selected_check_keys: frozenset[AssetCheckKey]
    all_assets: Mapping[AssetKey, AssetsDefinition]

    def definition_for(self, key: AssetKey) -> AssetsDefinition | None:
        """The definition of ``key`` anywhere in the location."""
        return self.all_assets.get(key)


def build_asset_layer(
    asset_graph: AssetGraph,
    assets_defs: Iterable[AssetsDefinition],
    selected_keys: Iterable[AssetKey],
    selected_checks: Iterable[AssetCheckKey] | None,
    job_name: str,
) -> AssetLayer:
    """Choose the ops computing ``selected_keys`` (and the selected checks).

    A multi-asset that cannot subset must be selected whole; the error names the missing
    keys. ``selected_checks`` None means every check of a selected asset.
    """
    defs = list(assets_defs)
    keys = frozenset(selected_keys)
    all_assets = {key: d for d in defs for key in d.keys}
    checks = (
        frozenset(selected_checks)
        if selected_checks is not None
        else frozenset(
            check for d in defs for check in d.check_keys if check.asset_key in keys
        )
    )
    executed: list[AssetsDefinition] = []
    for definition in defs:
        if not definition.is_executable:
            continue
        chosen = definition.keys & keys
        chosen_checks = definition.check_keys & checks
        if not chosen and not chosen_checks:
            continue
        if chosen != definition.keys and definition.keys:
            if not definition.can_subset:
                missing = sorted(k.to_user_string() for k in definition.keys - chosen)
                raise InvalidSubsetError(
                    f"Job '{job_name}' selects only part of {definition.describe}, which "
                    f"computes its assets together and cannot run a subset. Also select: "
                    f"{', '.join(missing)} (or set can_subset=True on the multi_asset)."
                )
            definition = definition.subset(chosen)
        executed.append(definition)
    return AssetLayer(
        asset_graph=asset_graph,
        executed=tuple(executed),
        selected_asset_keys=keys,
        selected_check_keys=checks,
        all_assets=all_assets,
    )


def common_partitions_def(layer: AssetLayer, job_name: str) -> object | None:
    """The one partitions definition shared by the job's partitioned assets (None if none)."""
    found: object | None = None
    for definition in layer.executed:
        partitions_def = definition.partitions_def
        if partitions_def is None:
            continue
        if found is not None and partitions_def != found:
            raise InvalidDefinitionError(
                f"Job '{job_name}' selects assets with different partitions definitions "
                f"({found!r} and {partitions_def!r}). Split them into separate jobs."
            )
        found = partitions_def
    return found
