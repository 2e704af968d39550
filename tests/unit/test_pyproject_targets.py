"""[tool.headwater] in pyproject.toml: module_name, modules, src layouts, and clear errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from headwater.core.origins import PythonFileOrigin, PythonModuleOrigin, PythonPackageOrigin
from headwater.errors import LoadError
from headwater.loading.entry_reader import TargetFile
from headwater.loading.pyproject import (
    MissingToolTableError,
    PyprojectError,
    load_pyproject_targets,
    origins_from_pyproject_data,
    read_pyproject_targets,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "workspaces"


def write(folder: Path, text: str) -> Path:
    path = folder / "pyproject.toml"
    path.write_text(textwrap.dedent(text))
    return path


def load_error(folder: Path, text: str) -> PyprojectError:
    with pytest.raises(PyprojectError) as info:
        load_pyproject_targets(write(folder, text), env={})
    return info.value


def test_module_name_in_a_src_layout_runs_from_src() -> None:
    folder = FIXTURES / "pyproject_src"
    assert load_pyproject_targets(folder / "pyproject.toml", env={}) == [
        PythonModuleOrigin("layout", "layout_project.definitions",
                           working_directory=str(folder / "src")),
    ]


def test_modules_list_with_every_type() -> None:
    folder = FIXTURES / "pyproject_modules"
    assert load_pyproject_targets(folder / "pyproject.toml", env={}) == [
        PythonModuleOrigin("flat_pkg.definitions", "flat_pkg.definitions",
                           working_directory=str(folder)),
        PythonPackageOrigin("whole_package", "flat_pkg", working_directory=str(folder)),
        PythonFileOrigin("defs_b", str(folder / "defs_b.py"), attribute="defs",
                         working_directory=str(folder)),
    ]


def test_sources_name_the_table_entry() -> None:
    path = FIXTURES / "pyproject_modules" / "pyproject.toml"
    sourced = read_pyproject_targets(path, env={})
    assert sourced[1].source == f"[tool.headwater].modules[1] ('flat_pkg') in {path}"


def test_module_name_defaults_and_options(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "run").mkdir()
    path = write(tmp_path, """
        [tool.headwater]
        module_name = "pkg.definitions"
        attribute = "defs"
        working_directory = "run"
    """)
    assert load_pyproject_targets(path, env={}) == [
        PythonModuleOrigin("pkg.definitions", "pkg.definitions", attribute="defs",
                           working_directory=str(tmp_path / "run")),
    ]


def test_a_package_beside_pyproject_wins_over_src(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    path = write(tmp_path, '[tool.headwater]\nmodule_name = "pkg"\n')
    [origin] = load_pyproject_targets(path, env={})
    assert isinstance(origin, PythonModuleOrigin)
    assert origin.working_directory == str(tmp_path)


def test_top_level_keys_are_defaults_for_modules(tmp_path: Path) -> None:
    (tmp_path / "run").mkdir()
    path = write(tmp_path, """
        [tool.headwater]
        attribute = "defs"
        working_directory = "run"
        modules = [
            {type = "module", name = "a"},
            {type = "module", name = "b", attribute = "other"},
        ]
    """)
    assert load_pyproject_targets(path, env={}) == [
        PythonModuleOrigin("a", "a", "defs", str(tmp_path / "run")),
        PythonModuleOrigin("b", "b", "other", str(tmp_path / "run")),
    ]


def test_single_module_list_takes_the_table_code_location_name(tmp_path: Path) -> None:
    path = write(tmp_path, """
        [tool.headwater]
        code_location_name = "mine"
        modules = [{type = "module", name = "a"}]
    """)
    assert [o.location_name for o in load_pyproject_targets(path, env={})] == ["mine"]


def test_tool_dagster_is_read_when_there_is_no_tool_headwater(tmp_path: Path) -> None:
    path = write(tmp_path, """
        [tool.dagster]
        module_name = "pkg.definitions"
        code_location_name = "migrated"
    """)
    assert [o.location_name for o in load_pyproject_targets(path, env={})] == ["migrated"]


ERRORS = [
    pytest.param('[project]\nname = "x"\n', None, None, None, "no [tool.headwater] table",
                 id="no table"),
    pytest.param("[tool.headwater]\n", "[tool.headwater]", None, None, "names no code location",
                 id="empty table"),
    pytest.param('[tool.headwater]\nmodul_name = "a"\n', "[tool.headwater]", "modul_name", None,
                 "Did you mean 'module_name'?", id="misspelled key"),
    pytest.param('[tool.headwater]\nmodule_name = 3\n', "[tool.headwater]", "module_name", None,
                 "must be a string", id="module_name is a number"),
    pytest.param('[tool.headwater]\nmodule_name = "my-project"\n', "[tool.headwater]",
                 "module_name", None, "not a valid Python module name", id="bad module name"),
    pytest.param('[tool.headwater]\nmodule_name = "a"\nmodules = [{type = "module", name = "b"}]'
                 "\n", "[tool.headwater]", "modules", None, "not both", id="both"),
    pytest.param('[tool.headwater]\nmodules = []\n', "[tool.headwater]", "modules", None,
                 "is empty", id="empty modules"),
    pytest.param('[tool.headwater]\nmodules = "a"\n', "[tool.headwater]", "modules", None,
                 "must be a list", id="modules is a string"),
    pytest.param('[tool.headwater]\nmodules = ["a"]\n', "[tool.headwater].modules[0]", None,
                 None, "must be a mapping", id="modules entry is a string"),
    pytest.param('[tool.headwater]\nmodules = [{type = "modul", name = "a"}]\n',
                 "[tool.headwater].modules[0] ('a')", "type", None, "Did you mean 'module'?",
                 id="misspelled type"),
    pytest.param('[tool.headwater]\nmodules = [{name = "a"}]\n',
                 "[tool.headwater].modules[0] ('a')", "type", None, "required", id="no type"),
    pytest.param('[tool.headwater]\nmodules = [{type = "module", nmae = "a"}]\n',
                 "[tool.headwater].modules[0]", "nmae", None, "Did you mean 'name'?",
                 id="misspelled name"),
    pytest.param('[tool.headwater]\nmodules = [{type = "file", name = "missing.py"}]\n',
                 "[tool.headwater].modules[0] ('missing.py')", "name", None, "does not exist",
                 id="missing file"),
    pytest.param('[tool.headwater]\nmodules = [{type = "module", name = "a"}, '
                 '{type = "package", name = "a"}]\n', "[tool.headwater]", "modules", None,
                 "[tool.headwater].modules[0] ('a') and [tool.headwater].modules[1] ('a')",
                 id="duplicate names"),
    pytest.param('[tool.headwater]\ncode_location_name = "x"\nmodules = [{type = "module", '
                 'name = "a"}, {type = "module", name = "b"}]\n', "[tool.headwater]",
                 "code_location_name", None, "on each modules entry", id="one name for many"),
    pytest.param('[tool.headwater]\nmodule_name = "a"\nworking_directory = "nowhere"\n',
                 "[tool.headwater]", "working_directory", None, "does not exist",
                 id="missing working directory"),
    pytest.param('[tool.headwater]\nmodule_name = "a"\nexecutable_path = "bin/python"\n',
                 "[tool.headwater]", "executable_path", None, "does not exist",
                 id="missing executable"),
    pytest.param('tool = 3\n', None, "tool", None, "must be a table", id="tool is not a table"),
    pytest.param('[tool]\nheadwater = 3\n', "[tool.headwater]", None, None, "must be a mapping",
                 id="tool.headwater is not a table"),
    pytest.param('[tool.headwater]\nmodule_name = "a\n', None, None, 2, "invalid TOML",
                 id="unterminated string"),
    pytest.param('[project]\nname = "x"\n\n[tool.headwater\nmodule_name = "a"\n', None, None, 4,
                 "invalid TOML", id="unterminated table header"),
    pytest.param('[tool.headwater]\nmodule_name = "a"\nmodule_name = "b"\n', None, None, 3,
                 "invalid TOML", id="duplicate key"),
]


@pytest.mark.parametrize(("text", "entry", "key", "line", "message"), ERRORS)
def test_errors_name_the_file_entry_and_key(
    tmp_path: Path, text: str, entry: str | None, key: str | None, line: int | None, message: str
) -> None:
    error = load_error(tmp_path, text)
    assert error.path == str(tmp_path / "pyproject.toml")
    assert (error.entry, error.key, error.line) == (entry, key, line)
    assert message in error.problem
    assert str(error).startswith(str(tmp_path / "pyproject.toml"))


def test_missing_table_error_says_what_to_add(tmp_path: Path) -> None:
    with pytest.raises(MissingToolTableError) as info:
        load_pyproject_targets(write(tmp_path, "[project]\n"), env={})
    assert 'module_name = "my_project.definitions"' in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PyprojectError, match="does not exist"):
        load_pyproject_targets(tmp_path / "pyproject.toml", env={})


# Fuzz: only LoadError may escape ----------------------------------------------------------------

TOML_TOKENS = [
    "[tool.headwater]", "[tool.dagster]", "[tool]", "[[tool.headwater.modules]]", "tool",
    "headwater", "module_name", "modules", "code_location_name", "attribute",
    "working_directory", "executable_path", "type", "name", "module", "package", "file",
    " = ", "=", '"', "'", "'''", '"""', "[", "]", "{", "}", ",", ".", "\n", " ", "#", "1",
    "-1", "1979-05-27", "1979-05-27T07:32:00Z", "inf", "nan", "true", "a.py", "pkg.defs",
    "${X}", "$", "\\u0000", "\x00", "é", "\r\n", "9" * 30,
]

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                    st.text(max_size=20), st.sampled_from(TOML_TOKENS))
keys = st.one_of(st.sampled_from(TOML_TOKENS), st.text(max_size=10))
structures = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(keys, children, max_size=4)),
    max_leaves=25,
)
headwater_tables = st.fixed_dictionaries(
    {"tool": st.fixed_dictionaries({"headwater": st.one_of(
        structures,
        st.dictionaries(keys, structures, max_size=4),
        st.fixed_dictionaries({"modules": st.lists(st.dictionaries(keys, structures, max_size=4),
                                                   max_size=3)}),
    )})}
)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.text(max_size=200),
                      st.lists(st.sampled_from(TOML_TOKENS), max_size=40).map("".join)))
def test_fuzz_text_raises_only_load_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_pyproject_targets(path, env={"X": "a"})
    except LoadError:
        pass


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(structures, headwater_tables))
def test_fuzz_structures_raise_only_load_errors(tmp_path: Path, data: object) -> None:
    file = TargetFile(tmp_path / "pyproject.toml", {"X": "a"}, PyprojectError)
    try:
        origins_from_pyproject_data(data, file)
    except LoadError:
        pass
