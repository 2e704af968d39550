"""Definitions: validation errors, merge, lookups, @definitions, @repository and module loading."""

from __future__ import annotations

import types
from typing import Any

import pytest

from headwater import (
    AssetKey,
    AssetSelection,
    AssetSpec,
    Definitions,
    FilesystemIOManager,
    InMemoryIOManager,
    RepositoryDefinition,
    ResourceParam,
    ScheduleDefinition,
    asset,
    define_asset_job,
    job,
    load_assets_from_modules,
    materialize,
    op,
    repository,
    sensor,
)

# ``from headwater import definitions`` gives the subpackage once it is imported, so the
# decorator is imported from its module here.
from headwater.definitions.definitions_class import definitions
from headwater.errors import (
    CycleError,
    DuplicateDefinitionError,
    InvalidDefinitionError,
    NotFoundError,
    UnknownDependencyError,
    UnknownResourceError,
)


@asset
def a() -> int:
    return 1


@asset
def b(a: int) -> int:
    return a + 1


@asset
def c(b: int) -> int:
    return b + 1


@asset(group_name="other")
def d() -> int:
    return 4


@op
def hello() -> str:
    return "hi"


@job
def hello_job() -> None:
    hello()


# Validation errors ----------------------------------------------------------------------------


def test_cycle_names_the_cycle() -> None:
    @asset(deps=["y"])
    def x() -> None: ...

    @asset(deps=["z"])
    def y() -> None: ...

    @asset(deps=["x"])
    def z() -> None: ...

    with pytest.raises(CycleError) as info:
        Definitions.validate_loadable(Definitions(assets=[x, y, z]))
    message = str(info.value)
    for name in ("x", "y", "z"):
        assert name in message
    assert "->" in message


def test_unknown_dependency_names_asset_dep_and_fix() -> None:
    @asset
    def needs(missing_upstream: int) -> int:
        return missing_upstream

    with pytest.raises(UnknownDependencyError) as info:
        Definitions(assets=[needs]).get_repository_def()
    message = str(info.value)
    assert "'needs' depends on 'missing_upstream'" in message
    assert "AssetSpec" in message


def test_unknown_resource_names_asset_and_key() -> None:
    @asset(required_resource_keys={"warehouse"})
    def loads() -> None: ...

    defs = Definitions(assets=[loads], resources={"other": object()},
                       jobs=[define_asset_job("j")])
    with pytest.raises(UnknownResourceError) as info:
        Definitions.validate_loadable(defs)
    message = str(info.value)
    assert "asset 'loads'" in message and "'warehouse'" in message
    assert "other" in message and "Definitions(resources=" in message


def test_unknown_resource_of_an_asset_outside_any_job() -> None:
    @asset
    def needs_client(client: ResourceParam[str]) -> str:
        return client

    with pytest.raises(UnknownResourceError, match="asset 'needs_client' requires resource"):
        Definitions.validate_loadable(Definitions(assets=[needs_client]))
    Definitions.validate_loadable(Definitions(assets=[needs_client], resources={"client": "c"}))


def test_unknown_resource_in_materialize_fails_clearly() -> None:
    @asset(required_resource_keys={"warehouse"})
    def loads() -> None: ...

    with pytest.raises(UnknownResourceError, match="'warehouse'"):
        materialize([loads])


def test_unknown_resource_for_op_job() -> None:
    @op(required_resource_keys={"db"})
    def uses_db() -> None: ...

    @job
    def db_job() -> None:
        uses_db()

    with pytest.raises(UnknownResourceError, match="op 'uses_db' requires resource 'db'"):
        Definitions(jobs=[db_job]).get_job_def("db_job")


def test_duplicate_asset_key_across_definitions() -> None:
    @asset(name="a")
    def another_a() -> int:
        return 2

    with pytest.raises(DuplicateDefinitionError) as info:
        Definitions(assets=[a, another_a]).get_repository_def()
    message = str(info.value)
    assert "Asset 'a' is defined twice" in message
    assert "key_prefix" in message


def test_same_asset_object_twice_is_a_duplicate() -> None:
    with pytest.raises(DuplicateDefinitionError):
        Definitions(assets=[a, a]).get_repository_def()


def test_duplicate_job_names() -> None:
    @job(name="hello_job")
    def other() -> None:
        hello()

    with pytest.raises(DuplicateDefinitionError, match="Two different jobs are named 'hello_job'"):
        Definitions(jobs=[hello_job, other]).get_repository_def()


def test_same_job_object_twice_is_fine() -> None:
    defs = Definitions(jobs=[hello_job, hello_job])
    assert defs.get_job_def("hello_job").execute_in_process().output_for_node("hello") == "hi"


def test_duplicate_schedule_and_sensor_names() -> None:
    first = ScheduleDefinition(name="daily", cron_schedule="0 0 * * *", job=hello_job)
    second = ScheduleDefinition(name="daily", cron_schedule="0 1 * * *", job=hello_job)
    with pytest.raises(DuplicateDefinitionError, match="Two schedules are named 'daily'"):
        Definitions(jobs=[hello_job], schedules=[first, second]).get_repository_def()

    @sensor(job=hello_job, name="watch")
    def s1(context: Any) -> None: ...

    @sensor(job=hello_job, name="watch")
    def s2(context: Any) -> None: ...

    with pytest.raises(DuplicateDefinitionError, match="Two sensors are named 'watch'"):
        Definitions(jobs=[hello_job], sensors=[s1, s2]).get_repository_def()


def test_schedule_targeting_a_job_not_in_definitions_adds_it() -> None:
    schedule = ScheduleDefinition(name="daily", cron_schedule="0 0 * * *", job=hello_job)
    defs = Definitions(schedules=[schedule])
    assert defs.get_job_def("hello_job").name == "hello_job"
    assert defs.get_schedule_def("daily") is schedule


def test_schedule_targeting_unknown_job_name() -> None:
    schedule = ScheduleDefinition(name="daily", cron_schedule="0 0 * * *", job_name="ghost")
    with pytest.raises(NotFoundError, match="Schedule 'daily' targets job 'ghost'"):
        Definitions(schedules=[schedule]).get_repository_def()


def test_asset_job_selection_with_unknown_key() -> None:
    defs = Definitions(assets=[a], jobs=[define_asset_job("j", selection=["nope"])])
    with pytest.raises(Exception, match="nope"):
        defs.get_repository_def()


# Lookups --------------------------------------------------------------------------------------


def test_lookups_and_not_found_suggestions() -> None:
    schedule = ScheduleDefinition(name="daily_refresh", cron_schedule="0 0 * * *", job=hello_job)
    defs = Definitions(
        assets=[a, b],
        jobs=[hello_job, define_asset_job("assets_job")],
        schedules=[schedule],
    )
    assert defs.get_job_def("hello_job").name == "hello_job"
    assert defs.get_schedule_def("daily_refresh") is schedule
    assert defs.get_assets_def("b") is b
    assert defs.get_assets_def(AssetKey("a")) is a
    with pytest.raises(NotFoundError, match="No job named 'helo_job'.*Did you mean: hello_job"):
        defs.get_job_def("helo_job")
    with pytest.raises(NotFoundError, match="Did you mean: daily_refresh"):
        defs.get_schedule_def("daily_refrsh")
    with pytest.raises(NotFoundError, match="No sensor named 'x'"):
        defs.get_sensor_def("x")
    with pytest.raises(NotFoundError, match="No asset 'zzz'"):
        defs.get_assets_def("zzz")
    # NotFoundError is also a KeyError, as lookups by name usually are.
    with pytest.raises(KeyError):
        defs.get_job_def("nothing")


def test_resolve_helpers() -> None:
    defs = Definitions(assets=[a, b, AssetSpec("ext")], jobs=[define_asset_job("all_assets")])
    assert defs.resolve_all_asset_keys() == [AssetKey("a"), AssetKey("b"), AssetKey("ext")]
    assert {j.name for j in defs.resolve_all_job_defs()} == {"all_assets"}
    assert defs.resolve_asset_graph().parents(AssetKey("b")) == {AssetKey("a")}
    implicit = defs.get_implicit_global_asset_job_def()
    result = implicit.execute_in_process()
    assert sorted(m.asset_key.to_user_string() for m in result.asset_materializations) == [
        "a",
        "b",
    ]
    assert {s.key for s in defs.get_all_asset_specs()} == {
        AssetKey("a"),
        AssetKey("b"),
        AssetKey("ext"),
    }


# Asset job selections -------------------------------------------------------------------------


def _materialized(defs: Definitions, job_name: str) -> list[str]:
    result = defs.get_job_def(job_name).execute_in_process()
    return [m.asset_key.to_user_string() for m in result.asset_materializations]


def test_selection_strings_resolve_to_the_right_steps() -> None:
    defs = Definitions(
        assets=[a, b, c, d],
        jobs=[
            define_asset_job("everything", selection="*"),
            define_asset_job("b_and_parents", selection="+b"),
            define_asset_job("b_and_children", selection="b*"),
            define_asset_job("other_group", selection=AssetSelection.groups("other")),
            define_asset_job("group_string", selection="group:other"),
            define_asset_job("by_list", selection=[a, "c"]),
            define_asset_job("default_all"),
        ],
        # Shared across runs, so partial selections can load what earlier runs stored.
        resources={"io_manager": InMemoryIOManager()},
    )
    assert sorted(_materialized(defs, "everything")) == ["a", "b", "c", "d"]
    assert _materialized(defs, "b_and_parents") == ["a", "b"]
    assert _materialized(defs, "b_and_children") == ["b", "c"]
    assert _materialized(defs, "other_group") == ["d"]
    assert _materialized(defs, "group_string") == ["d"]
    assert _materialized(defs, "by_list") == ["a", "c"]
    assert sorted(_materialized(defs, "default_all")) == ["a", "b", "c", "d"]


def test_asset_job_loads_unselected_upstream_from_io_manager(tmp_path: Any) -> None:
    io = FilesystemIOManager(base_dir=tmp_path)
    defs = Definitions(
        assets=[a, b, c],
        resources={"io_manager": io},
        jobs=[define_asset_job("all", "*"), define_asset_job("just_c", "c")],
    )
    defs.get_job_def("all").execute_in_process()
    result = defs.get_job_def("just_c").execute_in_process()
    assert result.asset_value("c") == 3
    assert [e.step_key for e in result.get_step_success_events()] == ["c"]


def test_asset_selection_on_execute_in_process() -> None:
    defs = Definitions(assets=[a, b, c], jobs=[define_asset_job("all", "*")])
    result = defs.get_job_def("all").execute_in_process(asset_selection=["a", "b"])
    assert [m.asset_key.to_user_string() for m in result.asset_materializations] == ["a", "b"]


# Merge ----------------------------------------------------------------------------------------


def test_merge_combines_everything() -> None:
    shared = object()
    first = Definitions(assets=[a, b], resources={"shared": shared})
    second = Definitions(assets=[c], jobs=[hello_job], resources={"shared": shared})
    merged = Definitions.merge(first, second)
    assert merged.resolve_all_asset_keys() == [AssetKey("a"), AssetKey("b"), AssetKey("c")]
    assert merged.get_job_def("hello_job").name == "hello_job"
    assert merged.resources == {"shared": shared}


def test_merge_conflicting_resource_is_an_error() -> None:
    first = Definitions(resources={"db": object()})
    second = Definitions(resources={"db": object()})
    with pytest.raises(DuplicateDefinitionError, match="resource 'db' is bound to two different"):
        Definitions.merge(first, second)


def test_merge_rejects_non_definitions() -> None:
    with pytest.raises(InvalidDefinitionError, match="position 1"):
        Definitions.merge(Definitions(), [a])  # type: ignore[arg-type]


def test_merge_duplicate_assets_fail_on_validation() -> None:
    merged = Definitions.merge(Definitions(assets=[a]), Definitions(assets=[a]))
    with pytest.raises(DuplicateDefinitionError):
        Definitions.validate_loadable(merged)


# @definitions and @repository -----------------------------------------------------------------


def test_definitions_decorator_marks_the_function() -> None:
    @definitions
    def defs() -> Definitions:
        return Definitions(assets=[a])

    assert getattr(defs, "__headwater_definitions__", False) is True
    assert defs().resolve_all_asset_keys() == [AssetKey("a")]


def test_several_repositories_are_separate_namespaces() -> None:
    @asset(name="a")
    def other_a() -> int:
        return 10

    @repository
    def first_repo() -> list[Any]:
        return [a, b, hello_job]

    @repository(name="second")
    def second_repo() -> list[Any]:
        return [other_a, define_asset_job("only_a", selection="a")]

    assert isinstance(first_repo, RepositoryDefinition)
    assert first_repo.name == "first_repo"
    assert second_repo.name == "second"
    assert set(first_repo.jobs) == {"hello_job"}
    assert second_repo.get_job("only_a").execute_in_process().asset_value("a") == 10
    assert second_repo.get_assets_def(AssetKey("a")) is other_a
    with pytest.raises(NotFoundError, match="in repository 'second'"):
        second_repo.get_job("hello_job")


def test_repository_rejects_unknown_items() -> None:
    with pytest.raises(InvalidDefinitionError, match="not an asset, job, schedule or sensor"):

        @repository
        def bad() -> list[Any]:
            return [42]


def test_repository_dict_form() -> None:
    @repository
    def by_kind() -> dict[str, Any]:
        return {"jobs": {"hello_job": hello_job}}

    assert set(by_kind.jobs) == {"hello_job"}


# load_assets_from_modules -------------------------------------------------------------------


def _module(name: str, **members: Any) -> types.ModuleType:
    module = types.ModuleType(name)
    for key, value in members.items():
        setattr(module, key, value)
    return module


def test_load_assets_from_modules_dedupes() -> None:
    first = _module("first", a=a, b=b, alias_of_b=b, hello=hello)
    second = _module("second", c=c, a=a)
    loaded = load_assets_from_modules([first, second])
    assert sorted(k.to_user_string() for d in loaded for k in d.keys) == ["a", "b", "c"]


def test_load_assets_with_group_and_prefix_repoints_deps() -> None:
    module = _module("pipeline", a=a, b=b, c=c)
    loaded = load_assets_from_modules([module], group_name="etl", key_prefix="staging")
    defs = Definitions(assets=loaded, jobs=[define_asset_job("all", "*")])
    keys = defs.resolve_all_asset_keys()
    assert keys == [AssetKey(["staging", "a"]), AssetKey(["staging", "b"]),
                    AssetKey(["staging", "c"])]
    graph = defs.resolve_asset_graph()
    assert graph.parents(AssetKey(["staging", "c"])) == {AssetKey(["staging", "b"])}
    assert {graph.node(k).group_name for k in keys} == {"etl"}
    result = defs.get_job_def("all").execute_in_process()
    assert result.asset_value("staging/c") == 3


def test_load_assets_prefix_keeps_deps_outside_the_modules() -> None:
    module = _module("downstream_only", b=b)
    loaded = load_assets_from_modules([module], key_prefix="p")
    [definition] = loaded
    assert definition.asset_deps[AssetKey(["p", "b"])] == {AssetKey("a")}
    defs = Definitions(assets=[a, *loaded])
    result = defs.get_implicit_global_asset_job_def().execute_in_process()
    assert result.asset_value("p/b") == 2


# External assets ------------------------------------------------------------------------------


def test_external_asset_spec_as_dependency_loads_stored_value(tmp_path: Any) -> None:
    raw = AssetSpec("raw_events", group_name="ingest", description="landed by another tool")

    @asset(deps=[raw])
    def only_orders() -> int:
        return 1

    @asset
    def counts(raw_events: list[int]) -> int:
        return len(raw_events)

    defs = Definitions(assets=[raw, only_orders])
    assert not defs.get_assets_def("raw_events").is_executable
    assert defs.resolve_asset_graph().node(AssetKey("raw_events")).group_name == "ingest"
    result = materialize([raw, only_orders])
    assert [m.asset_key.to_user_string() for m in result.asset_materializations] == [
        "only_orders"
    ]

    io = FilesystemIOManager(base_dir=tmp_path)
    failed = materialize([raw, counts], resources={"io_manager": io}, raise_on_error=False)
    assert not failed.success
    [failure] = failed.get_step_failure_events()
    assert "raw_events" in failure.message
    assert "no stored value" in failure.message

    (tmp_path / "raw_events").write_bytes(__import__("pickle").dumps([1, 2, 3]))
    loaded = materialize([raw, counts], resources={"io_manager": io})
    assert loaded.asset_value("counts") == 3


def test_external_asset_cannot_be_called() -> None:
    external = Definitions(assets=[AssetSpec("ext")]).get_assets_def("ext")
    with pytest.raises(InvalidDefinitionError, match="external"):
        external()


def test_loading_one_module_twice_with_prefixes_is_a_clear_error() -> None:
    module = _module("twice", a=a, b=b)
    first = load_assets_from_modules([module], key_prefix="one")
    second = load_assets_from_modules([module], key_prefix="two")
    with pytest.raises(DuplicateDefinitionError, match="both computed by an op named 'a'"):
        Definitions(assets=[*first, *second]).get_repository_def()


def test_key_prefix_moves_check_specs_with_their_asset() -> None:
    from headwater import AssetCheckKey, AssetCheckResult, AssetCheckSpec, MaterializeResult

    @asset(check_specs=[AssetCheckSpec("fresh", asset="checked")])
    def checked() -> MaterializeResult:
        return MaterializeResult(check_results=[AssetCheckResult(passed=True)])

    [loaded] = load_assets_from_modules([_module("checks", checked=checked)], key_prefix="p")
    assert loaded.check_keys == {AssetCheckKey(AssetKey(["p", "checked"]), "fresh")}
    result = Definitions(assets=[loaded]).get_implicit_global_asset_job_def().execute_in_process()
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.asset_key == AssetKey(["p", "checked"])


def test_external_asset_loaded_by_its_own_io_manager() -> None:
    lake = InMemoryIOManager()
    lake.values[("landed",)] = {"rows": 4}
    spec = AssetSpec("landed").with_io_manager_key("lake")

    @asset
    def rows(landed: dict[str, int]) -> int:
        return landed["rows"]

    result = materialize([spec, rows], resources={"lake": lake})
    assert result.asset_value("rows") == 4
    loaded = [e for e in result.all_events if e.event_type.value == "LOADED_INPUT"]
    assert loaded[0].data.manager_key == "lake"  # type: ignore[union-attr]
