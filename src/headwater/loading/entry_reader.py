"""Reading the entries of target files (workspace.yaml, pyproject.toml) key by key.

Each key is read with its expected type, ``$VAR``/``${VAR}``/``{env: VAR}`` substituted in
strings, paths resolved against the file's folder and checked, and every problem raised as a
:class:`TargetFileError` naming the file (with the line when known), the entry and the key.
The value checks themselves live in :mod:`headwater.loading.target_values`.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from headwater.errors import LoadError
from headwater.loading.target_values import (
    EnvSubstitutionError,
    absolute,
    attribute_problem,
    directory_problem,
    file_problem,
    find_executable,
    is_env_reference,
    location_name_problem,
    module_name_problem,
    substitute_env,
)


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


class PositionedList(list[Any]):
    """A list read from YAML that remembers its own line and the line of each item."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


def line_of(value: object, key: object = None) -> int | None:
    """The 1-based line of ``value`` (or of its ``key``, or item index) when read from YAML."""
    if isinstance(value, PositionedList):
        if isinstance(key, int) and 0 <= key < len(value.item_lines):
            return value.item_lines[key]
        return value.line
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
            digits = text.strip()
            if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
                self.fail(f"must be a whole number, got {text!r}.", key)
            value = int(digits)
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
