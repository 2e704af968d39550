"""A materialization records the asset's code version (to tell "code version changed")."""

from __future__ import annotations

from headwater.core.names import CODE_VERSION_TAG
from headwater.snapshot.events import AssetEventData, EventType
from headwater.storage.instance import Instance

from .conftest import events, execute, keys, of_type


def test_materializations_carry_the_code_version(instance: Instance) -> None:
    stored, _ = execute(instance, "prints", asset_selection=keys("talkative"))
    [materialized] = of_type(events(instance, stored.run_id), EventType.ASSET_MATERIALIZATION)
    assert isinstance(materialized.data, AssetEventData)
    assert materialized.data.tags[CODE_VERSION_TAG] == "v7"
