"""The defs folder of a dg project: every module under it, loaded into one ``Definitions``.

``load_from_defs_folder(path_within_project=...)`` finds the project's configuration
(``dg.toml`` or ``[tool.dg]``) and walks its defs package; ``load_defs(module)`` walks a
package it is given. The walk, in name order, skipping ``__pycache__`` and hidden entries:

- a folder with ``defs.yaml`` (or ``defs.yml``, ``component.yaml``) is a component file,
  read by :mod:`headwater.definitions.components.yaml_file`;
- a folder with ``definitions.py`` contributes that module alone;
- any other folder is walked; every ``.py`` file is imported once, as
  ``<defs module>.<path>``, and contributes its definitions: its one module-scope
  ``Definitions``, else its ``@definitions`` functions (called, results merged), else every
  asset, asset spec, check, job, schedule and sensor at module scope.

Two files that define the same asset key, job, schedule, sensor or resource key differently
are an error naming both files; a module that fails to import is an error naming its file
and line.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from headwater.definitions.assets.asset_job import UnresolvedAssetJobDefinition
from headwater.definitions.assets.assets_definition import AssetsDefinition
from headwater.definitions.assets.specs import AssetSpec
from headwater.definitions.automation.partitioned_schedule import (
    UnresolvedPartitionedScheduleDefinition,
)
from headwater.definitions.automation.schedules import ScheduleDefinition
from headwater.definitions.automation.sensors import SensorDefinition
from headwater.definitions.definitions_class import Definitions
from headwater.definitions.module_scope import ModuleScope
from headwater.definitions.ops.jobs import JobDefinition
from headwater.errors import DuplicateDefinitionError, InvalidDefinitionError, LoadError

COMPONENT_FILES = ("defs.yaml", "defs.yml", "component.yaml")
_IGNORED = ("__pycache__",)
_COLLECTED = (AssetsDefinition, AssetSpec, JobDefinition, UnresolvedAssetJobDefinition,
              ScheduleDefinition, UnresolvedPartitionedScheduleDefinition, SensorDefinition)


class DefsModuleImportError(LoadError):
    """A module of the defs folder raised while being imported."""


@dataclass(frozen=True)
class ComponentLoadContext:
    """Where a component or ``@definitions`` function of the defs folder is being loaded.

    Attributes:
        path: the file or folder being loaded.
        project_root: the project's folder (where its pyproject.toml or dg.toml is).
        defs_module_name: the defs package, e.g. ``my_project.defs``.
        defs_root: the defs package's folder.
    """

    path: Path
    project_root: Path
    defs_module_name: str
    defs_root: Path

    def module_name_for(self, path: Path) -> str:
        """The dotted module name of a ``.py`` file or folder inside the defs folder."""
        relative = path.resolve().relative_to(self.defs_root)
        parts = list(relative.with_suffix("").parts) if path.suffix == ".py" else list(
            relative.parts)
        if parts and parts[-1] == "__init__":
            parts.pop()
        return ".".join([self.defs_module_name, *parts])

    def at(self, path: Path) -> ComponentLoadContext:
        """The same context for another path."""
        return ComponentLoadContext(path, self.project_root, self.defs_module_name,
                                    self.defs_root)


@dataclass
class Contribution:
    """The definitions one file contributed, with the file named for error messages."""

    source: Path
    defs: Definitions


def load_from_defs_folder(
    *, path_within_project: str | Path | None = None, project_root: str | Path | None = None
) -> Definitions:
    """Load every definition in a dg project's defs folder into one ``Definitions``.

    Args:
        path_within_project: any path inside the project (usually ``Path(__file__).parent``);
            the nearest ``dg.toml`` / ``pyproject.toml`` with ``[tool.dg]`` above it names the
            defs module.
        project_root: the older name of ``path_within_project``.

    Raises:
        LoadError: no project configuration is found, a module fails to import, or two
            files define the same thing.
    """
    from headwater.definitions.components.project_config import find_dg_project

    start = path_within_project if path_within_project is not None else project_root
    if start is None:
        raise InvalidDefinitionError(
            "load_from_defs_folder needs path_within_project, e.g. "
            "load_from_defs_folder(path_within_project=Path(__file__).parent).")
    project = find_dg_project(Path(start))
    _ensure_importable(project.root_module, project.import_root)
    module = _import_defs_package(project.defs_module, project.config_file)
    return load_defs(module, project_root=project.root)


def load_defs(
    defs_root: ModuleType, project_root: str | Path | None = None,
    terminate_autoloading_on_keyword_files: bool = True,
) -> Definitions:
    """Load every definition in the package ``defs_root`` and the modules under it.

    Args:
        defs_root: the defs package (e.g. ``import my_project.defs``); a plain module
            contributes only its own definitions.
        project_root: the project's folder; by default the nearest folder above the package
            with a pyproject.toml, dg.toml or setup.py.
        terminate_autoloading_on_keyword_files: a folder holding ``definitions.py``
            contributes that module alone (the default, as in Dagster).
    """
    folder = _package_folder(defs_root)
    root = Path(project_root).resolve() if project_root is not None else _project_root(folder)
    context = ComponentLoadContext(folder, root, defs_root.__name__, folder)
    if not hasattr(defs_root, "__path__"):
        contributions = [python_file_contribution(defs_root, Path(str(defs_root.__file__)),
                                                  context)]
    else:
        contributions = list(walk_folder(context, terminate_autoloading_on_keyword_files))
    return merge_contributions(contributions)


def walk_folder(context: ComponentLoadContext, stop_at_definitions: bool = True
                ) -> Iterator[Contribution]:
    """The contributions of ``context.path`` (a folder) and everything under it."""
    from headwater.definitions.components.yaml_file import component_file_contributions

    folder = context.path
    component_file = next((folder / n for n in COMPONENT_FILES if (folder / n).is_file()), None)
    if component_file is not None:
        yield from component_file_contributions(component_file, context, stop_at_definitions)
        return
    definitions_py = folder / "definitions.py"
    if stop_at_definitions and definitions_py.is_file() and not (folder / "component.py").exists():
        yield from _python_file(context.at(definitions_py))
        return
    yield from walk_children(context, stop_at_definitions)


def walk_children(context: ComponentLoadContext, stop_at_definitions: bool = True
                  ) -> Iterator[Contribution]:
    """The contributions of every entry in the folder ``context.path``, in name order."""
    for child in sorted(context.path.iterdir()):
        if child.name in _IGNORED or child.name.startswith("."):
            continue
        if child.is_dir():
            yield from walk_folder(context.at(child), stop_at_definitions)
        elif child.suffix == ".py":
            yield from _python_file(context.at(child))


def _python_file(context: ComponentLoadContext) -> Iterator[Contribution]:
    module = import_defs_module(context.module_name_for(context.path), context.path)
    yield python_file_contribution(module, context.path, context)


def import_defs_module(name: str, path: Path) -> ModuleType:
    """Import ``name`` (the module of ``path``), turning a failure into an error naming both."""
    existing = sys.modules.get(name)
    if existing is not None:
        return existing
    try:
        return importlib.import_module(name)
    except Exception as exc:
        raise DefsModuleImportError(
            f"Error importing module '{name}' ({_where(exc, path)}): "
            f"{type(exc).__name__}: {exc}. Fix the module, or move it out of the defs folder."
        ) from exc


def _where(exc: BaseException, path: Path) -> str:
    """``file, line N`` of the failure: the syntax error's position, else the deepest frame
    in the module's own file (or, failing that, the deepest frame outside headwater)."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return f"{exc.filename}, line {exc.lineno}"
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if Path(f.filename) == path]
    chosen = own or [f for f in frames if "importlib" not in f.filename
                     and f"{Path('headwater', 'definitions')}" not in f.filename]
    if chosen:
        return f"{chosen[-1].filename}, line {chosen[-1].lineno}"
    return str(path)


def python_file_contribution(module: ModuleType, path: Path,
                             context: ComponentLoadContext) -> Contribution:
    """What one module contributes: its Definitions, its @definitions functions, or its
    module-scope definitions."""
    found = _unique(value for value in vars(module).values() if isinstance(value, Definitions))
    factories = _unique(value for value in vars(module).values()
                        if callable(value) and getattr(value, "__headwater_definitions__", False))
    if found and factories:
        raise InvalidDefinitionError(
            f"{path} has both a module-scope Definitions and @definitions functions; keep one.")
    if len(found) > 1:
        raise InvalidDefinitionError(
            f"{path} has {len(found)} module-scope Definitions objects; a module of the defs "
            "folder may have at most one. Merge them with Definitions.merge(...).")
    if found:
        return Contribution(path, found[0])
    if factories:
        built = [call_definitions_function(fn, context.at(path)) for fn in factories]
        return Contribution(path, built[0] if len(built) == 1 else Definitions.merge(*built))
    return Contribution(path, collect_module_definitions(module))


def call_definitions_function(fn: Any, context: ComponentLoadContext) -> Definitions:
    """Call a ``@definitions`` function (with the load context when it takes one argument)."""
    try:
        takes_context = len(inspect.signature(fn).parameters) == 1
    except (TypeError, ValueError):
        takes_context = False
    result = fn(context) if takes_context else fn()
    if not isinstance(result, Definitions):
        raise InvalidDefinitionError(
            f"@definitions function '{getattr(fn, '__name__', fn)}' in {context.path} returned "
            f"{type(result).__name__}, not Definitions.")
    return result


def collect_module_definitions(module: ModuleType) -> Definitions:
    """Every asset, spec, check, job, schedule and sensor at ``module``'s scope (each once),
    found the way ``load_definitions_from_module`` finds them."""
    scope = ModuleScope([module], _COLLECTED)
    return Definitions(
        assets=scope.of_type(AssetsDefinition, AssetSpec),
        jobs=scope.of_type(JobDefinition, UnresolvedAssetJobDefinition),
        schedules=scope.of_type(ScheduleDefinition, UnresolvedPartitionedScheduleDefinition),
        sensors=scope.of_type(SensorDefinition),
    )


def _unique(values: Any) -> list[Any]:
    seen: dict[int, Any] = {}
    for value in values:
        seen.setdefault(id(value), value)
    return list(seen.values())


@dataclass
class _Claims:
    """Who defined each name so far, to report a duplicate with both files."""

    kind: str
    first: dict[Any, tuple[Any, Path]] = field(default_factory=dict)

    def claim(self, name: Any, value: Any, source: Path, same: bool = False) -> None:
        if name in self.first:
            other, other_source = self.first[name]
            if other is value or same and other == value:
                return
            label = name.to_user_string() if hasattr(name, "to_user_string") else name
            where = (f"twice in {source}" if other_source == source
                     else f"in both {other_source} and {source}")
            raise DuplicateDefinitionError(
                f"{self.kind} '{label}' is defined {where}. Each must be defined once per "
                "location: remove or rename one of them.")
        self.first[name] = (value, source)


def merge_contributions(contributions: list[Contribution]) -> Definitions:
    """One Definitions from every file's contribution, after checking for duplicates."""
    assets, jobs = _Claims("Asset key"), _Claims("Job")
    schedules, sensors, resources = _Claims("Schedule"), _Claims("Sensor"), _Claims("Resource")
    for item in contributions:
        for asset in item.defs.assets:
            if isinstance(asset, AssetsDefinition):
                for key in asset.keys:
                    assets.claim(key, asset, item.source)
            elif isinstance(asset, AssetSpec):
                assets.claim(asset.key, asset, item.source, same=True)
        for kind, values in ((jobs, item.defs.jobs), (schedules, item.defs.schedules),
                             (sensors, item.defs.sensors)):
            for value in values:
                name = getattr(value, "name", None)
                if name is not None:
                    kind.claim(name, value, item.source)
        for resource_key, resource in item.defs.resources.items():
            resources.claim(resource_key, resource, item.source)
    if not contributions:
        return Definitions()
    merged = Definitions.merge(*(item.defs for item in contributions))
    # A definition imported by a second module is the same object: keep it once.
    merged.assets = _unique(merged.assets)
    merged.jobs = _unique(merged.jobs)
    merged.schedules = _unique(merged.schedules)
    merged.sensors = _unique(merged.sensors)
    merged.asset_checks = _unique(merged.asset_checks)
    return merged


def _package_folder(module: ModuleType) -> Path:
    paths = list(getattr(module, "__path__", []) or [])
    if paths:
        return Path(paths[0]).resolve()
    file = getattr(module, "__file__", None)
    if not file:
        raise InvalidDefinitionError(f"Module '{module.__name__}' has no file or folder to load.")
    return Path(file).resolve().parent


def _project_root(folder: Path) -> Path:
    for candidate in (folder, *folder.parents):
        if any((candidate / name).is_file() for name in ("pyproject.toml", "dg.toml", "setup.py")):
            return candidate
    return folder


def _ensure_importable(root_module: str, import_root: Path) -> None:
    """Put the project's import root on ``sys.path`` when its root module is not importable."""
    top = root_module.split(".")[0]
    if top in sys.modules or importlib.util.find_spec(top) is not None:
        return
    sys.path.insert(0, str(import_root))


def _import_defs_package(name: str, config_file: Path) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is None or not (name == exc.name or name.startswith(exc.name + ".")):
            raise
        raise LoadError(
            f"The defs module '{name}' named by {config_file} cannot be found (no module "
            f"'{exc.name}'). Create it (a folder with __init__.py), set defs_module to the "
            "right package, or install the project into this environment.") from None
