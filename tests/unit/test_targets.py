"""Command-line targets (-f, -m, --package-name, -w, -d, -a, defaults) and location origins."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headwater.core.origins import (
    GrpcServerOrigin,
    LocationOrigin,
    PythonFileOrigin,
    PythonModuleOrigin,
    PythonPackageOrigin,
    origin_from_dict,
)
from headwater.errors import LoadError
from headwater.loading.pyproject import PyprojectError
from headwater.loading.targets import TargetError, resolve_sourced_targets, resolve_targets

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "workspaces"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with two Python files, a package under src/ and a sub-folder."""
    (tmp_path / "defs.py").write_text("")
    (tmp_path / "other.py").write_text("")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "defs.py").write_text("")
    (tmp_path / "src" / "my_project").mkdir(parents=True)
    (tmp_path / "src" / "my_project" / "__init__.py").write_text("")
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text))
    return path


# -f, -m, --package-name, -d, -a -----------------------------------------------------------------


def test_each_python_file_is_a_location_named_after_its_stem(project: Path) -> None:
    assert resolve_targets(python_files=["defs.py", "sub/../other.py"], cwd=project) == [
        PythonFileOrigin("defs", str(project / "defs.py"), working_directory=str(project)),
        PythonFileOrigin("other", str(project / "other.py"), working_directory=str(project)),
    ]


def test_cwd_defaults_to_the_current_directory(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    [origin] = resolve_targets(python_files=["defs.py"])
    assert origin == PythonFileOrigin("defs", str(project / "defs.py"),
                                      working_directory=str(project))


def test_working_directory_and_attribute_apply_to_the_target(project: Path) -> None:
    [origin] = resolve_targets(python_files=["defs.py"], working_directory="sub",
                               attribute="defs", cwd=project)
    assert origin == PythonFileOrigin("defs", str(project / "defs.py"), "defs",
                                      str(project / "sub"))


def test_a_python_file_is_also_looked_for_in_the_working_directory(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "only_here.py").write_text("")
    [origin] = resolve_targets(python_files=["only_here.py"], working_directory="sub",
                               cwd=tmp_path)
    assert isinstance(origin, PythonFileOrigin)
    assert origin.python_file == str(tmp_path / "sub" / "only_here.py")


def test_modules_and_packages_use_the_src_folder_when_the_package_lives_there(
    project: Path,
) -> None:
    assert resolve_targets(module_names=["my_project.definitions", "elsewhere"],
                           package_names=["my_project"], cwd=project) == [
        PythonModuleOrigin("my_project.definitions", "my_project.definitions",
                           working_directory=str(project / "src")),
        PythonModuleOrigin("elsewhere", "elsewhere", working_directory=str(project)),
        PythonPackageOrigin("my_project", "my_project", working_directory=str(project / "src")),
    ]


def test_an_explicit_working_directory_wins_over_src(project: Path) -> None:
    [origin] = resolve_targets(module_names=["my_project"], working_directory=".", cwd=project)
    assert isinstance(origin, PythonModuleOrigin)
    assert origin.working_directory == str(project)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"python_files": ["missing.py"]}, "-f missing.py: file"),
        ({"python_files": ["sub"]}, "is not a file"),
        ({"module_names": ["my-project"]}, "-m my-project: 'my-project' is not a valid"),
        ({"package_names": ["a..b"]}, "--package-name a..b"),
        ({"python_files": ["defs.py"], "working_directory": "nowhere"},
         "-d/--working-directory: directory"),
        ({"python_files": ["defs.py"], "module_names": ["m"], "attribute": "defs"},
         "-a/--attribute names the variable of one location, but 2 were given (-f defs.py, -m m)"),
        ({"attribute": "defs"}, "-a/--attribute applies to a -f, -m or --package-name target"),
        ({"workspace_files": ["ws.yaml"], "attribute": "defs"}, "-a/--attribute applies"),
        ({"working_directory": "sub"}, "-d/--working-directory applies"),
        ({"python_files": ["defs.py"], "attribute": "my defs"}, "not a Python variable name"),
        ({"python_files": ["defs.py", "sub/defs.py"]},
         "Two code locations are named 'defs': -f defs.py and -f sub/defs.py"),
        ({"python_files": ["defs.py"], "module_names": ["defs"]},
         "Two code locations are named 'defs': -f defs.py and -m defs"),
    ],
)
def test_flag_errors(project: Path, kwargs: dict[str, Any], message: str) -> None:
    write(project / "ws.yaml", "load_from:\n  - python_file: defs.py\n")
    with pytest.raises(TargetError) as info:
        resolve_targets(cwd=project, **kwargs)
    assert message in str(info.value)


# -w and combinations ---------------------------------------------------------------------------


def test_workspace_files_are_read_relative_to_cwd_and_combined(project: Path) -> None:
    write(project / "sub" / "ws.yaml", "load_from:\n  - python_file: defs.py\n")
    write(project / "two.yaml", "load_from:\n  - python_module: {module_name: x, "
                                "location_name: remote}\n")
    sourced = resolve_sourced_targets(python_files=["other.py"],
                                      workspace_files=["sub/ws.yaml", project / "two.yaml"],
                                      cwd=project)
    assert [(s.origin.location_name, s.source) for s in sourced] == [
        ("other", "-f other.py"),
        ("defs", f"load_from[0] (python_file 'defs.py') in {project / 'sub' / 'ws.yaml'}"),
        ("remote", f"load_from[0] (python_module 'x') in {project / 'two.yaml'}"),
    ]


def test_duplicate_names_across_targets_name_both_sources(project: Path) -> None:
    write(project / "ws.yaml", "load_from:\n  - python_file: defs.py\n")
    with pytest.raises(TargetError) as info:
        resolve_targets(python_files=["sub/defs.py"], workspace_files=["ws.yaml"], cwd=project)
    assert str(info.value).startswith(
        "Two code locations are named 'defs': -f sub/defs.py and load_from[0] "
        f"(python_file 'defs.py') in {project / 'ws.yaml'}."
    )
    write(project / "ws2.yaml", "load_from:\n  - python_module: {module_name: x, "
                                "location_name: defs}\n")
    with pytest.raises(TargetError, match="ws.yaml and load_from"):
        resolve_targets(workspace_files=["ws.yaml", "ws2.yaml"], cwd=project)


def test_a_missing_workspace_file(project: Path) -> None:
    with pytest.raises(LoadError, match="does not exist"):
        resolve_targets(workspace_files=["nope.yaml"], cwd=project)


# No target flag: pyproject.toml, then workspace.yaml ------------------------------------------


def test_defaults_to_tool_headwater_in_pyproject(project: Path) -> None:
    write(project / "pyproject.toml", '[tool.headwater]\nmodule_name = "my_project.defs"\n')
    write(project / "workspace.yaml", "load_from:\n  - python_file: defs.py\n")
    assert resolve_targets(cwd=project) == [
        PythonModuleOrigin("my_project.defs", "my_project.defs",
                           working_directory=str(project / "src")),
    ]


def test_falls_back_to_workspace_yaml_when_pyproject_has_no_table(project: Path) -> None:
    write(project / "pyproject.toml", '[project]\nname = "x"\n')
    write(project / "workspace.yaml", "load_from:\n  - python_file: defs.py\n")
    assert [o.location_name for o in resolve_targets(cwd=project)] == ["defs"]


def test_a_malformed_pyproject_is_reported_not_skipped(project: Path) -> None:
    write(project / "pyproject.toml", "[tool.headwater\n")
    write(project / "workspace.yaml", "load_from:\n  - python_file: defs.py\n")
    with pytest.raises(PyprojectError, match="invalid TOML"):
        resolve_targets(cwd=project)


def test_fixture_project_loads_from_its_pyproject() -> None:
    [origin] = resolve_targets(cwd=FIXTURES / "pyproject_src")
    assert origin.location_name == "layout"


@pytest.mark.parametrize("pyproject", [None, '[project]\nname = "x"\n'])
def test_nothing_to_load_says_what_to_add(project: Path, pyproject: str | None) -> None:
    if pyproject is not None:
        write(project / "pyproject.toml", pyproject)
    with pytest.raises(TargetError) as info:
        resolve_targets(cwd=project)
    message = str(info.value)
    for hint in ("-f definitions.py", "-m my_project.definitions", "[tool.headwater]",
                 'module_name = "my_project.definitions"', "workspace.yaml", "load_from:"):
        assert hint in message
    assert ("has no [tool.headwater] table" in message) == (pyproject is not None)


# Origins -------------------------------------------------------------------------------------

texts = st.text(max_size=30)
optional_texts = st.none() | texts
origins: st.SearchStrategy[LocationOrigin] = st.one_of(
    st.builds(PythonFileOrigin, texts, texts, optional_texts, optional_texts, optional_texts),
    st.builds(PythonModuleOrigin, texts, texts, optional_texts, optional_texts, optional_texts),
    st.builds(PythonPackageOrigin, texts, texts, optional_texts, optional_texts, optional_texts),
    st.builds(GrpcServerOrigin, texts, optional_texts, st.none() | st.integers(0, 65535),
              optional_texts, st.booleans()),
)


@given(origins)
def test_origins_round_trip_through_plain_json(origin: LocationOrigin) -> None:
    data = json.loads(json.dumps(origin.to_dict()))
    assert origin_from_dict(data) == origin
    assert origin.describe().startswith(data["type"] + " ")


@given(st.dictionaries(st.sampled_from(["type", "location_name", "python_file", "module_name",
                                        "port", "ssl", "host", "other"]),
                       st.none() | st.booleans() | st.integers() | texts
                       | st.sampled_from(["python_file", "python_module", "grpc_server"])))
def test_origin_from_dict_rejects_bad_data_with_load_errors(data: dict[str, Any]) -> None:
    try:
        origin = origin_from_dict(data)
    except LoadError:
        return
    assert origin_from_dict(origin.to_dict()) == origin


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"type": "python_egg", "location_name": "a"}, "Unknown location origin type"),
        ({"type": "python_file", "location_name": "a"}, "needs the field 'python_file'"),
        ({"type": "grpc_server", "location_name": "a", "port": "80"}, "must be int or None"),
        ({"type": "grpc_server", "location_name": "a", "port": True}, "must be int or None"),
        ({"type": "python_module", "location_name": "a", "module_name": "m", "x": 1},
         "Unknown field(s) x"),
    ],
)
def test_origin_from_dict_errors(data: dict[str, Any], message: str) -> None:
    with pytest.raises(LoadError) as info:
        origin_from_dict(data)
    assert message in str(info.value)


def test_describe() -> None:
    assert PythonFileOrigin("a", "/p/definitions.py", working_directory="/p").describe() == (
        "python_file definitions.py"
    )
    assert PythonFileOrigin("a", "/p/definitions.py", working_directory="/q").describe() == (
        "python_file /p/definitions.py"
    )
    assert PythonModuleOrigin("a", "pkg.defs", attribute="defs").describe() == (
        "python_module pkg.defs (attribute defs)"
    )
    assert PythonPackageOrigin("a", "pkg").describe() == "python_package pkg"
    assert GrpcServerOrigin("a", host="h", port=1).describe() == "grpc_server h:1"
    assert GrpcServerOrigin("a", socket="/s", ssl=True).describe() == "grpc_server unix:/s (ssl)"
