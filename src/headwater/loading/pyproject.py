"""Reading code-location targets from ``[tool.headwater]`` in ``pyproject.toml``.

Either one module::

    [tool.headwater]
    module_name = "my_project.definitions"
    code_location_name = "my_project"        # optional; defaults to the module name

or several locations::

    [tool.headwater]
    modules = [{type = "module", name = "team_a.definitions"}, {type = "file", name = "b.py"}]

Each ``modules`` entry has a ``type`` (``module``, ``package`` or ``file``) and a ``name``,
and may set ``code_location_name``, ``attribute``, ``working_directory`` and
``executable_path``; the same keys at the top of the table are defaults for every entry.
Relative paths are read from the pyproject's folder. A module whose top-level package lives
under ``src/`` (and not beside pyproject.toml) is imported from ``src/``. A project that
still has ``[tool.dagster]`` (and no ``[tool.headwater]``) is read the same way.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from headwater.core.origins import (
    LocationOrigin,
    PythonFileOrigin,
    PythonModuleOrigin,
    PythonPackageOrigin,
    SourcedOrigin,
)
from headwater.loading.entry_reader import (
    EntryReader,
    TargetFile,
    TargetFileError,
    describe_value,
    suggest,
)
from headwater.loading.target_values import import_root

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]


class PyprojectError(TargetFileError):
    """``pyproject.toml`` is unreadable or its ``[tool.headwater]`` table is malformed."""


class MissingToolTableError(PyprojectError):
    """``pyproject.toml`` has no ``[tool.headwater]`` table (nor ``[tool.dagster]``)."""


TABLES = ("headwater", "dagster")
MODULE_TYPES = ("module", "package", "file")

_DEFAULT_KEYS = ("attribute", "working_directory", "executable_path")
_TABLE_KEYS = ("module_name", "modules", "code_location_name", *_DEFAULT_KEYS)
_ENTRY_KEYS = ("type", "name", "code_location_name", *_DEFAULT_KEYS)

_EXAMPLE = '  [tool.headwater]\n  module_name = "my_project.definitions"'
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def load_pyproject_targets(
    path: str | os.PathLike[str], env: Mapping[str, str] | None = None
) -> list[LocationOrigin]:
    """Read the code locations named by ``[tool.headwater]`` in a ``pyproject.toml``.

    Args:
        path: the ``pyproject.toml`` file.
        env: the variables that ``$VAR`` references read; defaults to ``os.environ``.

    Returns:
        One origin per location, with absolute paths.

    Raises:
        MissingToolTableError: the file has no ``[tool.headwater]`` table.
        PyprojectError: the file is missing, not TOML, or the table is malformed.
    """
    return [sourced.origin for sourced in read_pyproject_targets(path, env)]


def read_pyproject_targets(
    path: str | os.PathLike[str], env: Mapping[str, str] | None = None
) -> list[SourcedOrigin]:
    """Like :func:`load_pyproject_targets`, each origin paired with where it was declared."""
    file = TargetFile(Path(os.path.abspath(path)), os.environ if env is None else env,
                      PyprojectError)
    return origins_from_pyproject_data(_parse_toml(file), file)


def origins_from_pyproject_data(data: object, file: TargetFile) -> list[SourcedOrigin]:
    """The origins named by already parsed pyproject data (the whole TOML document)."""
    document = file.reader(data, None, "pyproject.toml")
    tool = document.raw.get("tool")
    if tool is not None and not isinstance(tool, Mapping):
        document.fail(f"must be a table, got {describe_value(tool)}.", "tool")
    tool = tool or {}
    name = next((name for name in TABLES if name in tool), None)
    if name is None:
        raise MissingToolTableError(
            "no [tool.headwater] table. Add one naming the module that holds your "
            f"Definitions:\n{_EXAMPLE}", path=str(file.path),
        )
    label = f"[tool.{name}]"
    table = file.reader(tool[name], label, label)
    table.check_keys(_TABLE_KEYS)
    modules = table.raw.get("modules")
    if table.has("module_name"):
        if modules:
            table.fail("give either module_name or modules, not both.", "modules")
        return [_single_module(table)]
    if modules is None:
        table.fail(f"names no code location. Add module_name, for example:\n{_EXAMPLE}")
    if not isinstance(modules, list):
        table.fail(f"must be a list of tables, got {describe_value(modules)}, e.g. "
                   'modules = [{type = "module", name = "my_project.definitions"}].', "modules")
    if not modules:
        table.fail("is empty. List the modules to load, e.g. "
                   'modules = [{type = "module", name = "my_project.definitions"}].', "modules")
    if table.has("code_location_name") and len(modules) > 1:
        table.fail("names a single location, but modules lists several. Set "
                   "code_location_name on each modules entry instead.", "code_location_name")
    sourced = [_module_entry(table, index, raw) for index, raw in enumerate(modules)]
    _check_unique_names(table, sourced)
    return [item for item, _ in sourced]


def _single_module(table: EntryReader) -> SourcedOrigin:
    root = table.file.folder
    module = table.module_name("module_name")
    name = table.location_name("code_location_name", module)
    working_directory = table.directory("working_directory", root)
    origin = PythonModuleOrigin(
        name, module, table.attribute("attribute"),
        working_directory or str(import_root(root, module)),
        table.executable("executable_path", root),
    )
    return SourcedOrigin(origin, f"{table.entry} in {table.file.path}")


def _module_entry(table: EntryReader, index: int, raw: object) -> tuple[SourcedOrigin, str]:
    root = table.file.folder
    label = f"{table.entry}.modules[{index}]"
    entry = table.file.reader(raw, label, "each modules entry")
    if isinstance(entry.raw.get("name"), str):
        entry.entry = f"{label} ({entry.raw['name']!r})"
    entry.check_keys(_ENTRY_KEYS)
    kind = entry.string("type", required=True)
    if kind not in MODULE_TYPES:
        entry.fail(f"unknown type {kind!r}.{suggest(str(kind), MODULE_TYPES)} Use one of "
                   f"{', '.join(MODULE_TYPES)}.", "type")
    # Keys the entry leaves out come from the top of the table.
    attribute = (entry if "attribute" in entry.raw else table).attribute("attribute")
    working_directory = (entry if "working_directory" in entry.raw else table).directory(
        "working_directory", root)
    executable = (entry if "executable_path" in entry.raw else table).executable(
        "executable_path", root)
    fallback_name = table.string("code_location_name") if table.has("code_location_name") else None
    if kind == "file":
        python_file = entry.python_file("name", root)
        name = entry.location_name("code_location_name", fallback_name or Path(python_file).stem)
        origin: LocationOrigin = PythonFileOrigin(
            name, python_file, attribute, working_directory or str(root), executable
        )
    else:
        module = entry.module_name("name")
        name = entry.location_name("code_location_name", fallback_name or module)
        wd = working_directory or str(import_root(root, module))
        origin = (PythonModuleOrigin if kind == "module" else PythonPackageOrigin)(
            name, module, attribute, wd, executable
        )
    return SourcedOrigin(origin, f"{entry.entry} in {table.file.path}"), entry.entry or label


def _check_unique_names(table: EntryReader, sourced: list[tuple[SourcedOrigin, str]]) -> None:
    first: dict[str, str] = {}
    for item, where in sourced:
        name = item.origin.location_name
        if name in first:
            table.fail(f"{first[name]} and {where} both name a location '{name}'. Location "
                       "names must be unique: set code_location_name on one of them.",
                       "modules")
        first[name] = where


def _parse_toml(file: TargetFile) -> object:
    try:
        raw = file.path.read_bytes()
    except FileNotFoundError:
        file.fail(f"the file does not exist. Create it with:\n{_EXAMPLE}")
    except IsADirectoryError:
        file.fail("is a directory; pass the pyproject.toml file inside it.")
    except OSError as exc:
        file.fail(f"cannot be read: {exc.strerror or exc}.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        file.fail("is not UTF-8 text; save it as UTF-8.", line=raw[: exc.start].count(b"\n") + 1)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        problem = _TOML_POSITION.sub("", message).strip()
        if position is not None:
            problem = f"invalid TOML (column {position.group(2)}): {problem}"
        else:
            problem = f"invalid TOML: {problem}"
        file.fail(f"{problem}. Fix the syntax at this line.",
                  line=int(position.group(1)) if position else None)
    except RecursionError:
        file.fail("invalid TOML: it is nested too deeply.")
    except (ValueError, OverflowError) as exc:
        file.fail(f"invalid TOML value: {exc}.")
