"""workspace.yaml: every entry kind, relative paths, env vars, and an error for every mistake."""

from __future__ import annotations

import os
import pickle
import stat
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headwater.core.origins import (
    GrpcServerOrigin,
    PythonFileOrigin,
    PythonModuleOrigin,
    PythonPackageOrigin,
)
from headwater.errors import LoadError
from headwater.loading.entry_reader import TargetFile
from headwater.loading.workspace_file import (
    WorkspaceFileError,
    load_workspace_file,
    origins_from_workspace_data,
    read_workspace_file,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "workspaces"


def write(folder: Path, text: str, name: str = "workspace.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text))
    return path


def load_error(folder: Path, text: str, env: dict[str, str] | None = None) -> WorkspaceFileError:
    path = write(folder, text)
    with pytest.raises(WorkspaceFileError) as info:
        load_workspace_file(path, env=env or {})
    return info.value


# Reading valid files ----------------------------------------------------------------------------


def test_every_entry_kind_in_short_and_long_form() -> None:
    folder = FIXTURES / "all_kinds"
    origins = load_workspace_file(folder / "workspace.yaml", env={})
    assert origins == [
        PythonFileOrigin("defs_file", str(folder / "defs_file.py"),
                         working_directory=str(folder)),
        PythonFileOrigin("other", str(folder / "other_defs.py"), attribute="defs",
                         working_directory=str(folder / "run_here")),
        PythonModuleOrigin("src_layout_pkg.definitions", "src_layout_pkg.definitions",
                           working_directory=str(folder / "src")),
        PythonModuleOrigin("by_module", "src_layout_pkg.definitions",
                           working_directory=str(folder)),
        PythonPackageOrigin("by_package", "src_layout_pkg", working_directory=str(folder / "src")),
        GrpcServerOrigin("remote", host="127.0.0.1", port=4266),
        GrpcServerOrigin("by_socket", socket=str(folder / "code.sock"), ssl=True),
    ]
    assert [origin.describe() for origin in origins] == [
        "python_file defs_file.py",
        f"python_file {folder / 'other_defs.py'} (attribute defs)",
        "python_module src_layout_pkg.definitions",
        "python_module src_layout_pkg.definitions",
        "python_package src_layout_pkg",
        "grpc_server 127.0.0.1:4266",
        f"grpc_server unix:{folder / 'code.sock'} (ssl)",
    ]


def test_relative_paths_are_read_from_the_file_folder_not_the_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    origins = load_workspace_file(os.path.relpath(FIXTURES / "all_kinds" / "workspace.yaml"),
                                  env={})
    first = origins[0]
    assert isinstance(first, PythonFileOrigin)
    assert first.python_file == str(FIXTURES / "all_kinds" / "defs_file.py")


def test_sources_name_the_entry_and_the_file() -> None:
    sourced = read_workspace_file(FIXTURES / "all_kinds" / "workspace.yaml", env={})
    path = FIXTURES / "all_kinds" / "workspace.yaml"
    assert sourced[0].source == f"load_from[0] (python_file 'defs_file.py') in {path}"
    assert sourced[1].source == f"load_from[1] (python_file 'other_defs.py') in {path}"


def test_deployment_format() -> None:
    folder = FIXTURES / "deployment"
    assert load_workspace_file(folder / "workspace.yaml", env={}) == [
        # python_file is read from the working directory when one is given
        PythonFileOrigin("project_a", str(folder / "project_a" / "repo.py"),
                         working_directory=str(folder / "project_a")),
        PythonModuleOrigin("etl", "project_a.repo", attribute="defs",
                           working_directory=str(folder)),
    ]


def test_legacy_deployment_format_keyed_by_location_name() -> None:
    folder = FIXTURES / "deployment"
    assert load_workspace_file(folder / "legacy.yaml", env={}) == [
        PythonFileOrigin("project_a", str(folder / "project_a" / "repo.py"),
                         working_directory=str(folder)),
        PythonPackageOrigin("etl", "project_a", working_directory=str(folder)),
    ]


def test_environment_variables_are_substituted(tmp_path: Path) -> None:
    (tmp_path / "defs.py").write_text("")
    path = write(tmp_path, """
        load_from:
          - python_file: {relative_path: "${NAME}.py", location_name: "$LOC-x"}
          - python_module: {module_name: "pkg.${MISSING:-definitions}", location_name: "a$$b"}
          - grpc_server: {host: {env: HOST}, port: "${PORT}", location_name: remote, ssl: $SSL}
    """)
    origins = load_workspace_file(
        path, env={"NAME": "defs", "LOC": "loc", "HOST": "example.org", "PORT": "99",
                   "SSL": "yes"},
    )
    assert [origin.location_name for origin in origins] == ["loc-x", "a$b", "remote"]
    assert isinstance(origins[1], PythonModuleOrigin)
    assert origins[1].module_name == "pkg.definitions"
    assert origins[2] == GrpcServerOrigin("remote", host="example.org", port=99, ssl=True)


def test_an_optional_key_set_to_an_empty_variable_is_left_out(tmp_path: Path) -> None:
    path = write(tmp_path, """
        load_from:
          - python_module: {module_name: pkg, executable_path: "${PYTHON:-}"}
    """)
    [origin] = load_workspace_file(path, env={})
    assert isinstance(origin, PythonModuleOrigin)
    assert origin.executable_path is None


def test_executable_path_relative_absolute_and_on_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / "python-for-tests"
    python.write_text("#!/bin/sh\n")
    python.chmod(python.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(bin_dir))
    path = write(tmp_path, f"""
        load_from:
          - python_module: {{module_name: a, executable_path: venv/bin/python-for-tests}}
          - python_module: {{module_name: b, executable_path: {python}}}
          - python_module: {{module_name: c, executable_path: python-for-tests}}
    """)
    origins = load_workspace_file(path, env={})
    assert [getattr(origin, "executable_path", None) for origin in origins] == [str(python)] * 3


def test_yaml_merge_keys_may_be_overridden(tmp_path: Path) -> None:
    path = write(tmp_path, """
        load_from:
          - python_module: &base {module_name: pkg, location_name: first}
          - python_module: {<<: *base, location_name: second}
    """)
    assert [o.location_name for o in load_workspace_file(path, env={})] == ["first", "second"]


# Errors ---------------------------------------------------------------------------------------

ERRORS = [
    pytest.param(
        "load_from:\n  - pyton_file: a.py\n",
        2, "load_from[0]", "pyton_file", "Did you mean 'python_file'?", id="misspelled kind",
    ),
    pytest.param(
        "load_from:\n  - python_file: {relative_path: a.py, location_nme: x}\n",
        2, "load_from[0] (python_file 'a.py')", "location_nme", "Did you mean 'location_name'?",
        id="misspelled key",
    ),
    pytest.param(
        "load_from:\n  - python_file: a.py\n    location_name: x\n",
        3, "load_from[0]", "location_name", "indent it under 'python_file'",
        id="key at the wrong indentation",
    ),
    pytest.param(
        "load_fro:\n  - python_file: a.py\n",
        1, None, "load_fro", "Did you mean 'load_from'?", id="misspelled top-level key",
    ),
    pytest.param(
        "load_from:\n  python_file: a.py\n", 1, None, "load_from", "must be a list",
        id="load_from is a mapping",
    ),
    pytest.param(
        "load_from: []\n", 1, None, "load_from", "no locations", id="empty load_from",
    ),
    pytest.param(
        "load_from:\n  - python_file: missing.py\n",
        2, "load_from[0] (python_file 'missing.py')", "python_file", "does not exist",
        id="missing python file",
    ),
    pytest.param(
        "load_from:\n  - python_file: {location_name: x}\n",
        2, "load_from[0] (python_file)", "relative_path", "required", id="missing path",
    ),
    pytest.param(
        "load_from:\n  - python_file:\n",
        2, "load_from[0] (python_file)", "python_file", "needs a value", id="null python_file",
    ),
    pytest.param(
        "load_from:\n  - python_module: {module_name: pkg,\n      working_directory: nowhere}\n",
        3, "load_from[0] (python_module 'pkg')", "working_directory", "does not exist",
        id="missing working directory",
    ),
    pytest.param(
        "load_from:\n  - python_module: {module_name: pkg, executable_path: ./nope/python}\n",
        2, "load_from[0] (python_module 'pkg')", "executable_path", "does not exist",
        id="missing executable",
    ),
    pytest.param(
        "load_from:\n  - python_module: {module_name: pkg, location_name: 12}\n",
        2, "load_from[0] (python_module 'pkg')", "location_name", "Put the value in quotes",
        id="location name is a number",
    ),
    pytest.param(
        "load_from:\n  - python_module: my-project.defs\n",
        2, "load_from[0] (python_module 'my-project.defs')", "python_module", "not '-'",
        id="invalid module name",
    ),
    pytest.param(
        "load_from:\n  - python_module: {module_name: pkg, attribute: 'my defs'}\n",
        2, "load_from[0] (python_module 'pkg')", "attribute", "not a Python variable name",
        id="invalid attribute",
    ),
    pytest.param(
        "load_from:\n  - python_file: a.py\n    python_module: b\n",
        3, "load_from[0]", "python_module", "each entry is one location",
        id="two kinds in one entry",
    ),
    pytest.param(
        "load_from:\n  - {}\n", 2, "load_from[0]", None, "empty entry", id="empty entry",
    ),
    pytest.param(
        "load_from:\n  - python_file\n", 2, "load_from[0]", None, "must be a mapping",
        id="entry is a string",
    ),
    pytest.param(
        "load_from:\n  - grpc_server: {port: 4266}\n",
        2, "load_from[0] (grpc_server)", "location_name", "required", id="grpc without name",
    ),
    pytest.param(
        "load_from:\n  - grpc_server: {host: h, location_name: r}\n",
        2, "load_from[0] (grpc_server 'r')", None, "port (with host) or socket",
        id="grpc without port or socket",
    ),
    pytest.param(
        "load_from:\n  - grpc_server: {port: 70000, location_name: r}\n",
        2, "load_from[0] (grpc_server 'r')", "port", "between 1 and 65535", id="port range",
    ),
    pytest.param(
        "load_from:\n  - grpc_server: {port: true, location_name: r}\n",
        2, "load_from[0] (grpc_server 'r')", "port", "whole number", id="port is a boolean",
    ),
    pytest.param(
        "load_from:\n  - grpc_server: {port: 1, location_name: r, ssl: maybe}\n",
        2, "load_from[0] (grpc_server 'r')", "ssl", "true or false", id="ssl is not a boolean",
    ),
    pytest.param(
        "load_from:\n  - python_module: {module_name: pkg, location_name: a/b}\n",
        2, "load_from[0] (python_module 'pkg')", "location_name", "'/'",
        id="slash in location name",
    ),
    pytest.param(
        "load_from:\n  - python_module: pkg\n  - python_package: {package_name: x,"
        " location_name: pkg}\n",
        3, None, None, "load_from[0] (python_module 'pkg') and load_from[1]",
        id="duplicate location names",
    ),
    pytest.param(
        "load_from:\n  - python_module: ${UNSET_VARIABLE}\n",
        2, "load_from[0] (python_module '${UNSET_VARIABLE}')", "python_module",
        "environment variable UNSET_VARIABLE is not set", id="unset variable",
    ),
    pytest.param(
        "load_from:\n  - python_module: {module_name: {env: UNSET_VARIABLE}}\n",
        2, "load_from[0] (python_module)", "module_name",
        "environment variable UNSET_VARIABLE is not set", id="unset env reference",
    ),
    pytest.param(
        "load_from:\n  - python_module: 'pkg${'\n",
        2, "load_from[0] (python_module 'pkg${')", "python_module", "not closed",
        id="malformed variable reference",
    ),
    pytest.param(
        "load_from:\n  - python_environment: {executable_path: python}\n",
        2, "load_from[0]", "python_environment", "not supported", id="python_environment",
    ),
    pytest.param(
        "load_from:\n  - python_file: a.py\nlocations: []\n",
        3, None, "locations", "not both", id="both formats",
    ),
    pytest.param(
        "locations:\n  - location_name: a\n    code_source: {modul_name: pkg}\n",
        3, "locations[0] ('a').code_source", "modul_name", "Did you mean 'module_name'?",
        id="deployment misspelled code source",
    ),
    pytest.param(
        "locations:\n  - location_name: a\n", 2, "locations[0] ('a')", "code_source",
        "required", id="deployment without code_source",
    ),
    pytest.param(
        "locations:\n  - code_source: {module_name: pkg}\n", 2, "locations[0]",
        "location_name", "required", id="deployment without location_name",
    ),
    pytest.param(
        "locations:\n  - location_name: a\n    code_source: {module_name: a, package_name: b}\n",
        3, "locations[0] ('a').code_source", None, "exactly one", id="two code sources",
    ),
]


@pytest.mark.parametrize(("text", "line", "entry", "key", "message"), ERRORS)
def test_errors_name_the_file_line_entry_and_key(
    tmp_path: Path, text: str, line: int, entry: str | None, key: str | None, message: str
) -> None:
    (tmp_path / "a.py").write_text("")
    error = load_error(tmp_path, text)
    assert error.path == str(tmp_path / "workspace.yaml")
    assert (error.line, error.entry, error.key) == (line, entry, key)
    assert message in error.problem
    assert str(error).startswith(f"{tmp_path / 'workspace.yaml'}:{line}: ")
    assert isinstance(error, LoadError)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("load_from:\n  - python_file: a.py\n - python_file: b.py\n", 3, "invalid YAML"),
        ("load_from: [a.py\n", 2, "invalid YAML"),
        ("load_from:\n  - python_module: a\n  - python_module: b\nload_from: []\n", 4,
         "duplicate key 'load_from' (first given on line 1)"),
        ("load_from:\n  - !!python/object:os.system {}\n", 2, "invalid YAML"),
        ("load_from:\n\t- python_file: a.py\n", 2, "invalid YAML"),
        ("load_from:\n  - python_module: {module_name: a, module_name: b}\n", 2,
         "duplicate key 'module_name'"),
    ],
)
def test_malformed_yaml_names_the_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    error = load_error(tmp_path, text)
    assert error.line == line
    assert message in error.problem


def test_empty_and_missing_files(tmp_path: Path) -> None:
    assert "empty" in load_error(tmp_path, "").problem
    assert "empty" in load_error(tmp_path, "# only a comment\n").problem
    with pytest.raises(WorkspaceFileError, match="does not exist"):
        load_workspace_file(tmp_path / "nope.yaml", env={})
    with pytest.raises(WorkspaceFileError, match="is a directory"):
        load_workspace_file(tmp_path, env={})
    (tmp_path / "binary.yaml").write_bytes(b"load_from:\n  - \xff\xfe\n")
    with pytest.raises(WorkspaceFileError, match="UTF-8") as info:
        load_workspace_file(tmp_path / "binary.yaml", env={})
    assert info.value.line == 2


def test_error_message_reads_well_and_pickles(tmp_path: Path) -> None:
    error = load_error(tmp_path, """
        load_from:
          - python_module:
              module_name: pkg
              working_directory: nowhere
    """)
    assert str(error) == (
        f"{tmp_path / 'workspace.yaml'}:5: load_from[0] (python_module 'pkg'), "
        f"key 'working_directory': directory {tmp_path / 'nowhere'} does not exist. Create it "
        f"or correct the path (relative paths are read from {tmp_path})."
    )
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is WorkspaceFileError
    assert (str(copy), copy.key, copy.line) == (str(error), error.key, error.line)


# Fuzz: only LoadError may escape ----------------------------------------------------------------

YAML_TOKENS = [
    "load_from", "locations", "python_file", "python_module", "python_package", "grpc_server",
    "relative_path", "module_name", "package_name", "location_name", "working_directory",
    "executable_path", "attribute", "host", "port", "socket", "ssl", "code_source", "env",
    ":", ": ", "\n", "  ", "- ", "{", "}", "[", "]", ",", "'", '"', "#", "&a ", "*a", "<<: ",
    "? ", "!!binary ", "!!set ", "!!python/object ", "!!float ", "2024-13-45", "~", "null",
    "true", "0", "-1", "70000", "1e400", "a.py", ".", "..", "/", "${X}", "$Y", "${", "$$",
    "\t", "---\n", "...", "\\u0000", "\x00", "\ud800", "é", "|\n", ">-\n", "%YAML 1.2\n",
]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
    st.sampled_from(YAML_TOKENS), st.binary(max_size=5),
)
keys = st.one_of(st.sampled_from(YAML_TOKENS), st.text(max_size=10), st.integers(), st.none())
structures = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=4),
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=200),
                      st.lists(st.sampled_from(YAML_TOKENS), max_size=40).map("".join)))
def test_fuzz_text_raises_only_load_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "workspace.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_workspace_file(path, env={"X": "a.py"})
    except LoadError:
        pass


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    structures,
    st.fixed_dictionaries({"load_from": st.lists(st.dictionaries(keys, structures, max_size=3),
                                                 max_size=3)}),
    st.fixed_dictionaries({"locations": st.one_of(
        st.lists(st.dictionaries(keys, structures, max_size=4), max_size=3),
        st.dictionaries(keys, st.dictionaries(keys, structures, max_size=3), max_size=3),
    )}),
))
def test_fuzz_structures_raise_only_load_errors(tmp_path: Path, data: object) -> None:
    file = TargetFile(tmp_path / "workspace.yaml", {"X": "a.py"}, WorkspaceFileError)
    try:
        origins_from_workspace_data(data, file)
    except LoadError:
        pass
    try:
        dumped = yaml.safe_dump(data)
    except yaml.YAMLError:
        return
    (tmp_path / "workspace.yaml").write_text(dumped, errors="surrogatepass")
    try:
        load_workspace_file(tmp_path / "workspace.yaml", env={})
    except LoadError:
        pass


def test_a_huge_workspace_file_fails_fast_with_a_size_error(tmp_path: Path) -> None:
    path = tmp_path / "workspace.yaml"
    with path.open("w") as file:
        file.write("load_from:\n")
        for index in range(300_000):  # ~12 MB of valid YAML
            file.write(f"  - python_file: {{relative_path: a.py, location_name: l{index}}}\n")
    with pytest.raises(WorkspaceFileError, match="larger than 1024 KiB"):
        load_workspace_file(path)
