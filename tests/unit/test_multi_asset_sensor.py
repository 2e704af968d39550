"""@multi_asset_sensor: its context reads the monitored assets' materializations from the
instance, and advance_cursor keeps what was consumed across ticks."""

from __future__ import annotations

import pytest

import headwater as hw
from headwater.errors import InvalidDefinitionError


@hw.asset
def orders() -> None:
    return None


@hw.asset
def customers() -> None:
    return None


@hw.multi_asset_sensor(monitored_assets=[hw.AssetKey("orders"), hw.AssetKey("customers")],
                       job_name="report_job")
def both_updated(context: hw.MultiAssetSensorEvaluationContext) -> hw.RunRequest | None:
    records = context.latest_materialization_records_by_key()
    if all(records.values()):
        context.advance_all_cursors()
        return hw.RunRequest(run_key="-".join(str(r.storage_id) for r in records.values()
                                              if r is not None))
    return None


def test_requests_once_both_assets_updated_and_remembers_what_it_consumed() -> None:
    assert isinstance(both_updated, hw.MultiAssetSensorDefinition)
    assert both_updated.monitored_asset_keys == [hw.AssetKey("orders"), hw.AssetKey("customers")]
    with hw.instance_for_test() as instance:
        context = hw.build_multi_asset_sensor_context(
            monitored_assets=[hw.AssetKey("orders"), hw.AssetKey("customers")],
            instance=instance)
        hw.materialize([orders], instance=instance)
        assert both_updated(context) is None  # customers not yet
        hw.materialize([customers], instance=instance)
        request = both_updated(context)
        assert isinstance(request, hw.RunRequest)

        tick = both_updated.evaluate_tick(hw.build_sensor_context(instance=instance,
                                                                  cursor=context.cursor))
        assert tick.run_requests == []  # both consumed: nothing new
        hw.materialize([orders], instance=instance)
        hw.materialize([customers], instance=instance)
        tick = both_updated.evaluate_tick(hw.build_sensor_context(instance=instance,
                                                                  cursor=tick.cursor))
        [again] = tick.run_requests
        assert again.run_key != request.run_key
        assert tick.cursor is not None and '"orders"' in tick.cursor


def test_records_for_key_and_the_context_needs_an_instance() -> None:
    with hw.instance_for_test() as instance:
        hw.materialize([orders], instance=instance)
        hw.materialize([orders], instance=instance)
        context = hw.build_multi_asset_sensor_context(
            monitored_assets=hw.AssetSelection.keys("orders"), instance=instance)
        first, second = context.materialization_records_for_key("orders")
        assert first.storage_id < second.storage_id and second.asset_key == hw.AssetKey("orders")
        context.advance_cursor({hw.AssetKey("orders"): first})
        assert [r.storage_id for r in context.materialization_records_for_key("orders")] == [
            second.storage_id]
    with pytest.raises(InvalidDefinitionError, match="instance"):
        hw.build_multi_asset_sensor_context(["orders"]).latest_materialization_records_by_key()
