"""IO managers: contexts, the filesystem and in-memory managers, definitions and decorators."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.config.configurable import (
    ConfigurableIOManager,
    ConfigurableIOManagerFactory,
)
from headwater.definitions.config.io_managers import (
    FilesystemIOManager,
    InMemoryIOManager,
    InputContext,
    IOManager,
    IOManagerDefinition,
    OutputContext,
    build_input_context,
    build_output_context,
    fs_io_manager,
    io_manager,
    mem_io_manager,
)
from headwater.definitions.config.resources import InitResourceContext, ResourceDefinition
from headwater.errors import ConfigError, HeadwaterError, InvalidOutputError, NotFoundError
from headwater.execution.resources import initialize_resources

# --- contexts ------------------------------------------------------------------------------


def test_output_context_for_an_asset() -> None:
    context = build_output_context(asset_key=["raw", "orders"], partition_key="2024-01-01")
    assert context.has_asset_key and context.has_partition_key
    assert context.asset_key == AssetKey(["raw", "orders"])
    assert context.asset_partition_keys == ["2024-01-01"]
    assert context.get_identifier() == ["raw", "orders", "2024-01-01"]
    assert context.get_asset_identifier() == ["raw", "orders", "2024-01-01"]


def test_output_context_for_an_op_output() -> None:
    context = OutputContext(name="out", step_key="step", run_id="run-1", op_name="op")
    assert not context.has_asset_key and not context.has_partition_key
    assert context.asset_partition_keys == []
    assert context.get_identifier() == ["run-1", "step", "out"]
    with pytest.raises(HeadwaterError, match="has_asset_key"):
        _ = context.asset_key
    with pytest.raises(HeadwaterError, match="has_partition_key"):
        _ = context.partition_key
    mapped = OutputContext(name="out", step_key="s", run_id="r", mapping_key="k")
    assert mapped.get_identifier() == ["r", "s", "out", "k"]


def test_op_output_without_run_id_has_no_identifier() -> None:
    with pytest.raises(HeadwaterError, match="pass run_id= and step_key="):
        OutputContext(name="out").get_identifier()


def test_output_metadata_is_collected_and_consumed() -> None:
    context = build_output_context(asset_key="a", definition_metadata={"owner": "me"})
    context.add_output_metadata({"rows": 3})
    context.add_output_metadata({"cols": 2})
    assert context.definition_metadata == {"owner": "me"}
    assert context.metadata == {"owner": "me"}
    assert context.consume_output_metadata() == {"rows": 3, "cols": 2}
    assert context.consume_output_metadata() == {}


def test_input_context_helpers() -> None:
    upstream = build_output_context(name="result", step_key="up", run_id="r")
    op_input = build_input_context(name="x", upstream_output=upstream)
    assert not op_input.has_asset_key and not op_input.has_partition_key
    assert op_input.get_identifier() == ["r", "up", "result"]
    asset_input = build_input_context(asset_key="a/b", partition_key="p")
    assert asset_input.has_partition_key and asset_input.partition_key == "p"
    assert asset_input.get_identifier() == ["a", "b", "p"]
    many = build_input_context(asset_key="a", partition_keys=["p1", "p2"])
    assert many.has_asset_partitions and not many.has_partition_key
    with pytest.raises(HeadwaterError, match="loads 2 partitions"):
        _ = many.partition_key
    with pytest.raises(HeadwaterError, match="neither an upstream output nor an asset key"):
        build_input_context().get_identifier()


def test_contexts_expose_resources_by_attribute() -> None:
    context = build_output_context(resources={"s3": "bucket"})
    assert context.resources.s3 == "bucket"
    assert InputContext(resources={"s3": 1}).resources["s3"] == 1


# --- FilesystemIOManager -------------------------------------------------------------------


def test_filesystem_round_trip_for_an_asset(tmp_path: Path) -> None:
    manager = FilesystemIOManager(base_dir=tmp_path)
    out = build_output_context(asset_key=["raw", "orders"])
    manager.handle_output(out, {"rows": [1, 2]})
    path = tmp_path / "raw" / "orders"
    assert path.is_file()
    assert out.consume_output_metadata() == {"path": str(path)}
    assert manager.load_input(build_input_context(asset_key=["raw", "orders"])) == {"rows": [1, 2]}


def test_filesystem_partitions_are_the_last_path_part(tmp_path: Path) -> None:
    manager = FilesystemIOManager(base_dir=str(tmp_path))
    for day in ("2024-01-01", "2024-01-02"):
        manager.handle_output(build_output_context(asset_key="daily", partition_key=day), day)
    assert sorted(p.name for p in (tmp_path / "daily").iterdir()) == ["2024-01-01", "2024-01-02"]
    one = build_input_context(asset_key="daily", partition_key="2024-01-02")
    assert manager.load_input(one) == "2024-01-02"
    both = build_input_context(asset_key="daily", partition_keys=["2024-01-01", "2024-01-02"])
    assert manager.load_input(both) == {"2024-01-01": "2024-01-01", "2024-01-02": "2024-01-02"}


def test_filesystem_op_outputs_are_keyed_by_run_step_and_name(tmp_path: Path) -> None:
    manager = FilesystemIOManager(base_dir=tmp_path)
    out = build_output_context(name="result", step_key="add_one", run_id="run-9")
    manager.handle_output(out, 42)
    assert (tmp_path / "run-9" / "add_one" / "result").is_file()
    assert manager.load_input(build_input_context(upstream_output=out)) == 42


def test_filesystem_missing_value_error_says_what_to_do(tmp_path: Path) -> None:
    manager = FilesystemIOManager(base_dir=tmp_path)
    context = build_input_context(name="orders", asset_key="raw/orders", op_name="totals")
    with pytest.raises(NotFoundError) as info:
        manager.load_input(context)
    message = str(info.value)
    assert "asset 'raw/orders'" in message
    assert str(tmp_path / "raw" / "orders") in message
    assert "Materialize asset 'raw/orders' first" in message
    assert isinstance(info.value, HeadwaterError)


def test_filesystem_missing_partition_is_named(tmp_path: Path) -> None:
    manager = FilesystemIOManager(base_dir=tmp_path)
    with pytest.raises(NotFoundError, match="partition '2024-05-05'"):
        manager.load_input(build_input_context(asset_key="daily", partition_key="2024-05-05"))


def test_filesystem_overwrite_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    manager = FilesystemIOManager(base_dir=tmp_path)
    context = build_output_context(asset_key="a")
    manager.handle_output(context, "first")
    manager.handle_output(context, "second")
    assert [p.name for p in tmp_path.iterdir()] == ["a"]
    assert manager.load_input(build_input_context(asset_key="a")) == "second"


def test_filesystem_unpicklable_value_fails_without_touching_the_old_file(tmp_path: Path) -> None:
    manager = FilesystemIOManager(base_dir=tmp_path)
    manager.handle_output(build_output_context(asset_key="a"), "kept")
    with pytest.raises(InvalidOutputError, match="cannot be pickled"):
        manager.handle_output(build_output_context(asset_key="a"), threading.Lock())
    assert manager.load_input(build_input_context(asset_key="a")) == "kept"
    assert [p.name for p in tmp_path.iterdir()] == ["a"]


def test_filesystem_corrupt_file_is_a_headwater_error(tmp_path: Path) -> None:
    (tmp_path / "a").write_bytes(b"not a pickle")
    with pytest.raises(HeadwaterError, match="materialize it again"):
        FilesystemIOManager(base_dir=tmp_path).load_input(build_input_context(asset_key="a"))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=50)
@given(
    st.lists(st.text(min_size=1, max_size=12).filter(lambda s: "\x00" not in s), min_size=1),
    st.text(min_size=1, max_size=12).filter(lambda s: "\x00" not in s),
)
def test_filesystem_paths_stay_inside_base_dir(
    tmp_path: Path, parts: list[str], partition: str
) -> None:
    manager = FilesystemIOManager(base_dir=tmp_path)
    identifier = [*parts, partition]
    path = os.path.realpath(manager.path_for(identifier))
    assert path.startswith(str(tmp_path.resolve()) + os.sep)
    assert len(Path(path).relative_to(tmp_path.resolve()).parts) == len(identifier)


def test_filesystem_distinct_keys_get_distinct_paths(tmp_path: Path) -> None:
    manager = FilesystemIOManager(base_dir=tmp_path)
    keys = [["a/b"], ["a", "b"], [".."], ["%2E%2E"], ["a%2Fb"]]
    assert len({manager.path_for(k) for k in keys}) == len(keys)


def test_default_base_dir_uses_headwater_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = FilesystemIOManager()
    monkeypatch.setenv("HEADWATER_HOME", str(tmp_path / "home"))
    manager.handle_output(build_output_context(asset_key="a"), 1)
    assert (tmp_path / "home" / "storage" / "a").is_file()
    monkeypatch.setenv("HEADWATER_HOME", str(tmp_path / "elsewhere"))
    assert manager.base_dir == str(tmp_path / "home" / "storage")  # fixed at first use


def test_default_base_dir_without_headwater_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HEADWATER_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert FilesystemIOManager().base_dir == str(tmp_path / ".headwater" / "storage")


# --- InMemoryIOManager ---------------------------------------------------------------------


def test_in_memory_round_trip_and_isolation() -> None:
    manager = InMemoryIOManager()
    manager.handle_output(build_output_context(asset_key="a", partition_key="p"), [1])
    manager.handle_output(build_output_context(name="out", step_key="s", run_id="r"), "op")
    assert manager.values[("a", "p")] == [1]
    assert manager.load_input(build_input_context(asset_key="a", partition_key="p")) == [1]
    upstream = build_output_context(name="out", step_key="s", run_id="r")
    assert manager.load_input(build_input_context(upstream_output=upstream)) == "op"
    with pytest.raises(NotFoundError, match="Materialize asset 'a' first"):
        InMemoryIOManager().load_input(build_input_context(asset_key="a", partition_key="p"))


# --- definitions, decorators, configurable IO managers -------------------------------------


def test_fs_io_manager_definition_with_config(tmp_path: Path) -> None:
    assert isinstance(fs_io_manager, IOManagerDefinition)
    run_config = {"io_manager": {"config": {"base_dir": str(tmp_path)}}}
    with initialize_resources(
        {"io_manager": fs_io_manager}, resource_run_config=run_config
    ) as resources:
        manager = resources.io_manager
        assert isinstance(manager, FilesystemIOManager)
        assert manager.base_dir == str(tmp_path)
    with pytest.raises(ConfigError, match="resource 'io_manager'"):
        with initialize_resources(
            {"io_manager": fs_io_manager},
            resource_run_config={"io_manager": {"config": {"base": "x"}}},
        ):
            pass


def test_mem_io_manager_definition_gives_a_fresh_manager_per_run() -> None:
    with initialize_resources({"io_manager": mem_io_manager}) as first:
        manager = first.io_manager
        assert isinstance(manager, InMemoryIOManager)
    with initialize_resources({"io_manager": mem_io_manager}) as second:
        assert second.io_manager is not manager


def test_io_manager_decorator_bare_and_with_config() -> None:
    @io_manager
    def plain(_: InitResourceContext) -> InMemoryIOManager:
        """Plain manager."""
        return InMemoryIOManager()

    @io_manager(config_schema={"prefix": str}, required_resource_keys={"dep"})
    def prefixed(context: InitResourceContext) -> InMemoryIOManager:
        manager = InMemoryIOManager()
        manager.values[("prefix",)] = context.resource_config["prefix"] + context.resources.dep
        return manager

    assert isinstance(plain, IOManagerDefinition) and isinstance(plain, ResourceDefinition)
    assert plain.description == "Plain manager."
    assert prefixed.required_resource_keys == frozenset({"dep"})
    defs = {"plain": plain, "prefixed": prefixed, "dep": ResourceDefinition.hardcoded_resource("!")}
    with initialize_resources(
        defs, resource_run_config={"prefixed": {"config": {"prefix": "p"}}}
    ) as resources:
        assert resources.prefixed.values[("prefix",)] == "p!"


class Tagging(ConfigurableIOManager):
    tag: str

    def handle_output(self, context: OutputContext, obj: Any) -> None:
        context.add_output_metadata({"tag": self.tag})

    def load_input(self, context: InputContext) -> Any:
        return self.tag


def test_configurable_io_manager() -> None:
    with initialize_resources({"io_manager": Tagging(tag="t")}) as resources:
        manager = resources.io_manager
        assert isinstance(manager, IOManager)
        out = build_output_context(asset_key="a")
        manager.handle_output(out, 1)
        assert out.consume_output_metadata() == {"tag": "t"}
        assert manager.load_input(build_input_context(asset_key="a")) == "t"


def test_configurable_io_manager_factory(tmp_path: Path) -> None:
    class FsFactory(ConfigurableIOManagerFactory):
        root: str

        def create_io_manager(self, context: InitResourceContext) -> IOManager:
            return FilesystemIOManager(base_dir=os.path.join(self.root, "x"))

    with initialize_resources({"io": FsFactory(root=str(tmp_path))}) as resources:
        assert isinstance(resources.io, FilesystemIOManager)
        assert resources.io.base_dir == str(tmp_path / "x")


def test_io_manager_subclass_must_implement_both_methods() -> None:
    class Half(IOManager):
        def handle_output(self, context: OutputContext, obj: Any) -> None: ...

    with pytest.raises(TypeError):
        Half()  # type: ignore[abstract]
