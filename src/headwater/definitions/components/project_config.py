"""Reading a dg project's or workspace's configuration (``dg.toml`` or ``[tool.dg]``).

A project::

    [tool.dg]                       # in pyproject.toml; in dg.toml the same keys are top-level
    directory_type = "project"

    [tool.dg.project]
    root_module = "my_project"
    defs_module = "my_project.defs"                          # default <root_module>.defs
    code_location_target_module = "my_project.definitions"   # default <root_module>.definitions
    code_location_name = "my-project"                        # default: the project folder's name
    autoload_defs = false                                    # true: load defs_module directly

A workspace lists its projects' folders::

    directory_type = "workspace"

    [workspace]
    [[workspace.projects]]
    path = "projects/my-project"

The file is looked for in a folder and then in each of its parents; ``dg.toml`` wins over
``pyproject.toml`` in the same folder. Only the standard library is used here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from headwater.errors import LoadError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

DG_TOML = "dg.toml"
PYPROJECT_TOML = "pyproject.toml"

#: Keys dg accepts in the project table; those headwater does not use are read and ignored.
PROJECT_KEYS = ("root_module", "defs_module", "code_location_target_module",
                "code_location_name", "autoload_defs", "registry_modules", "agent_queue",
                "image")
_TOP_KEYS = ("directory_type", "project", "workspace", "cli")
_WORKSPACE_KEYS = ("projects", "scaffold_project_options")
_DIRECTORY_TYPES = ("project", "workspace")


class DgConfigError(LoadError):
    """A ``dg.toml`` or ``[tool.dg]`` table is unreadable or malformed."""


@dataclass(frozen=True)
class DgProject:
    """A dg project: where it is and which modules it names.

    Attributes:
        root: the project's folder (where its config file is).
        config_file: the ``dg.toml`` or ``pyproject.toml`` read.
        root_module: the project's top-level package.
        defs_module: the package holding the defs folder.
        code_location_target_module: the module whose Definitions is the location.
        code_location_name: the location's name.
        autoload_defs: load ``defs_module`` directly instead of the target module.
    """

    root: Path
    config_file: Path
    root_module: str
    defs_module: str
    code_location_target_module: str
    code_location_name: str
    autoload_defs: bool = False

    @property
    def import_root(self) -> Path:
        """The folder the root module is imported from: ``src/`` for a src layout."""
        top = self.root_module.split(".")[0]
        for folder in (self.root, self.root / "src"):
            if (folder / top).is_dir() or (folder / f"{top}.py").is_file():
                return folder
        return self.root


@dataclass(frozen=True)
class DgWorkspace:
    """A dg workspace: its folder, its config file and its projects' folders (absolute)."""

    root: Path
    config_file: Path
    project_paths: tuple[Path, ...]


def find_dg_config_file(
    start: Path, predicate: Callable[[Mapping[str, Any]], bool] | None = None
) -> Path | None:
    """The nearest ``dg.toml`` or ``pyproject.toml`` with dg configuration, from ``start`` up.

    Args:
        start: a folder (or a file, whose folder is used) inside the project or workspace.
        predicate: only accept a configuration for which this returns true (given the dg
            table, e.g. to find the enclosing workspace).
    """
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in (DG_TOML, PYPROJECT_TOML):
            path = candidate / name
            if path.is_file():
                table = _dg_table_or_none(path)
                if table is not None and (predicate is None or predicate(table)):
                    return path
    return None


def read_dg_config(path: Path) -> DgProject | DgWorkspace:
    """Read the project or workspace that ``path`` (a dg.toml or pyproject.toml) declares.

    Raises:
        DgConfigError: the file is not TOML, has no dg configuration, or a key is malformed.
    """
    path = path.resolve()
    table = _dg_table_or_none(path)
    label = _label(path)
    if table is None:
        raise DgConfigError(f"{path}: no dg configuration. Add {label} with "
                            'directory_type = "project" and a project table.')
    _check_keys(table, _TOP_KEYS, path, label)
    kind = table.get("directory_type")
    if kind not in _DIRECTORY_TYPES:
        raise DgConfigError(f"{path}: {label} directory_type must be \"project\" or "
                            f"\"workspace\", got {kind!r}.")
    if kind == "workspace":
        return _workspace(table, path, label)
    return _project(table, path, label)


def find_dg_project(start: Path) -> DgProject:
    """The dg project containing ``start`` (the nearest project configuration above it).

    Raises:
        DgConfigError: no project configuration is found, or it is malformed.
    """
    found = find_dg_config_file(start, lambda table: table.get("directory_type") == "project")
    if found is None:
        raise DgConfigError(
            f"No dg project configuration in {start} or any folder above it: add to its "
            'pyproject.toml\n  [tool.dg]\n  directory_type = "project"\n\n  [tool.dg.project]\n'
            '  root_module = "my_project"'
        )
    config = read_dg_config(found)
    assert isinstance(config, DgProject)
    return config


def _dg_table_or_none(path: Path) -> Mapping[str, Any] | None:
    data = _parse(path)
    if path.name == DG_TOML:
        return data
    tool = data.get("tool")
    table = tool.get("dg") if isinstance(tool, Mapping) else None
    if table is None:
        return None
    if not isinstance(table, Mapping):
        raise DgConfigError(f"{path}: [tool.dg] must be a table.")
    return table


def _parse(path: Path) -> Mapping[str, Any]:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DgConfigError(f"{path}: cannot be read: {exc.strerror or exc}.") from None
    except UnicodeDecodeError:
        raise DgConfigError(f"{path}: is not UTF-8 text; save it as UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        raise DgConfigError(f"{path}: invalid TOML: {exc}. Fix the syntax.") from None
    return data


def _label(path: Path) -> str:
    return "dg.toml" if path.name == DG_TOML else "[tool.dg]"


def _sub_label(path: Path, key: str) -> str:
    return f"[{key}]" if path.name == DG_TOML else f"[tool.dg.{key}]"


def _check_keys(table: Mapping[str, Any], allowed: tuple[str, ...], path: Path,
                label: str) -> None:
    unknown = sorted(str(key) for key in table if key not in allowed)
    if unknown:
        raise DgConfigError(f"{path}: {label} has unknown key(s) {', '.join(unknown)}; "
                            f"the keys are {', '.join(allowed)}.")


def _string(table: Mapping[str, Any], key: str, path: Path, label: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise DgConfigError(f"{path}: {label} {key} must be a non-empty string, got {value!r}.")
    return value


def _module(table: Mapping[str, Any], key: str, path: Path, label: str) -> str | None:
    value = _string(table, key, path, label)
    if value is not None and not all(part.isidentifier() for part in value.split(".")):
        hint = " (module names use '_', not '-')" if "-" in value else ""
        raise DgConfigError(f"{path}: {label} {key} = {value!r} is not a Python module "
                            f"name{hint}.")
    return value


def _project(table: Mapping[str, Any], path: Path, label: str) -> DgProject:
    project_label = _sub_label(path, "project")
    project = table.get("project")
    if not isinstance(project, Mapping):
        raise DgConfigError(f"{path}: a dg project needs a {project_label} table with "
                            'root_module = "my_project".')
    _check_keys(project, PROJECT_KEYS, path, project_label)
    root_module = _module(project, "root_module", path, project_label)
    if root_module is None:
        raise DgConfigError(f"{path}: {project_label} needs root_module, the project's "
                            'top-level package (e.g. root_module = "my_project").')
    autoload = project.get("autoload_defs", False)
    if not isinstance(autoload, bool):
        raise DgConfigError(f"{path}: {project_label} autoload_defs must be true or false, "
                            f"got {autoload!r}.")
    root = path.parent
    return DgProject(
        root=root,
        config_file=path,
        root_module=root_module,
        defs_module=_module(project, "defs_module", path, project_label)
        or f"{root_module}.defs",
        code_location_target_module=_module(project, "code_location_target_module", path,
                                            project_label) or f"{root_module}.definitions",
        code_location_name=_string(project, "code_location_name", path, project_label)
        or root.name,
        autoload_defs=autoload,
    )


def _workspace(table: Mapping[str, Any], path: Path, label: str) -> DgWorkspace:
    workspace_label = _sub_label(path, "workspace")
    workspace = table.get("workspace", {})
    if not isinstance(workspace, Mapping):
        raise DgConfigError(f"{path}: {workspace_label} must be a table.")
    _check_keys(workspace, _WORKSPACE_KEYS, path, workspace_label)
    projects = workspace.get("projects", [])
    if not isinstance(projects, list):
        raise DgConfigError(f"{path}: {workspace_label} projects must be a list of tables "
                            '([[workspace.projects]] with path = "...").')
    paths: list[Path] = []
    for index, entry in enumerate(projects):
        where = f"{workspace_label} projects[{index}]"
        if not isinstance(entry, Mapping):
            raise DgConfigError(f"{path}: {where} must be a table with path = \"...\".")
        _check_keys(entry, ("path",), path, where)
        value = _string(entry, "path", path, where)
        if value is None:
            raise DgConfigError(f"{path}: {where} needs path, the project's folder relative "
                                "to the workspace.")
        folder = (path.parent / value).resolve()
        if not folder.is_dir():
            raise DgConfigError(f"{path}: {where} path {value!r}: folder {folder} does not "
                                "exist. Correct the path or remove the entry.")
        paths.append(folder)
    return DgWorkspace(root=path.parent, config_file=path, project_paths=tuple(paths))
