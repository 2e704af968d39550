"""``SourceAsset``: an external asset that downstream assets load by parameter name."""

from __future__ import annotations

from typing import Any

import headwater as hw


class FixedLoader(hw.IOManager):
    def handle_output(self, context: hw.OutputContext, obj: Any) -> None:
        raise AssertionError("a source asset is never stored")

    def load_input(self, context: hw.InputContext) -> Any:
        return {"raw": [1, 2, 3]}[context.asset_key.path[-1]]


raw = hw.SourceAsset(key="raw", io_manager_key="loader", description="from elsewhere")


@hw.asset
def total(raw: list[int]) -> int:
    return sum(raw)


def test_a_downstream_asset_loads_the_source_asset_with_its_io_manager() -> None:
    result = hw.materialize([raw, total], resources={"loader": FixedLoader()})
    assert result.output_for_node("total") == 6
    defs = hw.Definitions(assets=[raw, total], resources={"loader": FixedLoader()})
    spec = next(a for a in defs.assets if getattr(a, "key", None) == hw.AssetKey("raw"))
    assert spec.description == "from elsewhere"


def test_an_observe_fn_makes_an_observable_source_asset() -> None:
    observed = hw.SourceAsset(key="raw", io_manager_key="loader",
                              observe_fn=lambda context: hw.DataVersion("1"))
    assert isinstance(observed, hw.AssetsDefinition) and observed.is_observable
    result = hw.materialize([observed, total], resources={"loader": FixedLoader()})
    assert result.output_for_node("total") == 6
    [observation] = result.asset_observations_for_node("raw")
    assert observation.tags["dagster/data_version"] == "1"
