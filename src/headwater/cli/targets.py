"""The options that say which code locations to load: -f, -m, --package-name, -w, -d, -a."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from headwater.errors import LoadError

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class TargetOptions:
    """The target flags as given on the command line."""

    python_files: tuple[str, ...] = ()
    module_names: tuple[str, ...] = ()
    package_names: tuple[str, ...] = ()
    workspace_files: tuple[str, ...] = ()
    working_directory: str | None = None
    attribute: str | None = None


def target_options(fn: F) -> F:
    """Add the target flags; the command receives them as one ``target`` argument."""
    options = [
        click.option("-f", "--python-file", "python_files", multiple=True,
                     help="Python file defining a location's Definitions (repeatable)."),
        click.option("-m", "--module-name", "module_names", multiple=True,
                     help="Importable module defining a location's Definitions (repeatable)."),
        click.option("--package-name", "package_names", multiple=True,
                     help="Importable package defining a location's Definitions (repeatable)."),
        click.option("-w", "--workspace", "workspace_files", multiple=True,
                     help="workspace.yaml listing locations (repeatable)."),
        click.option("-d", "--working-directory", "working_directory",
                     help="Directory the -f/-m locations run from (first on sys.path)."),
        click.option("-a", "--attribute", "attribute",
                     help="Variable (or @definitions function) holding the Definitions."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def pop_target(kwargs: dict[str, Any]) -> TargetOptions:
    """Take the target flags out of a command's keyword arguments."""
    return TargetOptions(
        python_files=tuple(kwargs.pop("python_files")),
        module_names=tuple(kwargs.pop("module_names")),
        package_names=tuple(kwargs.pop("package_names")),
        workspace_files=tuple(kwargs.pop("workspace_files")),
        working_directory=kwargs.pop("working_directory"),
        attribute=kwargs.pop("attribute"),
    )


def resolve_origins(target: TargetOptions) -> list[Any]:
    """The origins the flags name (or the pyproject/workspace defaults); usage error if none."""
    from headwater.loading.targets import resolve_targets

    try:
        return resolve_targets(
            python_files=target.python_files,
            module_names=target.module_names,
            package_names=target.package_names,
            workspace_files=target.workspace_files,
            working_directory=target.working_directory,
            attribute=target.attribute,
        )
    except LoadError as exc:
        raise click.UsageError(str(exc)) from exc


def single_origin(target: TargetOptions, location: str | None) -> Any:
    """The one location a run command acts on (``--location`` picks among several)."""
    origins = resolve_origins(target)
    if location is not None:
        chosen = [o for o in origins if o.location_name == location]
        if not chosen:
            names = ", ".join(o.location_name for o in origins)
            raise click.UsageError(f"No location named '{location}'; locations: {names}.")
        return chosen[0]
    if len(origins) != 1:
        names = ", ".join(o.location_name for o in origins)
        raise click.UsageError(
            f"Several locations are defined ({names}); pick one with --location."
        )
    return origins[0]


def load_in_process(origin: Any) -> Any:
    """Import the origin's code in this process and find its definitions."""
    from headwater.errors import UserCodeError
    from headwater.loading.load_origin import load_origin

    try:
        return load_origin(origin)
    except LoadError:
        raise
    except Exception as exc:
        raise UserCodeError(
            f"Error loading location '{origin.location_name}' ({origin.describe()}): "
            f"{type(exc).__name__}: {exc}", original=exc
        ) from exc
