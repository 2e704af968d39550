"""Code locations from dg configuration: a project (one location) or a workspace (one each).

A project's location loads its ``code_location_target_module`` (``<root_module>.definitions``
by default), or with ``autoload_defs = true`` its defs package directly, from its import
root (``src/`` for a src layout), and is named ``code_location_name`` or the project folder's
name. In a workspace each project runs with its own ``.venv/bin/python`` when it has one.
"""

from __future__ import annotations

import os
from pathlib import Path

from headwater.core.origins import AutoloadDefsOrigin, PythonModuleOrigin, SourcedOrigin
from headwater.definitions.components.project_config import (
    DgProject,
    DgWorkspace,
    find_dg_config_file,
    read_dg_config,
)
from headwater.errors import LoadError
from headwater.loading.target_values import location_name_problem

VENV_PYTHON = (".venv", "bin", "python") if os.name != "nt" else (".venv", "Scripts", "python.exe")


def find_dg_targets(start: Path) -> list[SourcedOrigin] | None:
    """The locations of the dg project or workspace around ``start``; ``None`` when none."""
    found = find_dg_config_file(start)
    if found is None:
        return None
    return read_dg_targets(found)


def read_dg_targets(config_file: Path) -> list[SourcedOrigin]:
    """The locations a ``dg.toml`` or ``pyproject.toml`` (with ``[tool.dg]``) declares."""
    config = read_dg_config(config_file)
    if isinstance(config, DgProject):
        return [project_origin(config, executable=None)]
    return _workspace_origins(config)


def project_origin(project: DgProject, executable: str | None) -> SourcedOrigin:
    """The one location of a dg project, run with ``executable`` (None: this interpreter)."""
    problem = location_name_problem(project.code_location_name)
    if problem:
        raise LoadError(f"{project.config_file}: code_location_name: {problem}")
    working_directory = str(project.import_root)
    source = f"dg project in {project.config_file}"
    if project.autoload_defs:
        return SourcedOrigin(AutoloadDefsOrigin(
            project.code_location_name, project.defs_module, None, working_directory,
            executable), source)
    return SourcedOrigin(PythonModuleOrigin(
        project.code_location_name, project.code_location_target_module, None,
        working_directory, executable), source)


def _workspace_origins(workspace: DgWorkspace) -> list[SourcedOrigin]:
    if not workspace.project_paths:
        raise LoadError(f"{workspace.config_file}: the workspace lists no projects. Add\n"
                        '  [[workspace.projects]]\n  path = "my-project"')
    origins: list[SourcedOrigin] = []
    for folder in workspace.project_paths:
        config_file = next((folder / name for name in ("dg.toml", "pyproject.toml")
                            if (folder / name).is_file()), None)
        if config_file is None:
            raise LoadError(f"{workspace.config_file}: project folder {folder} has neither "
                            "dg.toml nor pyproject.toml.")
        project = read_dg_config(config_file)
        if not isinstance(project, DgProject):
            raise LoadError(f"{workspace.config_file}: {config_file} is not a dg project "
                            '(its directory_type must be "project").')
        python = folder.joinpath(*VENV_PYTHON)
        executable = str(python) if python.is_file() and os.access(python, os.X_OK) else None
        origins.append(project_origin(project, executable))
    return origins
