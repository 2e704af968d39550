"""UPathIOManager: a subclass writing JSON files stores assets, partitions and op outputs under
its base path, loads several partitions as a dict and names what is missing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import headwater as dg


class JsonIOManager(dg.UPathIOManager):
    extension = ".json"

    def dump_to_path(self, context: dg.OutputContext, obj: Any, path: Path) -> None:
        path.write_text(json.dumps(obj))

    def load_from_path(self, context: dg.InputContext, path: Path) -> Any:
        return json.loads(path.read_text())


class JsonIOManagerFactory(dg.ConfigurableIOManagerFactory):
    base_dir: str

    def create_io_manager(self, context: Any) -> JsonIOManager:
        return JsonIOManager(base_path=Path(self.base_dir))


DAYS = dg.StaticPartitionsDefinition(["mon", "tue"])


@dg.asset(partitions_def=DAYS, key_prefix=["raw"])
def visits(context: dg.AssetExecutionContext) -> dict[str, str]:
    return {"day": context.partition_key}


@dg.asset(ins={"visits": dg.AssetIn(["raw", "visits"])})
def weekly(visits: dict[str, dict[str, str]]) -> list[str]:
    return sorted(value["day"] for value in visits.values())


def test_assets_and_partitions_are_files_under_the_base_path(tmp_path: Path) -> None:
    resources = {"io_manager": JsonIOManagerFactory(base_dir=str(tmp_path))}
    for day in ("mon", "tue"):
        result = dg.materialize([visits], resources=resources, partition_key=day)
        assert result.success
    assert json.loads((tmp_path / "raw" / "visits" / "mon.json").read_text()) == {"day": "mon"}
    with dg.instance_for_test() as instance:
        result = dg.materialize([visits, weekly], resources=resources, selection=[weekly],
                                instance=instance)
        assert result.success
        entry = instance.get_latest_materialization_event(dg.AssetKey("weekly"))
        assert entry is not None and entry.asset_materialization is not None
        assert entry.asset_materialization.metadata["path"].value == str(tmp_path / "weekly.json")
    assert json.loads((tmp_path / "weekly.json").read_text()) == ["mon", "tue"]


def test_op_outputs_and_a_missing_value(tmp_path: Path) -> None:
    @dg.op
    def make() -> int:
        return 7

    @dg.op
    def double(value: int) -> int:
        return value * 2

    @dg.job(resource_defs={"io_manager": JsonIOManagerFactory(base_dir=str(tmp_path))})
    def twice() -> None:
        double(make())

    result = twice.execute_in_process()
    assert result.output_for_node("double") == 14
    assert (tmp_path / result.run_id / "make" / "result.json").read_text() == "7"
    manager = JsonIOManager(base_path=tmp_path)
    context = dg.build_input_context(asset_key=dg.AssetKey("never"))
    with pytest.raises(dg.DagsterError, match="nothing is stored at"):
        manager.load_input(context)


def test_extension_must_start_with_a_dot() -> None:
    class Bad(JsonIOManager):
        extension = "json"

    with pytest.raises(ValueError, match="start with a dot"):
        Bad()
