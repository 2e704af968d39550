"""Definitions.load_asset_value and get_asset_value_loader: stored outputs read back through
the asset's IO manager, with its resources initialised and torn down, and partitions."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from headwater import (
    AssetSpec,
    Definitions,
    FilesystemIOManager,
    InMemoryIOManager,
    InputContext,
    IOManager,
    OutputContext,
    PartitionKeyRange,
    StaticPartitionsDefinition,
    asset,
    fs_io_manager,
    io_manager,
    materialize,
    resource,
    with_resources,
)
from headwater.errors import HeadwaterError, NotFoundError, UserCodeError

REPO_ROOT = Path(__file__).resolve().parents[2]
STORED_VALUES = REPO_ROOT / "tests" / "user_code" / "stored_values.py"
colors = StaticPartitionsDefinition(["red", "blue", "green"])


@asset
def numbers() -> list[int]:
    return [1, 2, 3]


@asset
def total(numbers: list[int]) -> int:
    return sum(numbers)


@asset(partitions_def=colors)
def shade(context: Any) -> str:
    return f"{context.partition_key}-ish"


@asset
def side_effect_only() -> None:
    return None


def _stored(tmp_path: Path) -> Definitions:
    """Definitions whose IO manager stores under ``tmp_path``, with values materialized."""
    io = FilesystemIOManager(base_dir=tmp_path)
    materialize([numbers, total], resources={"io_manager": io})
    for color in ("red", "blue"):
        materialize([shade], resources={"io_manager": io}, partition_key=color)
    return Definitions(assets=[numbers, total, shade, side_effect_only],
                       resources={"io_manager": io})


# Reading values -------------------------------------------------------------------------------


def test_load_asset_value_reads_what_a_run_stored(tmp_path: Path) -> None:
    defs = _stored(tmp_path)
    assert defs.load_asset_value("total") == 6
    assert defs.load_asset_value(["numbers"]) == [1, 2, 3]


def test_partitions(tmp_path: Path) -> None:
    defs = _stored(tmp_path)
    assert defs.load_asset_value("shade", partition_key="red") == "red-ish"
    with pytest.raises(NotFoundError) as missing:
        defs.load_asset_value("shade", partition_key="green")
    assert "asset 'shade' (partition 'green')" in str(missing.value)
    assert "no stored value" in str(missing.value)
    with pytest.raises(NotFoundError, match="'purple'.*red"):
        defs.load_asset_value("shade", partition_key="purple")
    with pytest.raises(NotFoundError, match="Asset 'shade' is partitioned; pass partition_key"):
        defs.load_asset_value("shade")
    with pytest.raises(NotFoundError, match="Asset 'total' is not partitioned, but partition"):
        defs.load_asset_value("total", partition_key="red")


def test_loader_reads_a_partition_range_as_a_dict(tmp_path: Path) -> None:
    defs = _stored(tmp_path)
    with defs.get_asset_value_loader() as loader:
        both = loader.load_asset_value("shade",
                                       partition_key_range=PartitionKeyRange("red", "blue"))
        assert both == {"red": "red-ish", "blue": "blue-ish"}
        one = loader.load_asset_value("shade", partition_key_range=PartitionKeyRange("red", "red"))
        assert one == "red-ish"
        with pytest.raises(HeadwaterError, match="partition_key= or partition_key_range="):
            loader.load_asset_value("shade", partition_key="red",
                                    partition_key_range=PartitionKeyRange("red", "red"))


def test_unknown_asset_lists_the_assets(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="No asset 'totl'.*Did you mean: total"):
        _stored(tmp_path).load_asset_value("totl")


def test_asset_that_stores_nothing_says_so(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="'side_effect_only': its function returns no value"):
        _stored(tmp_path).load_asset_value("side_effect_only")


# The IO manager's context ---------------------------------------------------------------------


class Recording(IOManager):
    """Keeps values in memory and every input context it was asked to load."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, ...], Any] = {}
        self.contexts: list[InputContext] = []

    def handle_output(self, context: OutputContext, obj: Any) -> None:
        self.values[tuple(context.get_identifier())] = obj

    def load_input(self, context: InputContext) -> Any:
        self.contexts.append(context)
        return self.values[tuple(context.get_identifier())]


def test_context_carries_key_partition_metadata_and_type() -> None:
    recording = Recording()

    @asset(io_manager_key="warehouse", metadata={"table": "t_total"})
    def warehouse_total() -> int:
        return 42

    defs = Definitions(assets=[warehouse_total, shade], resources={"warehouse": recording,
                                                                    "io_manager": recording})
    defs.resolve_implicit_global_asset_job_def()  # resolves; values come from runs below
    materialize([warehouse_total], resources={"warehouse": recording})
    materialize([shade], resources={"io_manager": recording}, partition_key="blue")
    value = defs.load_asset_value("warehouse_total", metadata={"columns": ["a"]}, python_type=int)
    assert value == 42
    context = recording.contexts[-1]
    assert context.asset_key.to_user_string() == "warehouse_total"
    assert context.definition_metadata == {"columns": ["a"]}
    assert context.dagster_type.typing_type is int
    assert context.upstream_output is not None
    assert context.upstream_output.definition_metadata["table"] == "t_total"
    assert context.upstream_output.name == "result"
    assert not context.has_partition_key
    assert defs.load_asset_value("shade", partition_key="blue") == "blue-ish"
    assert recording.contexts[-1].partition_key == "blue"
    assert recording.contexts[-1].upstream_output.partition_key == "blue"  # type: ignore[union-attr]


def test_external_asset_is_read_by_its_io_manager_key() -> None:
    lake = InMemoryIOManager()
    lake.values[("landed",)] = {"rows": 4}
    defs = Definitions(assets=[AssetSpec("landed").with_io_manager_key("lake")],
                       resources={"lake": lake})
    assert defs.load_asset_value("landed") == {"rows": 4}


def test_io_manager_bound_with_with_resources_is_used() -> None:
    memory = InMemoryIOManager()
    [bound] = with_resources([numbers], {"io_manager": memory})
    materialize([bound])
    assert Definitions(assets=[bound]).load_asset_value("numbers") == [1, 2, 3]


def test_io_manager_errors_are_wrapped_naming_the_manager_and_asset() -> None:
    class Broken(IOManager):
        def handle_output(self, context: OutputContext, obj: Any) -> None: ...

        def load_input(self, context: InputContext) -> Any:
            raise RuntimeError("disk on fire")

    defs = Definitions(assets=[numbers], resources={"io_manager": Broken()})
    with pytest.raises(UserCodeError) as caught:
        defs.load_asset_value("numbers")
    assert "IO manager 'io_manager' loading asset 'numbers'" in str(caught.value)
    assert isinstance(caught.value.__cause__, RuntimeError)


def test_resource_config_configures_the_io_manager(tmp_path: Path) -> None:
    materialize([numbers], resources={"io_manager": FilesystemIOManager(base_dir=tmp_path)})
    defs = Definitions(assets=[numbers], resources={"io_manager": fs_io_manager})
    with defs.get_asset_value_loader() as loader:
        value = loader.load_asset_value(
            "numbers", resource_config={"io_manager": {"config": {"base_dir": str(tmp_path)}}}
        )
    assert value == [1, 2, 3]


# Resources: initialised once per loader, torn down at the end ---------------------------------


@pytest.fixture
def lifecycle() -> Iterator[tuple[Definitions, list[str]]]:
    events: list[str] = []
    memory = InMemoryIOManager()
    memory.values[("numbers",)] = [1]
    memory.values[("total",)] = 1

    @resource
    def connection() -> Iterator[str]:
        events.append("connection up")
        yield "conn"
        events.append("connection down")

    @io_manager(required_resource_keys={"connection"})
    def store(context: Any) -> Iterator[InMemoryIOManager]:
        events.append(f"store up ({context.resources.connection})")
        yield memory
        events.append("store down")

    yield Definitions(assets=[numbers, total],
                      resources={"io_manager": store, "connection": connection}), events


def test_loader_initialises_resources_once_and_tears_them_down(
    lifecycle: tuple[Definitions, list[str]],
) -> None:
    defs, events = lifecycle
    with defs.get_asset_value_loader() as loader:
        assert loader.load_asset_value("numbers") == [1]
        assert loader.load_asset_value("total") == 1
        assert events == ["connection up", "store up (conn)"]
    assert events == ["connection up", "store up (conn)", "store down", "connection down"]
    with pytest.raises(HeadwaterError, match="loader is closed"):
        loader.load_asset_value("numbers")


def test_load_asset_value_tears_down_after_each_call(
    lifecycle: tuple[Definitions, list[str]],
) -> None:
    defs, events = lifecycle
    assert defs.load_asset_value("total") == 1
    assert events == ["connection up", "store up (conn)", "store down", "connection down"]
    assert defs.load_asset_value("total") == 1
    assert len(events) == 8


def test_teardown_runs_when_the_load_fails(lifecycle: tuple[Definitions, list[str]]) -> None:
    defs, events = lifecycle
    with_shade = Definitions(assets=[numbers, total, shade], resources=defs.resources)
    with pytest.raises(NotFoundError, match="no stored value"):
        with_shade.load_asset_value("shade", partition_key="red")
    assert events == ["connection up", "store up (conn)", "store down", "connection down"]


# Values stored by real runs, read with the instance --------------------------------------------


def _cli(home: Path, *args: str) -> None:
    script = Path(sys.executable).with_name("headwater")
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "headwater.cli.main"]
    result = subprocess.run(
        [*command, *args], cwd=REPO_ROOT, env={**os.environ, "HEADWATER_HOME": str(home)},
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _stored_values_module() -> Any:
    spec = importlib.util.spec_from_file_location("stored_values_for_test", STORED_VALUES)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_values_stored_by_cli_runs_load_with_the_instance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from headwater.storage.instance import Instance

    home = tmp_path / "home"
    _cli(home, "asset", "materialize", "-f", str(STORED_VALUES), "--select", "totals")
    _cli(home, "asset", "materialize", "-f", str(STORED_VALUES), "--select", "regional",
         "--partition", "us")
    defs = _stored_values_module().defs
    instance = Instance.get(environ={"HEADWATER_HOME": str(home)}, lazy=True)
    assert defs.load_asset_value("totals", instance=instance) == {"orders": 3}
    assert defs.load_asset_value("regional", partition_key="us", instance=instance) == "sales-us"
    # Without an instance, the default IO manager reads $HEADWATER_HOME's storage folder.
    monkeypatch.setenv("HEADWATER_HOME", str(home))
    with defs.get_asset_value_loader() as loader:
        assert loader.load_asset_value("totals") == {"orders": 3}
        with pytest.raises(NotFoundError, match="partition 'eu'"):
            loader.load_asset_value("regional", partition_key="eu")
