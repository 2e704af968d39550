"""Checks on the values that name code locations: names, modules, paths, ``$VAR`` references.

Each ``*_problem`` function returns what is wrong (a sentence for an error message) or
``None``; they are shared by the workspace and pyproject readers and the command line.
"""

from __future__ import annotations

import keyword
import os
import re
import shutil
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Literal


def location_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a location, or ``None`` when it can."""
    if not name.strip():
        return "a location name cannot be empty."
    if name != name.strip():
        return f"location name {name!r} starts or ends with spaces; remove them."
    if "/" in name or any(ord(char) < 32 or ord(char) == 127 for char in name):
        return (f"location name {name!r} contains '/' or a control character; "
                "use letters, digits, '_', '-' or '.'.")
    return None


def module_name_problem(name: str) -> str | None:
    """Why ``name`` is not an importable dotted module name, or ``None`` when it is."""
    parts = name.split(".")
    if all(part.isidentifier() and not keyword.iskeyword(part) for part in parts):
        return None
    hint = " (Python module names use '_', not '-')" if "-" in name else ""
    return (f"{name!r} is not a valid Python module name{hint}; "
            "write a dotted name such as 'my_project.definitions'.")


def attribute_problem(name: str) -> str | None:
    """Why ``name`` cannot be a module attribute, or ``None`` when it can."""
    if name.isidentifier() and not keyword.iskeyword(name):
        return None
    return f"attribute {name!r} is not a Python variable name (such as 'defs')."


def import_root(folder: Path, module_name: str) -> Path:
    """The folder to import ``module_name`` from: ``folder``, or ``folder/src`` for a src layout.

    The top-level package is looked for next to ``folder`` first; when it is only found under
    ``folder/src`` that folder is returned. When it is in neither (an installed package),
    ``folder`` is returned.
    """
    top = module_name.split(".")[0]
    for root in (folder, folder / "src"):
        if _kind(root / top) == "dir" or _kind(root / f"{top}.py") == "file":
            return root
    return folder


def absolute(value: str, base: Path) -> Path:
    """``value`` with ``~`` expanded, made absolute against ``base`` and normalised."""
    return Path(os.path.abspath(base / os.path.expanduser(value)))


def directory_problem(path: Path) -> str | None:
    """Why ``path`` is not an existing directory, or ``None`` when it is."""
    kind = _kind(path)
    if kind == "dir":
        return None
    if kind == "missing":
        return f"directory {path} does not exist."
    return f"{path} is not a directory."


def file_problem(path: Path) -> str | None:
    """Why ``path`` is not an existing regular file, or ``None`` when it is."""
    kind = _kind(path)
    if kind == "file":
        return None
    if kind == "missing":
        return f"file {path} does not exist."
    return f"{path} is not a file."


def find_executable(value: str, base: Path) -> tuple[Path | None, str | None]:
    """Resolve an ``executable_path``: a path against ``base``, or a bare name on ``PATH``.

    Returns:
        ``(path, None)`` for an existing executable file, else ``(None, problem)``.
    """
    expanded = os.path.expanduser(value)
    has_separator = os.sep in expanded or bool(os.altsep and os.altsep in expanded)
    candidate = absolute(value, base)
    if not has_separator and _kind(candidate) == "missing":
        found = shutil.which(expanded)
        if found is None:
            return None, (f"executable {value!r} is neither in {base} nor on PATH. Give the "
                          "path of the location's Python, e.g. .venv/bin/python.")
        candidate = Path(os.path.abspath(found))
    kind = _kind(candidate)
    if kind == "missing":
        return None, (f"executable {candidate} does not exist. Give the path of the "
                      "location's Python, e.g. .venv/bin/python.")
    if kind != "file" or not os.access(candidate, os.X_OK):
        return None, f"{candidate} is not an executable file."
    return candidate, None


def _kind(path: Path) -> Literal["missing", "file", "dir", "other"]:
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return "missing"
    if stat.S_ISDIR(mode):
        return "dir"
    return "file" if stat.S_ISREG(mode) else "other"


# Environment variables -----------------------------------------------------------------------

_ENV_REFERENCE = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<invalid>\{))"
)


def is_env_reference(value: object) -> bool:
    """Whether ``value`` is the ``{env: NAME}`` form, which reads a variable's whole value."""
    return (isinstance(value, Mapping) and len(value) == 1 and "env" in value
            and isinstance(value["env"], str))


class EnvSubstitutionError(ValueError):
    """A ``$VAR`` reference cannot be substituted (unset, or malformed)."""


def substitute_env(text: str, env: Mapping[str, str]) -> str:
    """Replace ``$VAR``, ``${VAR}`` and ``${VAR:-default}`` in ``text``; ``$$`` is a ``$``.

    Raises:
        EnvSubstitutionError: a variable without a default is unset, or a ``${`` is malformed.
    """
    if "$" not in text:
        return text

    def replace(match: re.Match[str]) -> str:
        if match.group("escaped"):
            return "$"
        if match.group("invalid"):
            raise EnvSubstitutionError(
                "'${' starts a variable reference that is not closed or not a valid name; "
                "write ${NAME}, or $$ for a literal '$'."
            )
        name = match.group("braced") or match.group("bare")
        if name in env:
            return env[name]
        default = match.group("default")
        if default is not None:
            return default
        raise EnvSubstitutionError(
            f"environment variable {name} is not set. Set it, give a default with "
            f"${{{name}:-default}}, or write $$ for a literal '$'."
        )

    return _ENV_REFERENCE.sub(replace, text)
