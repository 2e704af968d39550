"""Reading the entries of target files (workspace.yaml, pyproject.toml) key by key.

Each key is read with its expected type, ``$VAR``/``${VAR}``/``{env: VAR}`` substituted in
strings, paths resolved against the file's folder and checked, and every problem raised as a
:class:`TargetFileError` naming the file (with the line when known), the entry and the key.
The checks on names and paths are shared with the command-line targets.
"""

from __future__ import annotations

import difflib
import keyword
import os
import re
import shutil
import stat
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NoReturn

from headwater.errors import LoadError


class TargetFileError(LoadError):
    """A workspace or pyproject file is malformed.

    Attributes:
        problem: what is wrong and what to do about it.
        path: the file.
        entry: the entry, e.g. ``load_from[1] (python_file 'a.py')``, when it is known.
        key: the key within the entry (or at the top of the file), when it is known.
        line: 1-based line in the file, when it is known.
    """

    def __init__(
        self,
        problem: str,
        *,
        path: str,
        entry: str | None = None,
        key: str | None = None,
        line: int | None = None,
    ) -> None:
        self.problem = problem
        self.path = path
        self.entry = entry
        self.key = key
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        parts = [part for part in (entry, f"key '{key}'" if key is not None else None) if part]
        super().__init__(f"{where}: {', '.join(parts)}: {problem}" if parts else
                         f"{where}: {problem}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_error, (type(self), self.problem, self.path, self.entry, self.key,
                                 self.line))


def _rebuild_error(
    cls: type[TargetFileError], problem: str, path: str, entry: str | None, key: str | None,
    line: int | None,
) -> TargetFileError:
    return cls(problem, path=path, entry=entry, key=key, line=line)


class PositionedDict(dict[Any, Any]):
    """A mapping read from YAML that remembers its own line and the line of each key."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}


def line_of(value: object, key: object = None) -> int | None:
    """The 1-based line of ``value`` (or of its ``key``) when it was read from YAML."""
    if not isinstance(value, PositionedDict):
        return None
    if key is not None and key in value.key_lines:
        return value.key_lines[key]
    return value.line


def suggest(word: str, candidates: Collection[str]) -> str:
    """`` Did you mean 'x'?`` for the closest candidate, or an empty string."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" Did you mean '{matches[0]}'?" if matches else ""


def describe_value(value: object) -> str:
    """A short description of a parsed value for messages: ``integer 12``, ``a list``."""
    if value is None:
        return "an empty value (null)"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"integer {value}"
    if isinstance(value, float):
        return f"number {value}"
    if isinstance(value, str):
        return f"string {value!r}"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return f"a {type(value).__name__} value"


# Names, modules, paths (shared with the command line) ------------------------------------------

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


# Reading entries -----------------------------------------------------------------------------

@dataclass(frozen=True)
class TargetFile:
    """The file being read: its absolute path, the environment and the error type to raise."""

    path: Path
    env: Mapping[str, str]
    error: type[TargetFileError] = TargetFileError

    @property
    def folder(self) -> Path:
        """The file's folder: relative paths in the file are read from here."""
        return self.path.parent

    def fail(
        self, problem: str, *, entry: str | None = None, key: str | None = None,
        line: int | None = None,
    ) -> NoReturn:
        """Raise this file's error type."""
        raise self.error(problem, path=str(self.path), entry=entry, key=key, line=line)

    def reader(
        self, raw: object, entry: str | None, what: str, line: int | None = None
    ) -> EntryReader:
        """An :class:`EntryReader` over ``raw``, which must be a mapping with string keys."""
        line = line_of(raw) or line
        if not isinstance(raw, Mapping):
            self.fail(f"{what} must be a mapping of keys to values, got {describe_value(raw)}.",
                      entry=entry, line=line)
        for key in raw:
            if not isinstance(key, str):
                self.fail(f"keys must be strings, got {describe_value(key)}.", entry=entry,
                          line=line_of(raw, key) or line)
        return EntryReader(self, raw, entry, line)


class EntryReader:
    """Typed access to the keys of one entry; every problem names the file, entry and key."""

    def __init__(
        self, file: TargetFile, raw: Mapping[str, Any], entry: str | None, line: int | None
    ) -> None:
        self.file = file
        self.raw = raw
        self.entry = entry
        self.line = line

    def fail(self, problem: str, key: str | None = None) -> NoReturn:
        """Raise the file's error for this entry (and ``key``)."""
        line = line_of(self.raw, key) if key is not None else None
        self.file.fail(problem, entry=self.entry, key=key, line=line or self.line)

    def check_keys(self, allowed: Collection[str], ignored: Collection[str] = ()) -> None:
        """Fail on the first key that is neither allowed nor ignored, suggesting the closest."""
        for key in self.raw:
            if key not in allowed and key not in ignored:
                self.fail(
                    f"unknown key.{suggest(key, allowed)} Valid keys: "
                    f"{', '.join(sorted(allowed))}.",
                    key,
                )

    def has(self, key: str) -> bool:
        """Whether ``key`` is present with a value other than null."""
        return self.raw.get(key) is not None

    def string(self, key: str, *, required: bool = False) -> str | None:
        """A string value with environment variables substituted.

        A null or missing value is ``None`` (an error when ``required``); an optional value that
        substitutes to an empty string (``${VAR:-}``) is ``None`` too.
        """
        value = self.raw.get(key)
        if value is None:
            if required:
                self.fail("needs a value." if key in self.raw else "this key is required.", key)
            return None
        from_env = False
        if is_env_reference(value):
            assert isinstance(value, Mapping)
            variable = value["env"]
            if variable not in self.file.env:
                self.fail(f"environment variable {variable} is not set. Set it, or write the "
                          "value itself.", key)
            text, from_env = self.file.env[variable], True
        elif isinstance(value, str):
            try:
                text = substitute_env(value, self.file.env)
            except EnvSubstitutionError as exc:
                self.fail(str(exc), key)
            from_env = text != value
        else:
            quote = " Put the value in quotes." if isinstance(value, (bool, int, float)) else ""
            self.fail(f"must be a string, got {describe_value(value)}.{quote}", key)
        if "\x00" in text:
            self.fail("contains a NUL character.", key)
        if not text.strip():
            if from_env and not required:
                return None
            self.fail("is empty; give a value or remove the key.", key)
        return text

    def integer(self, key: str, low: int, high: int) -> int | None:
        """An integer in ``[low, high]``; a string of digits (e.g. from ``${PORT}``) is read."""
        value = self.raw.get(key)
        if value is None:
            return None
        if isinstance(value, str) or is_env_reference(value):
            text = self.string(key)
            if text is None:
                return None
            if not text.strip().isdigit():
                self.fail(f"must be a whole number, got {text!r}.", key)
            value = int(text.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"must be a whole number, got {describe_value(value)}.", key)
        if not low <= value <= high:
            self.fail(f"must be between {low} and {high}, got {value}.", key)
        return value

    def boolean(self, key: str, default: bool) -> bool:
        """A boolean; ``true``/``false``/``yes``/``no``/``1``/``0`` strings are read too."""
        value = self.raw.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) or is_env_reference(value):
            text = (self.string(key) or "").strip().lower()
            if text in _TRUE or text in _FALSE:
                return text in _TRUE
        self.fail(f"must be true or false, got {describe_value(value)}.", key)

    def directory(self, key: str, base: Path) -> str | None:
        """An existing directory, relative paths read from ``base``; absolute."""
        text = self.string(key)
        if text is None:
            return None
        path = absolute(text, base)
        problem = directory_problem(path)
        if problem:
            self.fail(f"{problem} Create it or correct the path (relative paths are read "
                      f"from {base}).", key)
        return str(path)

    def python_file(self, key: str, base: Path) -> str:
        """An existing file (required), relative paths read from ``base``; absolute."""
        text = self.string(key, required=True)
        assert text is not None
        path = absolute(text, base)
        problem = file_problem(path)
        if problem:
            self.fail(f"{problem} Correct the path (relative paths are read from {base}).", key)
        return str(path)

    def executable(self, key: str, base: Path) -> str | None:
        """An existing executable, relative paths read from ``base``, or a name on ``PATH``."""
        text = self.string(key)
        if text is None:
            return None
        path, problem = find_executable(text, base)
        if problem:
            self.fail(problem, key)
        return str(path)

    def attribute(self, key: str) -> str | None:
        """An optional module attribute name."""
        text = self.string(key)
        problem = attribute_problem(text) if text is not None else None
        if problem:
            self.fail(problem, key)
        return text

    def module_name(self, key: str) -> str:
        """A required dotted module name."""
        text = self.string(key, required=True)
        assert text is not None
        problem = module_name_problem(text.strip())
        if problem:
            self.fail(problem, key)
        return text.strip()

    def location_name(self, key: str, default: str | None) -> str:
        """The location name, or ``default`` when the key is absent (required when no default)."""
        text = self.string(key, required=default is None)
        name = text if text is not None else default
        assert name is not None
        problem = location_name_problem(name)
        if problem:
            self.fail(problem, key if text is not None else None)
        return name


_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}
