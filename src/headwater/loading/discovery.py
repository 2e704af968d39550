"""Finding a location's definitions in an imported module."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from types import FunctionType, ModuleType
from typing import Any

from headwater.definitions.definitions_class import DEFAULT_REPOSITORY_NAME, Definitions
from headwater.definitions.ops.jobs import JobDefinition
from headwater.definitions.repository_def import RepositoryDefinition
from headwater.errors import LoadError, user_code_boundary

MULTIPLE_DEFINITIONS_ERROR = "Cannot have more than one Definitions object defined at module scope"


@dataclass(frozen=True)
class LoadedDefinitions:
    """The repositories of a location: one for ``Definitions``, one per legacy ``@repository``."""

    repositories: dict[str, RepositoryDefinition]
    definitions: Definitions | None = None
    attribute: str | None = None

    @property
    def repository(self) -> RepositoryDefinition:
        """The only repository (locations built from ``Definitions`` have exactly one)."""
        if len(self.repositories) != 1:
            raise LoadError(
                f"This location has {len(self.repositories)} repositories "
                f"({', '.join(sorted(self.repositories))}); name the one you mean."
            )
        return next(iter(self.repositories.values()))


def find_definitions(module: ModuleType, attribute: str | None = None) -> LoadedDefinitions:
    """Apply the discovery rules to ``module`` and validate what is found.

    ``attribute`` names the variable (a Definitions, a repository, or a function returning
    Definitions). Otherwise: exactly one module-scope ``Definitions``; else legacy
    repositories; else a function marked ``@definitions``.
    """
    where = describe_module(module)
    if attribute is not None:
        if not hasattr(module, attribute):
            found = _module_scope_definitions(module)
            hint = (f" Its module-scope Definitions: {', '.join(sorted(found))}." if found
                    else " It has no module-scope Definitions.")
            raise LoadError(f"{where} has no attribute '{attribute}'.{hint}")
        return _from_value(getattr(module, attribute), f"{where}, attribute '{attribute}'",
                           attribute)
    found = _module_scope_definitions(module)
    if len(found) > 1:
        raise LoadError(
            f"{MULTIPLE_DEFINITIONS_ERROR}: {', '.join(sorted(found))} ({where}). Keep one, "
            "merge them with Definitions.merge(...), or pick one with --attribute."
        )
    if found:
        [(name, value)] = found.items()
        return _from_definitions(value, name)
    repositories = _module_scope_repositories(module, where)
    if repositories:
        return LoadedDefinitions(repositories=repositories)
    factories = [
        name for name, value in vars(module).items()
        if callable(value) and getattr(value, "__headwater_definitions__", False)
    ]
    if len(factories) > 1:
        raise LoadError(
            f"{where} has more than one @definitions function: {', '.join(sorted(factories))}."
        )
    if factories:
        return _from_value(getattr(module, factories[0]), where, factories[0])
    raise LoadError(
        f"No Definitions found in {where}: no module-scope Definitions, @repository or "
        "@definitions function. Assign Definitions(...) to a module-level variable "
        "(e.g. defs = Definitions(assets=[...])), define a @definitions function, or pass "
        "--attribute to name the variable."
    )


def describe_module(module: ModuleType) -> str:
    """``module 'pkg.defs' (/path/to/pkg/defs.py)``, for messages."""
    path = getattr(module, "__file__", None)
    return f"module '{module.__name__}'" + (f" ({path})" if path else "")


def _module_scope_definitions(module: ModuleType) -> dict[str, Definitions]:
    """The module's ``Definitions`` variables; one object bound to several names counts once."""
    found: dict[str, Definitions] = {}
    for name, value in vars(module).items():
        if isinstance(value, Definitions) and all(value is not v for v in found.values()):
            found[name] = value
    return found


def _module_scope_repositories(module: ModuleType, where: str) -> dict[str, RepositoryDefinition]:
    repositories: dict[str, RepositoryDefinition] = {}
    variables: dict[str, str] = {}
    for variable, value in vars(module).items():
        if not isinstance(value, RepositoryDefinition):
            continue
        if value.name in repositories and repositories[value.name] is not value:
            raise LoadError(
                f"Two repositories are named '{value.name}' in {where}: variables "
                f"'{variables[value.name]}' and '{variable}'. Repository names must be unique "
                "within a location; give one another name with @repository(name=...)."
            )
        repositories[value.name] = value
        variables.setdefault(value.name, variable)
    return repositories


def _from_value(value: Any, where: str, attribute: str) -> LoadedDefinitions:
    if isinstance(value, Definitions):
        return _from_definitions(value, attribute)
    if isinstance(value, RepositoryDefinition):
        return LoadedDefinitions(repositories={value.name: value}, attribute=attribute)
    if isinstance(value, JobDefinition):  # a reconstructable job: a location of that job
        return _from_definitions(Definitions(jobs=[value]), attribute)
    if _is_definitions_factory(value):
        with user_code_boundary(f"@definitions function '{attribute}'"):
            produced = value()
        if isinstance(produced, Definitions):
            return _from_definitions(produced, attribute)
        raise LoadError(
            f"{where}: calling '{attribute}' returned {type(produced).__name__}, not Definitions."
        )
    raise LoadError(
        f"{where} is {type(value).__name__}, not Definitions. Point --attribute at the "
        "variable holding Definitions(...), a @repository, or a function returning "
        "Definitions that takes no arguments."
    )


def _is_definitions_factory(value: object) -> bool:
    """A ``@definitions`` function, or a plain function callable without arguments.

    Other callables (an asset, a job, a class) are never called: that would run user code
    the attribute was not meant to run.
    """
    if getattr(value, "__headwater_definitions__", False):
        return True
    if not isinstance(value, FunctionType):
        return False
    try:
        inspect.signature(value).bind()
    except TypeError:
        return False
    return True


def definitions_loaded(defs: Definitions, attribute: str | None) -> LoadedDefinitions:
    """A location made of one ``Definitions`` (found in ``attribute``, or built by a loader)."""
    repository = defs.get_repository_def()
    return LoadedDefinitions(
        repositories={DEFAULT_REPOSITORY_NAME: repository}, definitions=defs, attribute=attribute
    )


def _from_definitions(defs: Definitions, attribute: str) -> LoadedDefinitions:
    repository = defs.get_repository_def()
    return LoadedDefinitions(
        repositories={DEFAULT_REPOSITORY_NAME: repository}, definitions=defs, attribute=attribute
    )
