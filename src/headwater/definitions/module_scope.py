"""Finding definitions at module scope: the modules of a package, the caller's module, and
the assets, checks, jobs, schedules and sensors they define (each object once).

The loaders (``load_assets_from_*``, ``load_asset_checks_from_*``,
``load_definitions_from_*``) share this. Two different objects claiming one asset key, or
one schedule/sensor/job name, are an error naming the modules that define them.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Iterable, Iterator
from types import ModuleType
from typing import Any

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.assets.assets_definition import AssetsDefinition
from headwater.definitions.assets.checks import AssetChecksDefinition
from headwater.definitions.assets.specs import AssetSpec
from headwater.errors import DuplicateDefinitionError, InvalidDefinitionError


def find_modules_in_package(package_module: ModuleType) -> list[ModuleType]:
    """``package_module`` and every module below it, imported, parents before children.

    An import error in a submodule propagates: it names the submodule's file and line.
    """
    path = getattr(package_module, "__path__", None)
    if path is None:
        raise InvalidDefinitionError(
            f"'{package_module.__name__}' is a module, not a package (a folder with "
            "__init__.py), so it has no modules to search. Pass it to the *_from_modules "
            f"loader instead, e.g. load_assets_from_modules([{package_module.__name__}])."
        )
    found = [package_module]
    for info in pkgutil.iter_modules(path, prefix=f"{package_module.__name__}."):
        submodule = importlib.import_module(info.name)
        if info.ispkg:
            found.extend(find_modules_in_package(submodule))
        else:
            found.append(submodule)
    return found


def import_package(package_name: str) -> ModuleType:
    """Import the package named ``package_name`` (a clear error when it cannot be found)."""
    try:
        return importlib.import_module(package_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if package_name == missing or package_name.startswith(f"{missing}."):
            raise ModuleNotFoundError(
                f"No package named '{package_name}' can be imported (Python found no "
                f"'{exc.name}'). Check the name, and that the project is installed or its folder "
                "is on sys.path.",
                name=exc.name,
            ) from exc
        raise


def caller_module(depth: int) -> ModuleType:
    """The module whose code is ``depth`` frames above this function's caller."""
    frame = sys._getframe(depth + 1)
    name = frame.f_globals.get("__name__")
    module = sys.modules.get(name) if isinstance(name, str) else None
    if module is None:
        raise InvalidDefinitionError(
            "Could not find the module calling this loader (it is not in sys.modules). Call it "
            "at the top level of an imported module, or pass the module to the *_from_modules "
            "loader."
        )
    return module


def _members(value: Any, types: tuple[type, ...]) -> Iterator[Any]:
    """``value`` itself, or the items of a module-level list made only of such definitions."""
    if isinstance(value, types):
        yield value
    elif isinstance(value, list) and value and all(isinstance(item, types) for item in value):
        yield from value


class ModuleScope:
    """The definitions of ``types`` found at the module scope of ``modules``, deduplicated.

    An object reachable from several modules (imported from one into another) counts once;
    equal ``AssetSpec``s count once. Collisions raise ``DuplicateDefinitionError``.
    """

    def __init__(self, modules: Iterable[ModuleType], types: tuple[type, ...]) -> None:
        self.objects: list[Any] = []
        self.module_of: dict[int, str] = {}
        specs: dict[AssetKey, list[AssetSpec]] = {}  # specs are unhashable (dict fields)
        for module in modules:
            for value in list(vars(module).values()):
                for item in _members(value, types):
                    if id(item) in self.module_of:
                        continue
                    if isinstance(item, AssetSpec):
                        same_key = specs.setdefault(item.key, [])
                        if item in same_key:
                            continue
                        same_key.append(item)
                    self.module_of[id(item)] = module.__name__
                    self.objects.append(item)
        self._check_asset_keys()
        self._check_names()

    def of_type(self, *types: type) -> list[Any]:
        """The found objects that are instances of ``types``, in discovery order."""
        return [item for item in self.objects if isinstance(item, types)]

    def _modules(self, items: Iterable[Any]) -> str:
        return ", ".join(sorted({self.module_of[id(item)] for item in items}))

    def _check_asset_keys(self) -> None:
        owners: dict[AssetKey, list[Any]] = {}
        for item in self.objects:
            if isinstance(item, AssetSpec):
                owners.setdefault(item.key, []).append(item)
            elif isinstance(item, AssetsDefinition):
                for key in item.keys:
                    owners.setdefault(key, []).append(item)
        for key, items in owners.items():
            if len(items) > 1:
                raise DuplicateDefinitionError(
                    f"Asset key '{key.to_user_string()}' is defined more than once, by different "
                    f"objects in modules: {self._modules(items)}. Asset keys must be unique; "
                    "rename one of them, or load the modules separately with different "
                    "key_prefix values."
                )

    def _check_names(self) -> None:
        named: dict[tuple[str, str], list[Any]] = {}
        for item in self.objects:
            kind = _named_kind(item)
            if kind is not None:
                named.setdefault((kind, item.name), []).append(item)
        for (kind, name), items in named.items():
            if len(items) > 1:
                raise DuplicateDefinitionError(
                    f"{kind.capitalize()} name '{name}' is used by more than one {kind}, in "
                    f"modules: {self._modules(items)}. {kind.capitalize()} names must be "
                    "unique; rename one of them."
                )


#: (kind, module, class) of the definitions whose names must be unique. Looked up in
#: sys.modules: an instance exists only once its class's module was imported.
_NAMED = (
    ("schedule", "headwater.definitions.automation.schedules", "ScheduleDefinition"),
    ("schedule", "headwater.definitions.automation.partitioned_schedule",
     "UnresolvedPartitionedScheduleDefinition"),
    ("sensor", "headwater.definitions.automation.sensors", "SensorDefinition"),
    ("job", "headwater.definitions.ops.jobs", "JobDefinition"),
    ("job", "headwater.definitions.assets.asset_job", "UnresolvedAssetJobDefinition"),
)


def _named_kind(item: Any) -> str | None:
    for kind, module_name, class_name in _NAMED:
        module = sys.modules.get(module_name)
        if module is not None and isinstance(item, getattr(module, class_name)):
            return kind
    return None


def is_asset(item: Any) -> bool:
    """An asset definition or spec, not a checks-only definition."""
    return isinstance(item, (AssetsDefinition, AssetSpec)) and not isinstance(
        item, AssetChecksDefinition
    )
