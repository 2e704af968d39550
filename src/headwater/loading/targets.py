"""Which code locations to load: the command line's target flags, or the defaults.

``-f FILE`` and ``-m MODULE`` (each repeatable, each one location), ``--package-name PKG``
and ``-w WORKSPACE`` (repeatable) may be combined; ``-d`` and ``-a`` apply to the ``-f``,
``-m`` and ``--package-name`` targets. With no target flag, ``[tool.headwater]`` in
``./pyproject.toml`` is read, else ``./workspace.yaml``, else the nearest dg project or
workspace (``dg.toml`` or ``[tool.dg]``) in the current folder or above it. A ``-w`` file
ending in ``.toml`` is read as a dg workspace or project. Location names must be unique
across everything that was named.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypeAlias, Union

from headwater.core.origins import (
    LocationOrigin,
    PythonFileOrigin,
    PythonModuleOrigin,
    PythonPackageOrigin,
    SourcedOrigin,
)
from headwater.errors import LoadError
from headwater.loading.pyproject import MissingToolTableError, read_pyproject_targets
from headwater.loading.target_values import (
    absolute,
    attribute_problem,
    directory_problem,
    file_problem,
    import_root,
    location_name_problem,
    module_name_problem,
)

PYPROJECT_FILE = "pyproject.toml"
WORKSPACE_FILE = "workspace.yaml"

_PathArg: TypeAlias = Union[str, "os.PathLike[str]"]


class TargetError(LoadError):
    """The target flags are inconsistent, or name nothing that exists."""


def resolve_targets(
    python_files: Sequence[_PathArg] = (),
    module_names: Sequence[str] = (),
    package_names: Sequence[str] = (),
    workspace_files: Sequence[_PathArg] = (),
    working_directory: _PathArg | None = None,
    attribute: str | None = None,
    cwd: _PathArg | None = None,
    env: Mapping[str, str] | None = None,
) -> list[LocationOrigin]:
    """Turn the command line's target flags into the origins of the locations to load.

    Args:
        python_files: ``-f`` values; each is a location named after the file's stem.
        module_names: ``-m`` values; each is a location named after the module.
        package_names: ``--package-name`` values; each is a location named after the package.
        workspace_files: ``-w`` values; each file adds its locations.
        working_directory: ``-d``: where ``-f``/``-m``/``--package-name`` locations run from.
            Defaults to ``cwd`` (or its ``src/`` folder for a module that lives there).
        attribute: ``-a``: the variable holding the Definitions, for a single ``-f``, ``-m``
            or ``--package-name`` target.
        cwd: the folder relative paths are read from and defaults are looked for in;
            defaults to the current directory.
        env: the variables that ``$VAR`` in workspace and pyproject files read; defaults to
            ``os.environ``.

    Returns:
        One origin per location, with absolute paths.

    Raises:
        TargetError: the flags conflict, name a file or folder that does not exist, name a
            location twice, or nothing was named and no default file was found.
        LoadError: a workspace or pyproject file is malformed (a ``TargetFileError``).
    """
    return [
        sourced.origin
        for sourced in resolve_sourced_targets(
            python_files, module_names, package_names, workspace_files, working_directory,
            attribute, cwd, env,
        )
    ]


def resolve_sourced_targets(
    python_files: Sequence[_PathArg] = (),
    module_names: Sequence[str] = (),
    package_names: Sequence[str] = (),
    workspace_files: Sequence[_PathArg] = (),
    working_directory: _PathArg | None = None,
    attribute: str | None = None,
    cwd: _PathArg | None = None,
    env: Mapping[str, str] | None = None,
) -> list[SourcedOrigin]:
    """Like :func:`resolve_targets`, each origin paired with the flag or entry that named it."""
    base = Path(os.path.abspath(os.fspath(cwd) if cwd is not None else os.getcwd()))
    direct = [*(f"-f {os.fspath(f)}" for f in python_files),
              *(f"-m {m}" for m in module_names),
              *(f"--package-name {p}" for p in package_names)]
    _check_attribute(attribute, direct)
    run_dir = _working_directory(working_directory, base, direct)
    sourced: list[SourcedOrigin] = []
    for python_file in python_files:
        path = _find_python_file(os.fspath(python_file), base, run_dir)
        origin = PythonFileOrigin(_name(path.stem, f"-f {os.fspath(python_file)}"), str(path),
                                  attribute, str(run_dir or base))
        sourced.append(SourcedOrigin(origin, f"-f {os.fspath(python_file)}"))
    for flag, names in (("-m", module_names), ("--package-name", package_names)):
        for module in names:
            problem = module_name_problem(module)
            if problem:
                raise TargetError(f"{flag} {module}: {problem}")
            wd = str(run_dir or import_root(base, module))
            name = _name(module, f"{flag} {module}")
            origin_type = PythonModuleOrigin if flag == "-m" else PythonPackageOrigin
            sourced.append(SourcedOrigin(origin_type(name, module, attribute, wd),
                                         f"{flag} {module}"))
    for workspace in workspace_files:
        path = absolute(os.fspath(workspace), base)
        if path.suffix == ".toml":
            sourced.extend(_read_dg(path))
        else:
            sourced.extend(_read_workspace(path, env))
    if not direct and not workspace_files:
        sourced = _default_targets(base, env)
    _check_unique_names(sourced)
    return sourced


def _check_attribute(attribute: str | None, direct: list[str]) -> None:
    if attribute is None:
        return
    if not direct:
        raise TargetError(
            "-a/--attribute applies to a -f, -m or --package-name target; none was given. "
            "In a workspace file set 'attribute' on the entry; in pyproject.toml set "
            "attribute = \"...\" in [tool.headwater]."
        )
    if len(direct) > 1:
        raise TargetError(
            f"-a/--attribute names the variable of one location, but {len(direct)} were given "
            f"({', '.join(direct)}). Drop -a (each location's Definitions is found on its own), "
            "or list the locations in a workspace.yaml with an attribute on each entry."
        )
    problem = attribute_problem(attribute)
    if problem:
        raise TargetError(f"-a/--attribute: {problem}")


def _working_directory(value: _PathArg | None, base: Path, direct: list[str]) -> Path | None:
    if value is None:
        return None
    if not direct:
        raise TargetError(
            "-d/--working-directory applies to -f, -m and --package-name targets; none was "
            "given. Set working_directory in the workspace file or pyproject.toml instead, or "
            "run from the project's folder."
        )
    path = absolute(os.fspath(value), base)
    problem = directory_problem(path)
    if problem:
        raise TargetError(f"-d/--working-directory: {problem} Create it or correct the path.")
    return path


def _find_python_file(value: str, base: Path, run_dir: Path | None) -> Path:
    candidates = [absolute(value, base)]
    if run_dir is not None and not os.path.isabs(os.path.expanduser(value)):
        candidates.append(absolute(value, run_dir))
    for candidate in candidates:
        if file_problem(candidate) is None:
            return candidate
    problem = file_problem(candidates[0])
    also = f" (nor {candidates[1]})" if len(candidates) > 1 else ""
    raise TargetError(f"-f {value}: {problem}{also} Correct the path of the Python file "
                      "that defines your Definitions.")


def _name(name: str, source: str) -> str:
    problem = location_name_problem(name)
    if problem:
        raise TargetError(f"{source}: {problem}")
    return name


def _default_targets(base: Path, env: Mapping[str, str] | None) -> list[SourcedOrigin]:
    pyproject = base / PYPROJECT_FILE
    pyproject_note = ""
    if pyproject.is_file():
        try:
            return read_pyproject_targets(pyproject, env)
        except MissingToolTableError:
            pyproject_note = f" ({pyproject} has no [tool.headwater] table)"
    workspace = base / WORKSPACE_FILE
    if workspace.exists():
        return _read_workspace(workspace, env)
    from headwater.loading.dg_targets import find_dg_targets

    dg = find_dg_targets(base)
    if dg is not None:
        return dg
    raise TargetError(
        f"No code location to load: no target was given and {base} has neither "
        f"[tool.headwater] in {PYPROJECT_FILE}{pyproject_note} nor a {WORKSPACE_FILE}, "
        "and neither it nor a folder above it has a dg.toml or [tool.dg]. "
        "Do one of:\n"
        "  - pass -f definitions.py (a Python file) or -m my_project.definitions (a module);\n"
        f"  - add to {PYPROJECT_FILE}:\n"
        "      [tool.headwater]\n"
        "      module_name = \"my_project.definitions\"\n"
        f"  - create {WORKSPACE_FILE}:\n"
        "      load_from:\n"
        "        - python_file: definitions.py"
    )


def _check_unique_names(sourced: list[SourcedOrigin]) -> None:
    first: dict[str, SourcedOrigin] = {}
    for item in sourced:
        name = item.origin.location_name
        if name in first:
            raise TargetError(
                f"Two code locations are named '{name}': {first[name].source} and "
                f"{item.source}. Location names must be unique: load only one, or give one "
                "another name (location_name in a workspace file, code_location_name in "
                "pyproject.toml)."
            )
        first[name] = item


def _read_dg(path: Path) -> list[SourcedOrigin]:
    from headwater.loading.dg_targets import read_dg_targets

    return read_dg_targets(path)


def _read_workspace(path: Path, env: Mapping[str, str] | None) -> list[SourcedOrigin]:
    # Imported here: YAML parsing is only needed when a workspace file is actually read.
    from headwater.loading.workspace_file import read_workspace_file

    return read_workspace_file(path, env)
