"""Checking and copying the data of JSON metadata into plain JSON types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from headwater.errors import InvalidDefinitionError


class _NotJson(Exception):
    def __init__(self, path: list[str | int], problem: str) -> None:
        super().__init__(problem)
        self.path = list(path)
        self.problem = problem


def json_copy(data: object) -> Any:
    """A copy of ``data`` made only of dict, list, str, int, float, bool and None.

    Tuples become lists, integer dict keys become strings (as ``json.dumps`` does) and
    subclasses of str, int and float (e.g. str enums) become the plain type. NaN and the
    infinities are allowed.

    Raises:
        InvalidDefinitionError: something inside is not JSON; the message says where.
    """
    try:
        return _copy(data, [])
    except _NotJson as error:
        where = "data" + "".join(f"[{part!r}]" for part in error.path)
        raise InvalidDefinitionError(
            f"JSON metadata must hold only dicts, lists, str, int, float, bool and None; "
            f"{where} {error.problem}."
        ) from None
    except RecursionError:
        raise InvalidDefinitionError(
            "JSON metadata is nested too deeply or contains itself."
        ) from None


def _copy(value: object, path: list[str | int]) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is dict or isinstance(value, Mapping):
        return _copy_mapping(value, path)  # type: ignore[arg-type]
    if kind is list or kind is tuple or isinstance(value, (list, tuple)):
        return _copy_sequence(value, path)  # type: ignore[arg-type]
    return _plain_scalar(value, path)


def _copy_mapping(value: Mapping[object, object], path: list[str | int]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, item in value.items():
        name = _json_key(key, path)
        path.append(name)
        result[name] = _copy(item, path)
        path.pop()
    return result


def _copy_sequence(value: list[object] | tuple[object, ...], path: list[str | int]) -> list[Any]:
    result: list[Any] = []
    for index, item in enumerate(value):
        path.append(index)
        result.append(_copy(item, path))
        path.pop()
    return result


def _json_key(key: object, path: list[str | int]) -> str:
    if type(key) is str:
        return key
    if isinstance(key, str):
        return str.__str__(key)
    if isinstance(key, int) and not isinstance(key, bool):
        return str(int(key))
    raise _NotJson(path, f"has the key {key!r} ({type(key).__name__}); keys must be strings")


def _plain_scalar(value: object, path: list[str | int]) -> object:
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    raise _NotJson(path, f"is a {type(value).__qualname__}: {value!r:.80}")
