"""The options that say which code location to load (``-f``, ``-m``, ``-a``, ``-d``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

from headwater.errors import LoadError

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class TargetOptions:
    """One location given on the command line."""

    python_file: str | None = None
    module_name: str | None = None
    attribute: str | None = None
    working_directory: str | None = None

    def describe(self) -> str:
        """``-f path`` or ``-m module``, for messages."""
        return f"-f {self.python_file}" if self.python_file else f"-m {self.module_name}"


def target_options(fn: F) -> F:
    """Add ``-f/--python-file``, ``-m/--module-name``, ``-a/--attribute`` and ``-d``."""
    options = [
        click.option("-f", "--python-file", "python_file", type=click.Path(dir_okay=False),
                     help="Python file defining the location's Definitions."),
        click.option("-m", "--module-name", "module_name",
                     help="Importable module defining the location's Definitions."),
        click.option("-a", "--attribute", "attribute",
                     help="Variable (or @definitions function) holding the Definitions."),
        click.option("-d", "--working-directory", "working_directory",
                     type=click.Path(file_okay=False),
                     help="Directory to run from; also put first on sys.path."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def target_from_params(
    python_file: str | None, module_name: str | None, attribute: str | None,
    working_directory: str | None,
) -> TargetOptions:
    """Check that exactly one of ``-f``/``-m`` was given."""
    if bool(python_file) == bool(module_name):
        raise click.UsageError(
            "Say which code location to load with exactly one of -f/--python-file FILE or "
            "-m/--module-name MODULE."
        )
    return TargetOptions(python_file, module_name, attribute, working_directory)


def load_target(target: TargetOptions) -> Any:
    """Import the target in this process and find its definitions."""
    from headwater.loading.discovery import find_definitions
    from headwater.loading.python_import import load_python_file, load_python_module

    try:
        if target.python_file:
            module = load_python_file(target.python_file, target.working_directory)
        else:
            assert target.module_name is not None
            module = load_python_module(target.module_name, target.working_directory)
    except LoadError:
        raise
    except Exception as exc:
        raise LoadError(f"Error loading {target.describe()}: {type(exc).__name__}: {exc}") from exc
    return find_definitions(module, target.attribute)
