"""The module and package loaders: load_assets_from_*, load_asset_checks_from_*,
load_definitions_from_*, on small packages in tests/user_code."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from headwater import (
    AssetKey,
    AssetsDefinition,
    AssetSpec,
    Definitions,
    asset,
    colored_console_logger,
    in_process_executor,
    load_asset_checks_from_modules,
    load_asset_checks_from_package_module,
    load_asset_checks_from_package_name,
    load_assets_from_modules,
    load_assets_from_package_module,
    load_assets_from_package_name,
    load_definitions_from_module,
    load_definitions_from_modules,
    load_definitions_from_package_module,
    load_definitions_from_package_name,
    materialize,
)
from headwater.errors import DuplicateDefinitionError, InvalidDefinitionError

USER_CODE = Path(__file__).resolve().parents[1] / "user_code"
PACKAGES = ("loader_pkg", "loader_dupes", "loader_dupe_schedules", "loader_current_module")
COMPUTED = ["order_summary", "package_root", "raw_customers", "raw_orders", "raw_payments"]


@pytest.fixture
def user_code(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """tests/user_code on sys.path; the fixture packages are imported afresh by each test."""
    monkeypatch.syspath_prepend(str(USER_CODE))
    yield
    for name in list(sys.modules):
        if name.split(".")[0] in PACKAGES:
            del sys.modules[name]


def _import(name: str) -> types.ModuleType:
    __import__(name)
    return sys.modules[name]


def _keys(loaded: list[Any]) -> list[str]:
    keys = []
    for item in loaded:
        item_keys = [item.key] if isinstance(item, AssetSpec) else list(item.keys)
        keys.extend(key.to_user_string() for key in item_keys)
    return sorted(keys)


def _by_key(loaded: list[Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in loaded:
        if isinstance(item, AssetSpec):
            found[item.key.to_user_string()] = item
        else:
            for spec in item.specs:
                found[spec.key.to_user_string()] = spec
    return found


# load_assets_from_package_* ---------------------------------------------------------------------


def test_package_module_walks_every_module_and_counts_each_asset_once(user_code: None) -> None:
    loaded = load_assets_from_package_module(_import("loader_pkg"))
    # raw_orders is reachable from three modules (ingest, reporting.summary, reporting.again).
    assert _keys(loaded) == COMPUTED
    assert all(isinstance(item, AssetsDefinition) for item in loaded)
    # Every module was imported, the nested subpackage included.
    assert "loader_pkg.reporting.again" in sys.modules


def test_package_name_imports_the_package(user_code: None) -> None:
    by_name = load_assets_from_package_name("loader_pkg")
    assert _keys(by_name) == _keys(load_assets_from_package_module(sys.modules["loader_pkg"]))


def test_include_specs_returns_specs_and_module_level_lists(user_code: None) -> None:
    loaded = load_assets_from_package_name("loader_pkg", include_specs=True)
    specs = sorted(item.key.to_user_string() for item in loaded if isinstance(item, AssetSpec))
    assert specs == ["app_events", "crm_export", "web_events"]
    defs = Definitions(assets=loaded)
    assert not defs.resolve_assets_def("crm_export").is_executable


def test_key_prefix_prefixes_computed_assets_and_rewrites_their_deps(user_code: None) -> None:
    loaded = load_assets_from_package_name("loader_pkg", key_prefix=["wh", "raw"],
                                           include_specs=True)
    specs = _by_key(loaded)
    assert "wh/raw/order_summary" in specs and "order_summary" not in specs
    assert specs["wh/raw/order_summary"].deps == (AssetKey(["wh", "raw", "raw_orders"]),)
    # Specs keep their keys (source_key_prefix is theirs), and so do the deps on them.
    assert specs["wh/raw/raw_customers"].deps == (AssetKey("crm_export"),)
    assert "crm_export" in specs
    result = materialize([*loaded], selection=["wh/raw/raw_orders", "wh/raw/order_summary"])
    assert result.asset_value(["wh", "raw", "order_summary"]) == 6


def test_source_key_prefix_prefixes_specs_and_deps_on_them(user_code: None) -> None:
    loaded = load_assets_from_package_name("loader_pkg", source_key_prefix="landed",
                                           include_specs=True)
    specs = _by_key(loaded)
    assert {"landed/crm_export", "landed/web_events", "landed/app_events"} <= set(specs)
    assert specs["raw_customers"].deps == (AssetKey(["landed", "crm_export"]),)
    assert "raw_orders" in specs  # computed assets keep their keys
    Definitions(assets=loaded).get_repository_def()  # the graph still resolves


def test_group_name_applies_to_all_but_conflicts_with_an_explicit_group(user_code: None) -> None:
    with pytest.raises(InvalidDefinitionError) as caught:
        load_assets_from_package_name("loader_pkg", group_name="warehouse")
    message = str(caught.value)
    assert "'raw_payments'" in message and "'ingest'" in message and "'warehouse'" in message

    ingest = _import("loader_pkg.ingest")
    only_default = types.ModuleType("only_default")
    only_default.raw_orders = ingest.raw_orders  # type: ignore[attr-defined]
    [loaded] = load_assets_from_modules([only_default], group_name="warehouse")
    assert isinstance(loaded, AssetsDefinition)
    assert loaded.group_name == "warehouse"
    assert ingest.raw_orders.group_name == "default"  # the original is untouched
    # The same group as the explicit one is no conflict.
    same = _by_key(load_assets_from_modules([ingest], group_name="ingest"))
    assert {spec.group_name for spec in same.values()} == {"ingest"}


def test_automation_condition_is_set_on_every_asset(user_code: None) -> None:
    marker = object()
    loaded = load_assets_from_package_name("loader_pkg", automation_condition=marker,
                                           include_specs=True)
    assert {spec.automation_condition for spec in _by_key(loaded).values()} == {marker}


def test_assets_with_one_key_in_two_modules_name_both_modules(user_code: None) -> None:
    with pytest.raises(DuplicateDefinitionError) as caught:
        load_assets_from_package_name("loader_dupes")
    message = str(caught.value)
    assert "'orders'" in message
    assert "loader_dupes.first" in message and "loader_dupes.second" in message


def test_equal_specs_in_two_modules_count_once() -> None:
    first, second = types.ModuleType("first_specs"), types.ModuleType("second_specs")
    first.ext = AssetSpec("ext", group_name="g")  # type: ignore[attr-defined]
    second.ext = AssetSpec("ext", group_name="g")  # type: ignore[attr-defined]
    assert _keys(load_assets_from_modules([first, second], include_specs=True)) == ["ext"]
    second.ext = AssetSpec("ext", group_name="other")  # type: ignore[attr-defined]
    with pytest.raises(DuplicateDefinitionError, match="first_specs, second_specs"):
        load_assets_from_modules([first, second], include_specs=True)


def test_a_module_is_not_a_package(user_code: None) -> None:
    with pytest.raises(InvalidDefinitionError) as caught:
        load_assets_from_package_module(_import("loader_pkg.ingest"))
    assert "'loader_pkg.ingest' is a module, not a package" in str(caught.value)
    assert "load_assets_from_modules" in str(caught.value)


def test_unknown_package_name_says_which(user_code: None) -> None:
    with pytest.raises(ModuleNotFoundError, match="No package named 'no_such_pkg_zz'"):
        load_assets_from_package_name("no_such_pkg_zz")
    with pytest.raises(ModuleNotFoundError, match="'loader_pkg.nope'"):
        load_definitions_from_package_name("loader_pkg.nope")


def test_a_broken_submodule_fails_with_its_own_error(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "broken_loader_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "fine.py").write_text("X = 1\n")
    (package / "bad.py").write_text("import not_installed_anywhere_zz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        with pytest.raises(ModuleNotFoundError, match="not_installed_anywhere_zz") as caught:
            load_assets_from_package_name("broken_loader_pkg")
        assert caught.traceback[-1].path.name == "bad.py"
    finally:
        for name in [n for n in sys.modules if n.startswith("broken_loader_pkg")]:
            del sys.modules[name]


# load_asset_checks_from_* ---------------------------------------------------------------------


def test_checks_loaders_find_checks_only(user_code: None) -> None:
    [check] = load_asset_checks_from_package_name("loader_pkg")
    assert {k.to_user_string() for k in check.check_keys} == {"raw_orders:orders_not_empty"}
    assert load_asset_checks_from_package_module(sys.modules["loader_pkg"]) == [check]
    assert load_asset_checks_from_modules([_import("loader_pkg.reporting.summary")]) == []


def test_checks_follow_a_key_prefix_and_run_against_prefixed_assets(user_code: None) -> None:
    assets = load_assets_from_package_name("loader_pkg", key_prefix="p", include_specs=True)
    [check] = load_asset_checks_from_package_name("loader_pkg", asset_key_prefix="p")
    [key] = check.check_keys
    assert key.asset_key == AssetKey(["p", "raw_orders"])
    result = materialize([*assets, check], selection=["p/raw_orders"])
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.asset_key == AssetKey(["p", "raw_orders"]) and evaluation.passed


# load_definitions_from_* ----------------------------------------------------------------------


def test_definitions_from_package_collect_every_kind(user_code: None) -> None:
    defs = load_definitions_from_package_module(
        _import("loader_pkg"), resources={"greeting": "hi"}, executor=in_process_executor,
        loggers={"console": colored_console_logger},
    )
    assert [k.to_user_string() for k in defs.resolve_all_asset_keys()] == [
        "app_events", "crm_export", "order_summary", "package_root", "raw_customers",
        "raw_orders", "raw_payments", "web_events",
    ]
    assert [c.check_keys for c in defs.asset_checks] == [
        load_asset_checks_from_package_name("loader_pkg")[0].check_keys
    ]
    assert [j.name for j in defs.resolve_all_job_defs()] == ["summary_job"]
    assert defs.resolve_schedule_def("daily_summary").cron_schedule == "0 6 * * *"
    assert defs.resolve_sensor_def("summary_sensor").name == "summary_sensor"
    assert defs.resources == {"greeting": "hi"}
    assert defs.executor is in_process_executor
    assert set(defs.loggers) == {"console"}
    result = defs.resolve_job_def("summary_job").execute_in_process(
        asset_selection=["raw_orders", "order_summary"]
    )
    assert result.asset_value("order_summary") == 6


def test_definitions_from_package_name_and_modules(user_code: None) -> None:
    by_name = load_definitions_from_package_name("loader_pkg")
    assert len(by_name.resolve_all_asset_keys()) == 8
    ingest = _import("loader_pkg.ingest")
    one = load_definitions_from_module(ingest)
    assert [k.to_user_string() for k in one.resolve_all_asset_keys()] == [
        "app_events", "crm_export", "raw_customers", "raw_orders", "raw_payments", "web_events",
    ]
    summary = _import("loader_pkg.reporting.summary")
    two = load_definitions_from_modules([ingest, summary])
    assert {s.name for s in two.schedules} == {"daily_summary"}
    assert two.resolve_implicit_global_asset_job_def().execute_in_process().asset_value(
        "order_summary"
    ) == 6


def test_definitions_from_package_with_duplicate_schedule_names(user_code: None) -> None:
    with pytest.raises(DuplicateDefinitionError) as caught:
        load_definitions_from_package_name("loader_dupe_schedules")
    message = str(caught.value)
    assert "Schedule name 'nightly'" in message
    assert "loader_dupe_schedules.one, loader_dupe_schedules.two" in message


def test_two_jobs_with_one_name_in_two_modules_are_an_error() -> None:
    from headwater import define_asset_job

    first, second = types.ModuleType("jobs_one"), types.ModuleType("jobs_two")
    first.job = define_asset_job("same_name")  # type: ignore[attr-defined]
    second.job = define_asset_job("same_name", selection="*")  # type: ignore[attr-defined]
    with pytest.raises(DuplicateDefinitionError, match="Job name 'same_name'.*jobs_one, jobs_two"):
        load_definitions_from_modules([first, second])
    second.job = first.job  # type: ignore[attr-defined]
    assert [j.name for j in load_definitions_from_modules([first, second]).jobs] == ["same_name"]


def test_definitions_loaders_accept_a_generator_of_modules(user_code: None) -> None:
    defs = load_definitions_from_modules(_import(name) for name in ["loader_pkg"])
    assert [k.to_user_string() for k in defs.resolve_all_asset_keys()] == ["package_root"]


# *_from_current_module ------------------------------------------------------------------------


def test_current_module_loaders(user_code: None) -> None:
    module = _import("loader_current_module")
    prefixed = {k.to_user_string(): d for d in module.prefixed_assets for k in d.keys}
    assert set(prefixed) == {"cur/here", "cur/there"}
    assert prefixed["cur/there"].asset_deps[AssetKey(["cur", "there"])] == {
        AssetKey(["cur", "here"])
    }
    assert {d.group_name for d in prefixed.values()} == {"current"}
    [check] = module.prefixed_checks
    assert [k.asset_key for k in check.check_keys] == [AssetKey(["cur", "here"])]
    defs = module.defs
    assert [k.to_user_string() for k in defs.resolve_all_asset_keys()] == ["here", "there"]
    assert [s.name for s in defs.schedules] == ["hourly"]
    assert defs.resources == {"greeting": "hello"}
    result = Definitions(assets=[*module.prefixed_assets, check]).resolve_job_def(
        "__ASSET_JOB"
    ).execute_in_process()
    assert result.asset_value("cur/there") == 2
    assert [e.passed for e in result.get_asset_check_evaluations()] == [True]


def test_current_module_loader_at_module_scope_of_a_location(user_code: None) -> None:
    from headwater.loading.discovery import find_definitions

    found = find_definitions(_import("loader_current_module"))
    assert found.attribute == "defs"
    assert {j.name for j in found.repository.get_all_jobs()} == {"all_here"}


def test_load_assets_from_modules_returns_copies_not_originals() -> None:
    @asset
    def solo() -> int:
        return 1

    module = types.ModuleType("solo_module")
    module.solo = solo  # type: ignore[attr-defined]
    [same] = load_assets_from_modules([module])
    assert same is solo  # no attributes asked: the object itself
    [copy] = load_assets_from_modules([module], key_prefix="k")
    assert copy is not solo and solo.key == AssetKey("solo")
