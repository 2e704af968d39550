"""The component types that need no integration package, usable from ``defs.yaml`` or Python.

``DefsFolderComponent`` (a folder of definitions), ``DefinitionsComponent`` (one Python
module's definitions), ``PythonScriptComponent`` (assets computed by running a script) and
``FunctionComponent`` (assets computed by a Python function). Each has ``build_defs(context)``
returning ``Definitions``; from YAML they are built by :func:`component_from_attributes`.
"""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.assets.checks import AssetCheckSpec, multi_asset_check
from headwater.definitions.assets.decorators import multi_asset
from headwater.definitions.assets.specs import AssetSpec
from headwater.definitions.components.defs_folder import (
    ComponentLoadContext,
    import_defs_module,
    merge_contributions,
    python_file_contribution,
    walk_children,
)
from headwater.definitions.definitions_class import Definitions
from headwater.definitions.ops.results import MaterializeResult
from headwater.errors import Failure, InvalidDefinitionError

_SPEC_KEYS = ("key", "deps", "description", "metadata", "group_name", "skippable",
              "code_version", "owners", "tags", "kinds")
_EXECUTION_KEYS = ("name", "description", "tags", "pool", "type")


@dataclass
class DefsFolderComponent:
    """A folder of the defs folder: every module and component under it, merged.

    Its ``defs.yaml`` (``type: dagster.DefsFolderComponent``) usually carries only
    ``post_processing``, applied to everything the folder defines.
    """

    path: Path | None = None

    def build_defs(self, context: ComponentLoadContext) -> Definitions:
        """Walk the folder (``path``, else the context's folder) and merge what it defines."""
        folder = context.at(self.path) if self.path is not None else context
        return merge_contributions(list(walk_children(folder)))


@dataclass
class DefinitionsComponent:
    """The definitions of one Python module: ``path`` relative to the component's folder
    (default: the folder's own ``__init__.py``)."""

    path: str | None = None

    def build_defs(self, context: ComponentLoadContext) -> Definitions:
        """Import the module and take its Definitions, @definitions functions or objects."""
        target = context.path / self.path if self.path else context.path
        if self.path and not target.is_file():
            raise InvalidDefinitionError(
                f"DefinitionsComponent path {self.path!r}: {target} does not exist.")
        module = import_defs_module(context.module_name_for(target), target)
        file = target if target.suffix == ".py" else target / "__init__.py"
        return python_file_contribution(module, file, context.at(file)).defs


@dataclass
class _Executable:
    """What Function- and PythonScriptComponent share: the assets and checks they compute."""

    assets: Sequence[AssetSpec] = ()
    checks: Sequence[AssetCheckSpec] = ()
    name: str | None = None
    description: str | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    pool: str | None = None

    def _run(self, context: Any, component_context: ComponentLoadContext) -> Any:
        raise NotImplementedError

    def _resource_keys(self) -> set[str]:
        return set()

    def _default_name(self) -> str:
        raise NotImplementedError

    def build_defs(self, context: ComponentLoadContext) -> Definitions:
        """One multi-asset (or multi-check) running this component's code."""
        name = self.name or self._default_name()
        run = self._run
        keys = [spec.key for spec in self.assets]
        load_context = context

        def compute(context: Any) -> Any:
            result = run(context, load_context)
            if result is None and keys:
                return tuple(MaterializeResult(asset_key=key) for key in keys)
            return result

        if self.assets:
            return Definitions(assets=[multi_asset(
                specs=list(self.assets), name=name, description=self.description,
                op_tags=dict(self.tags), check_specs=list(self.checks) or None,
                required_resource_keys=self._resource_keys(), pool=self.pool,
            )(compute)])
        if self.checks:
            return Definitions(asset_checks=[multi_asset_check(
                specs=list(self.checks), name=name, description=self.description,
                op_tags=dict(self.tags), required_resource_keys=self._resource_keys(),
                pool=self.pool,
            )(compute)])
        raise InvalidDefinitionError(f"Component '{name}' lists no assets and no checks; add "
                                     "assets: [{key: ...}] to its attributes.")


@dataclass
class FunctionComponent(_Executable):
    """Assets (or checks) computed by a Python function ``execution`` taking ``context`` and
    resources by parameter name, returning ``MaterializeResult``(s) or nothing."""

    execution: Callable[..., Any] | None = None

    def _default_name(self) -> str:
        return str(getattr(self.execution, "__name__", "function_component"))

    def _resource_keys(self) -> set[str]:
        if self.execution is None:
            return set()
        return {name for name in inspect.signature(self.execution).parameters
                if name not in ("context", "config")}

    def _run(self, context: Any, component_context: ComponentLoadContext) -> Any:
        assert self.execution is not None
        resources = {key: getattr(context.resources, key) for key in self._resource_keys()}
        return self.execution(context, **resources)


@dataclass
class PythonScriptComponent(_Executable):
    """Assets (or checks) computed by running a Python script (``path``, relative to the
    component's folder, with ``args``) with this interpreter; exit status 0 materializes
    them."""

    path: str = ""
    args: Sequence[str] | str | None = None

    def _default_name(self) -> str:
        return Path(self.path).stem

    def _run(self, context: Any, component_context: ComponentLoadContext) -> Any:
        import shlex

        script = Path(self.path)
        if not script.is_absolute():
            script = component_context.path / script
        args = shlex.split(self.args) if isinstance(self.args, str) else list(self.args or [])
        done = subprocess.run([sys.executable, str(script), *args], cwd=component_context.path,
                              capture_output=True, text=True, check=False)
        if done.stdout:
            context.log.info(done.stdout.rstrip())
        if done.returncode != 0:
            raise Failure(f"Script {script} exited with status {done.returncode}:\n"
                          f"{done.stderr[-4000:]}")
        return None


def asset_spec_from_yaml(raw: Any, where: str) -> AssetSpec:
    """An ``AssetSpec`` from its YAML form (``key`` plus the spec's attributes)."""
    if not isinstance(raw, Mapping) or "key" not in raw:
        raise InvalidDefinitionError(f"{where}: each asset must be a mapping with a key, "
                                     f"got {raw!r}.")
    unknown = sorted(set(raw) - set(_SPEC_KEYS))
    if unknown:
        raise InvalidDefinitionError(f"{where}: unknown asset attribute(s) {', '.join(unknown)}; "
                                     f"use {', '.join(_SPEC_KEYS)}.")
    values = dict(raw)
    return AssetSpec(AssetKey.from_coercible(values.pop("key")), **values)


def check_spec_from_yaml(raw: Any, where: str) -> AssetCheckSpec:
    """An ``AssetCheckSpec`` from ``{name, asset, description?, blocking?}``."""
    if not isinstance(raw, Mapping) or "name" not in raw or "asset" not in raw:
        raise InvalidDefinitionError(f"{where}: each check needs name and asset, got {raw!r}.")
    values = dict(raw)
    return AssetCheckSpec(values.pop("name"), asset=AssetKey.from_coercible(values.pop("asset")),
                          **values)


def resolve_callable(reference: str, context: ComponentLoadContext) -> Callable[..., Any]:
    """``pkg.module.fn``, or ``.module.fn`` relative to the defs module, imported."""
    if "." not in reference.strip("."):
        raise InvalidDefinitionError(f"execution fn {reference!r} must be 'module.function' "
                                     "(or '.module.function' inside the defs folder).")
    module_name, _, attribute = reference.rpartition(".")
    if module_name.startswith("."):
        module_name = f"{context.defs_module_name}.{module_name[1:]}"
    module = importlib.import_module(module_name)
    if not hasattr(module, attribute):
        raise InvalidDefinitionError(f"execution fn {reference!r}: module '{module_name}' has "
                                     f"no attribute '{attribute}'.")
    value = getattr(module, attribute)
    if not callable(value):
        raise InvalidDefinitionError(f"execution fn {reference!r} is not callable.")
    return value  # type: ignore[no-any-return]


def component_from_attributes(kind: str, attributes: Mapping[str, Any],
                              context: ComponentLoadContext, where: str) -> Any:
    """Build the component ``kind`` (one of :data:`COMPONENT_TYPES`) from YAML attributes."""
    if kind == "DefsFolderComponent":
        _keys(attributes, (), where)
        return DefsFolderComponent()
    if kind == "DefinitionsComponent":
        _keys(attributes, ("path",), where)
        return DefinitionsComponent(path=attributes.get("path"))
    _keys(attributes, ("execution", "assets", "checks"), where)
    assets = [asset_spec_from_yaml(a, f"{where} assets[{i}]")
              for i, a in enumerate(attributes.get("assets") or [])]
    checks = [check_spec_from_yaml(c, f"{where} checks[{i}]")
              for i, c in enumerate(attributes.get("checks") or [])]
    execution = attributes.get("execution")
    if kind == "FunctionComponent":
        spec: Any = {"fn": execution} if isinstance(execution, str) else execution
        if not isinstance(spec, Mapping) or not isinstance(spec.get("fn"), str):
            raise InvalidDefinitionError(f"{where}: execution must name a function, e.g. "
                                         "execution: .my_module.update_table")
        _keys(spec, (*_EXECUTION_KEYS, "fn"), f"{where} execution")
        return FunctionComponent(
            assets=assets, checks=checks, execution=resolve_callable(spec["fn"], context),
            name=spec.get("name"), description=spec.get("description"),
            tags=dict(spec.get("tags") or {}), pool=spec.get("pool"))
    if not isinstance(execution, Mapping) or not isinstance(execution.get("path"), str):
        raise InvalidDefinitionError(f"{where}: execution must give the script's path, e.g. "
                                     "execution: {path: update_table.py}")
    _keys(execution, (*_EXECUTION_KEYS, "path", "args"), f"{where} execution")
    return PythonScriptComponent(
        assets=assets, checks=checks, path=execution["path"], args=execution.get("args"),
        name=execution.get("name"), description=execution.get("description"),
        tags=dict(execution.get("tags") or {}), pool=execution.get("pool"))


def _keys(values: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    unknown = sorted(str(key) for key in values if key not in allowed)
    if unknown:
        expected = ", ".join(allowed) if allowed else "none"
        raise InvalidDefinitionError(f"{where}: unknown attribute(s) {', '.join(unknown)}; "
                                     f"expected: {expected}.")


#: The component types headwater builds, by their name without the package prefix.
COMPONENT_TYPES = ("DefsFolderComponent", "DefinitionsComponent", "PythonScriptComponent",
                   "FunctionComponent")
