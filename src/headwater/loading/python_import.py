"""Importing user code: a Python file or a module, with the working directory set up."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

from headwater.errors import LoadError


def prepare_working_directory(working_directory: str | os.PathLike[str] | None) -> None:
    """Make ``working_directory`` the cwd and the first ``sys.path`` entry."""
    if working_directory is None:
        return
    path = Path(working_directory).resolve()
    if not path.is_dir():
        raise LoadError(f"Working directory '{working_directory}' does not exist.")
    os.chdir(path)
    _put_first_on_path(str(path))


def _put_first_on_path(entry: str) -> None:
    if entry in sys.path:
        sys.path.remove(entry)
    sys.path.insert(0, entry)


def module_name_for_file(path: Path) -> tuple[str, Path]:
    """A stable module name for ``path`` and the folder to import it from.

    A file inside packages (folders with ``__init__.py``) is imported as ``pkg.sub.module``
    so its relative imports work; a loose file is imported under its stem.
    """
    parts = [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts), folder


def load_python_file(
    python_file: str | os.PathLike[str], working_directory: str | os.PathLike[str] | None = None
) -> ModuleType:
    """Import ``python_file`` as a module; its folder goes on ``sys.path``."""
    path = Path(python_file)
    if working_directory is not None and not path.is_absolute():
        path = Path(working_directory) / path
    path = path.resolve()
    if not path.is_file():
        raise LoadError(f"Python file '{python_file}' does not exist.")
    prepare_working_directory(working_directory)
    name, import_root = module_name_for_file(path)
    _put_first_on_path(str(path.parent))
    if import_root != path.parent:
        _put_first_on_path(str(import_root))
    existing = sys.modules.get(name)
    if existing is not None and getattr(existing, "__file__", None) == str(path):
        return existing
    if "." in name:
        return importlib.import_module(name)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise LoadError(f"Cannot import '{python_file}' as a Python module.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def load_python_module(
    module_name: str, working_directory: str | os.PathLike[str] | None = None
) -> ModuleType:
    """Import ``module_name``; the working directory (or cwd) goes first on ``sys.path``."""
    prepare_working_directory(working_directory)
    if working_directory is None:
        _put_first_on_path(os.getcwd())
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only the target itself (or its parent package) missing is ours to explain; a
        # missing import inside the user's code propagates with its traceback.
        if exc.name is None or not (
            module_name == exc.name or module_name.startswith(exc.name + ".")
        ):
            raise
        raise LoadError(
            f"Module '{module_name}' cannot be found: there is no module '{exc.name}' in "
            f"{sys.path[0]} nor installed for {sys.executable}. Correct the module name, "
            "set the working directory (-d, working_directory) to the folder it lives in, "
            "or install the project into that environment."
        ) from None
