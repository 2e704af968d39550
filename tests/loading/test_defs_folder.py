"""The defs folder: what each module contributes, errors naming the file, defs.yaml components."""

from __future__ import annotations

import itertools
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import headwater as hw
from headwater.definitions.components.project_config import DgConfigError, read_dg_config
from headwater.errors import DuplicateDefinitionError, LoadError
from headwater.loading.subprocess_load import LocationLoadResult, load_all_in_subprocesses
from headwater.loading.targets import resolve_targets

_COUNTER = itertools.count()

ASSETS_A = """\
    import headwater as hw

    @hw.asset
    def orders() -> int:
        return 1

    @hw.asset
    def customers() -> int:
        return 2
    """

MakeProject = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MakeProject]:
    """Write a dg project (src layout, unique root module) with ``files`` under its defs
    folder; its ``src`` is put on ``sys.path`` and its modules forgotten afterwards."""
    names: list[str] = []

    def make(files: dict[str, str], *, project_keys: str = "", folder: str = "my-project",
             definitions_py: bool = True) -> Path:
        name = f"dgproj_{next(_COUNTER)}_{abs(hash(str(tmp_path))) % 10**6}"
        names.append(name)
        root = tmp_path / folder
        package = root / "src" / name
        (package / "defs").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "defs" / "__init__.py").write_text("")
        if definitions_py:
            (package / "definitions.py").write_text(textwrap.dedent("""\
                from pathlib import Path

                from headwater import definitions, load_from_defs_folder


                @definitions
                def defs():
                    return load_from_defs_folder(path_within_project=Path(__file__).parent)
                """))
        for relative, text in files.items():
            path = package / "defs" / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
        (root / "pyproject.toml").write_text(
            f'[tool.dg]\ndirectory_type = "project"\n\n[tool.dg.project]\n'
            f'root_module = "{name}"\n{project_keys}')
        monkeypatch.syspath_prepend(str(root / "src"))
        return root

    yield make
    for module in [m for m in sys.modules if m.split(".")[0] in names]:
        del sys.modules[module]


def load_here(root: Path) -> hw.Definitions:
    return hw.load_from_defs_folder(path_within_project=root)


def load_in_subprocess(root: Path) -> LocationLoadResult:
    [result] = load_all_in_subprocesses(resolve_targets(cwd=root), timeout=60)
    return result


def keys(defs: hw.Definitions) -> list[str]:
    return [key.to_user_string() for key in defs.resolve_all_asset_keys()]


# What each module contributes --------------------------------------------------------------


def test_every_module_is_walked_recursively(make_project: MakeProject) -> None:
    root = make_project({
        "a.py": ASSETS_A,
        "nested/deeper/b.py": """\
            import headwater as hw

            spec = hw.AssetSpec("external_table")

            @hw.asset(deps=[spec])
            def report() -> None: ...

            job = hw.define_asset_job("report_job", selection="report")
            schedule = hw.ScheduleDefinition(job=job, cron_schedule="@daily")
            """,
        "nested/deeper/c.py": """\
            import headwater as hw

            from .b import report   # imported, not defined twice

            @hw.sensor(target=report)
            def watcher(context):
                return hw.SkipReason("no")
            """,
        "__pycache__/ignored.py": "raise RuntimeError('must not be imported')",
        ".hidden/ignored.py": "raise RuntimeError('must not be imported')",
        "notes.txt": "not python",
    })
    defs = load_here(root)
    assert keys(defs) == ["customers", "external_table", "orders", "report"]
    repository = defs.get_repository_def()
    assert set(repository.schedules) == {"report_job_schedule"}
    assert set(repository.sensors) == {"watcher"}


def test_definitions_objects_and_functions_are_merged_with_their_resources(
    make_project: MakeProject,
) -> None:
    root = make_project({
        "uses.py": """\
            import headwater as hw

            @hw.asset
            def greeting(greeter: hw.ResourceParam[str]) -> str:
                return greeter
            """,
        "resources.py": """\
            import headwater as hw

            @hw.definitions
            def resources():
                return hw.Definitions(resources={"greeter": "hi"})
            """,
        "with_context.py": """\
            import headwater as hw

            @hw.definitions
            def built(context):
                @hw.asset(name=context.path.stem + "_asset")
                def made() -> None: ...
                return hw.Definitions(assets=[made])
            """,
        "whole.py": """\
            import headwater as hw

            @hw.asset
            def ignored_loose_asset() -> None: ...

            @hw.asset
            def listed() -> None: ...

            defs = hw.Definitions(assets=[listed], executor=hw.in_process_executor)
            """,
    })
    defs = load_here(root)
    assert keys(defs) == ["greeting", "listed", "with_context_asset"]
    assert defs.resources == {"greeter": "hi"}
    assert defs.executor is hw.in_process_executor
    result = hw.materialize([defs.get_assets_def("greeting")], resources=defs.resources)
    assert result.output_for_node("greeting") == "hi"


def test_a_folder_with_definitions_py_contributes_that_module_alone(
    make_project: MakeProject,
) -> None:
    root = make_project({
        "legacy/definitions.py": """\
            import headwater as hw

            @hw.asset
            def from_definitions_py() -> None: ...
            """,
        "legacy/other.py": "raise RuntimeError('must not be imported')",
    })
    assert keys(load_here(root)) == ["from_definitions_py"]


def test_load_defs_takes_the_package(make_project: MakeProject) -> None:
    root = make_project({"a.py": ASSETS_A})
    package = __import__(f"{root_module(root)}.defs", fromlist=["_"])
    assert keys(hw.load_defs(package)) == ["customers", "orders"]


def root_module(root: Path) -> str:
    config = read_dg_config(root / "pyproject.toml")
    assert isinstance(config, object) and hasattr(config, "root_module")
    return str(config.root_module)


# Errors name the file ----------------------------------------------------------------------


def test_a_syntax_error_names_the_module_file_and_line(make_project: MakeProject) -> None:
    root = make_project({"a.py": ASSETS_A, "broken.py": "import headwater\n\ndef oops(:\n"})
    result = load_in_subprocess(root)
    assert result.error is not None
    text = result.error.to_string()
    broken = root / "src" / root_module(root) / "defs" / "broken.py"
    assert f"{broken}, line 3" in result.error.message, text
    assert "SyntaxError" in text


def test_an_exception_at_import_names_the_module_file_and_line(
    make_project: MakeProject,
) -> None:
    root = make_project({"fails.py": "x = 1\nraise ValueError('no database')\n"})
    result = load_in_subprocess(root)
    assert result.error is not None
    fails = root / "src" / root_module(root) / "defs" / "fails.py"
    assert f"{fails}, line 2" in result.error.message
    assert "ValueError: no database" in result.error.message


def test_the_same_asset_key_in_two_modules_names_both_files(make_project: MakeProject) -> None:
    root = make_project({"a.py": ASSETS_A, "sub/b.py": """\
        import headwater as hw

        @hw.asset
        def orders() -> int:
            return 3
        """})
    result = load_in_subprocess(root)
    assert result.error is not None
    defs_folder = root / "src" / root_module(root) / "defs"
    message = result.error.message
    assert "Asset key 'orders' is defined in both" in message
    assert str(defs_folder / "a.py") in message and str(defs_folder / "sub" / "b.py") in message


def test_the_same_schedule_or_resource_in_two_modules_names_both_files(
    make_project: MakeProject,
) -> None:
    schedule = """\
        import headwater as hw

        job = hw.define_asset_job("j{n}", selection="*")
        nightly = hw.ScheduleDefinition(name="nightly", job=job, cron_schedule="@daily")
        """
    root = make_project({"s1.py": schedule.format(n=1), "s2.py": schedule.format(n=2)})
    with pytest.raises(DuplicateDefinitionError, match=r"Schedule 'nightly' .*s1\.py.*s2\.py"):
        load_here(root)


def test_an_unknown_component_type_names_the_yaml_file_and_the_type(
    make_project: MakeProject,
) -> None:
    root = make_project({"a.py": ASSETS_A,
                         "dbt/defs.yaml": "type: dagster_dbt.DbtProjectComponent\n"})
    result = load_in_subprocess(root)
    assert result.error is not None
    yaml_file = root / "src" / root_module(root) / "defs" / "dbt" / "defs.yaml"
    assert str(yaml_file) in result.error.message
    assert "component type 'dagster_dbt.DbtProjectComponent' is not supported" in (
        result.error.message)


# defs.yaml components ----------------------------------------------------------------------


def test_defs_folder_component_post_processing_with_env_templates(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TEAM", "finance")
    root = make_project({
        "sales/defs.yaml": """\
            type: dagster.DefsFolderComponent
            post_processing:
              assets:
                - target: "*"
                  attributes:
                    tags: {team: "{{ env.TEAM }}"}
                    group_name: sales
                - target: "key:orders"
                  operation: merge
                  attributes:
                    metadata: {owner_team: "{{ env('TEAM') }}", region: "{{ env('REGION', 'eu') }}"}
                    kinds: [python]
            """,
        "sales/assets.py": ASSETS_A,
        "other.py": """\
            import headwater as hw

            @hw.asset(tags={"keep": "yes"})
            def untouched() -> None: ...
            """,
    })
    graph = load_here(root).resolve_asset_graph()
    orders = graph.node(hw.AssetKey("orders"))
    customers = graph.node(hw.AssetKey("customers"))
    assert orders.tags == {"team": "finance"} and customers.tags == {"team": "finance"}
    assert orders.group_name == customers.group_name == "sales"
    assert orders.metadata == {"owner_team": "finance", "region": "eu"}
    assert orders.kinds == {"python"} and customers.kinds == frozenset()
    assert graph.node(hw.AssetKey("untouched")).tags == {"keep": "yes"}


def test_definitions_component_loads_one_module(make_project: MakeProject) -> None:
    root = make_project({
        "legacy/defs.yaml": "type: dagster.DefinitionsComponent\nattributes:\n  path: my_defs.py\n",
        "legacy/my_defs.py": ASSETS_A,
        "legacy/skipped.py": "raise RuntimeError('only my_defs.py is loaded')",
    })
    assert keys(load_here(root)) == ["customers", "orders"]


def test_function_and_python_script_components_run(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "script_out.txt"
    monkeypatch.setenv("SCRIPT_OUT", str(out))
    root = make_project({
        "fn/defs.yaml": """\
            type: dagster.FunctionComponent
            attributes:
              execution:
                fn: .fn.logic.update_table
                name: update_table_op
              assets:
                - key: warehouse/table
                  group_name: warehouse
                  description: "built by {{ env.SCRIPT_OUT }}"
            """,
        "fn/logic.py": """\
            import headwater as hw

            def update_table(context):
                return hw.MaterializeResult(asset_key="warehouse/table", metadata={"rows": 3})
            """,
        "script/defs.yaml": """\
            type: dagster.PythonScriptComponent
            attributes:
              execution:
                path: make_file.py
                args: [hello]
              assets:
                - key: script_output
                  deps: [warehouse/table]
            """,
        "script/make_file.py": """\
            import os
            import sys
            from pathlib import Path

            Path(os.environ["SCRIPT_OUT"]).write_text(sys.argv[1])
            """,
    })
    defs = load_here(root)
    assert keys(defs) == ["script_output", "warehouse/table"]
    graph = defs.resolve_asset_graph()
    assert graph.node(hw.AssetKey(["warehouse", "table"])).description == f"built by {out}"
    result = defs.get_implicit_global_asset_job_def().execute_in_process()
    assert result.success
    assert out.read_text() == "hello"


@pytest.mark.parametrize(("yaml_text", "expected"), [
    ("type: dagster.DefsFolderComponent\nattributes: {x: 1}\n", "unknown attribute(s) x"),
    ("attributes: {}\n", "needs type"),
    ("type: dagster.FunctionComponent\nattributes: {assets: [{key: a}]}\n",
     "execution must name a function"),
    ("type: dagster.DefsFolderComponent\npost_processing:\n  assets:\n"
     "    - attributes: {description: '{{ env(\"HW_SURELY_UNSET\") }}'}\n",
     "environment variable HW_SURELY_UNSET is not set"),
    ("type: dagster.DefsFolderComponent\npost_processing:\n  assets:\n"
     "    - attributes: {description: '{{ context.path }}'}\n",
     "cannot evaluate template"),
    ("type: [unclosed\n", "invalid YAML"),
])
def test_malformed_component_files_name_the_file(
    make_project: MakeProject, yaml_text: str, expected: str,
) -> None:
    root = make_project({"bad/defs.yaml": yaml_text, "bad/a.py": ASSETS_A})
    with pytest.raises(LoadError) as raised:
        load_here(root)
    assert str(root / "src" / root_module(root) / "defs" / "bad" / "defs.yaml") in str(raised.value)
    assert expected in str(raised.value)


# Project configuration ----------------------------------------------------------------------


def test_project_keys_name_the_location_and_modules(make_project: MakeProject) -> None:
    root = make_project({"a.py": ASSETS_A}, project_keys='code_location_name = "sales"\n')
    [origin] = resolve_targets(cwd=root)
    assert origin.location_name == "sales"
    assert origin.working_directory == str(root / "src")


def test_autoload_defs_needs_no_definitions_py(make_project: MakeProject) -> None:
    root = make_project({"a.py": ASSETS_A}, project_keys="autoload_defs = true\n",
                        definitions_py=False)
    result = load_in_subprocess(root)
    assert result.snapshot is not None, result.error
    assert result.origin.location_name == "my-project"
    assets = result.snapshot.repositories[0].assets
    assert sorted("/".join(a.key) for a in assets) == ["customers", "orders"]


def test_dg_toml_and_custom_modules(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    (root / "pkg" / "stuff").mkdir(parents=True)
    (root / "dg.toml").write_text(
        'directory_type = "project"\n\n[project]\nroot_module = "pkg"\n'
        'defs_module = "pkg.stuff"\ncode_location_target_module = "pkg.entry"\n'
        'registry_modules = ["pkg.components.*"]\n')
    (root / "pyproject.toml").write_text('[tool.dg]\ndirectory_type = "workspace"\n')
    [origin] = resolve_targets(cwd=root / "pkg" / "stuff")
    assert (origin.location_name, getattr(origin, "module_name", None)) == ("proj", "pkg.entry")
    assert origin.working_directory == str(root)


@pytest.mark.parametrize(("text", "expected"), [
    ('[tool.dg]\ndirectory_type = "project"\n', "needs a [tool.dg.project] table"),
    ('[tool.dg]\ndirectory_type = "project"\n[tool.dg.project]\nroot_module = "a-b"\n',
     "is not a Python module name (module names use '_'"),
    ('[tool.dg]\ndirectory_type = "lib"\n', 'directory_type must be "project" or'),
    ('[tool.dg]\ndirectory_type = "project"\n[tool.dg.project]\nroot_module = "a"\n'
     "colour = 1\n", "unknown key(s) colour"),
    ('[tool.dg]\ndirectory_type = "workspace"\n[[tool.dg.workspace.projects]]\n'
     'path = "missing"\n', "does not exist"),
])
def test_malformed_dg_configuration_names_the_file_and_key(
    tmp_path: Path, text: str, expected: str,
) -> None:
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(DgConfigError) as raised:
        resolve_targets(cwd=tmp_path)
    assert str(tmp_path / "pyproject.toml") in str(raised.value)
    assert expected in str(raised.value)
