"""Run config from YAML: ``config_from_files``, ``config_from_yaml_strings`` and
``config_from_pkg_resources``.

Each document must be a mapping; later documents are merged into earlier ones key by key
(nested mappings merge, any other value replaces), so a base file can be overridden by an
environment's file.
"""

from __future__ import annotations

import glob
from collections.abc import Mapping, Sequence
from typing import Any

from headwater.errors import InvalidInvocationError, InvariantViolationError


def _sequence(value: object, name: str) -> Sequence[Any]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise InvalidInvocationError(
            f"'{name}' must be a list, not {type(value).__name__} (wrap a single value in a "
            "list)."
        )
    return value


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` merged into ``base``: mappings merge key by key, other values replace."""
    merged = dict(base)
    for key, value in override.items():
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = deep_merge(current, value)
        else:
            merged[key] = value
    return merged


def _load_documents(texts: Sequence[tuple[str, str]], described: str) -> dict[str, Any]:
    import yaml

    config: dict[str, Any] = {}
    for where, text in texts:
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InvariantViolationError(
                f"Could not parse the YAML of {where} ({described}): {exc}"
            ) from exc
        if document is None:
            continue
        if not isinstance(document, Mapping):
            raise InvariantViolationError(
                f"{where} ({described}) holds a {type(document).__name__}, not a mapping; run "
                "config is a mapping such as 'ops: {...}'."
            )
        config = deep_merge(config, document)
    return config


def config_from_files(config_files: Sequence[str]) -> Mapping[str, Any]:
    """Run config merged from YAML files (each entry a path or a glob pattern), in order.

    Raises:
        InvariantViolationError: a path or pattern matches no file, or a file is not YAML
            holding a mapping.
    """
    texts: list[tuple[str, str]] = []
    for pattern in _sequence(config_files, "config_files"):
        matches = sorted(glob.glob(str(pattern)))
        if not matches:
            raise InvariantViolationError(
                f"File or glob pattern {str(pattern)!r} for 'config_files' matched no file."
            )
        for path in matches:
            with open(path, encoding="utf-8") as handle:
                texts.append((f"file {path!r}", handle.read()))
    return _load_documents(texts, "config_from_files")


def config_from_yaml_strings(yaml_strings: Sequence[str]) -> Mapping[str, Any]:
    """Run config merged from YAML documents given as strings, in order."""
    strings = _sequence(yaml_strings, "yaml_strings")
    return _load_documents([(f"YAML string {index}", text)
                            for index, text in enumerate(strings, 1)],
                           "config_from_yaml_strings")


def config_from_pkg_resources(pkg_resource_defs: Sequence[tuple[str, str]]) -> Mapping[str, Any]:
    """Run config merged from YAML files shipped inside packages: ``(package, file)`` pairs."""
    import importlib.resources

    texts: list[tuple[str, str]] = []
    for package, filename in _sequence(pkg_resource_defs, "pkg_resource_defs"):
        try:
            text = importlib.resources.files(package).joinpath(filename).read_text()
        except (ModuleNotFoundError, FileNotFoundError, UnicodeDecodeError) as exc:
            raise InvariantViolationError(
                f"Could not read {filename!r} of package {package!r}: {exc}"
            ) from exc
        texts.append((f"{filename!r} of package {package!r}", text))
    return _load_documents(texts, "config_from_pkg_resources")
