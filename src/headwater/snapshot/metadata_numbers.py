"""Numbers JSON cannot hold (NaN, infinities, integers past 64 bits) inside stored metadata.

Shared by the conversion between values and snapshots and by the plain-JSON view the HTTP API
serves; it needs only the snapshot structs, never the definitions.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

from headwater.errors import HeadwaterError
from headwater.snapshot.metadata_types import MetadataEntrySnap, SpecialNumber


class MetadataSnapError(HeadwaterError):
    """A stored metadata entry is inconsistent and cannot be turned back into a value."""


# --- numbers JSON cannot hold ----------------------------------------------------------------

INT_MIN = -(2**63)
INT_MAX = 2**64 - 1
NON_FINITE: dict[str, float] = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def special_text(value: object) -> str | None:
    kind = type(value)
    if kind is float:
        if value != value:
            return "nan"
        if value == math.inf:
            return "inf"
        if value == -math.inf:
            return "-inf"
    elif kind is int and not INT_MIN <= value <= INT_MAX:  # type: ignore[operator]
        return str(value)
    return None


def find_specials(value: object, path: list[str | int], found: list[SpecialNumber]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            path.append(key)
            find_specials(item, path, found)
            path.pop()
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            path.append(index)
            find_specials(item, path, found)
            path.pop()
    else:
        text = special_text(value)
        if text is not None:
            found.append(SpecialNumber(list(path), text))


def without_specials(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: without_specials(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [without_specials(item) for item in value]
    return None if special_text(value) is not None else value


def split_specials(value: Any) -> tuple[Any, list[SpecialNumber]]:
    found: list[SpecialNumber] = []
    find_specials(value, [], found)
    return (without_specials(value), found) if found else (value, found)


def parse_number(text: str) -> float | int:
    special = NON_FINITE.get(text)
    if special is not None:
        return special
    try:
        return int(text)
    except ValueError:
        raise MetadataSnapError(f"Stored metadata holds an unreadable number {text!r}.") from None


def json_number(text: str) -> object:
    """The plain-JSON view of a special number: a string for NaN/infinities, else the int."""
    names = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}
    return names[text] if text in names else parse_number(text)


def put_specials(
    value: Any, special: list[SpecialNumber], convert: Callable[[str], object]
) -> Any:
    if not special:
        return value
    result = copy.deepcopy(value)
    try:
        for number in special:
            container = result
            for part in number.path[:-1]:
                container = container[part]
            container[number.path[-1]] = convert(number.value)
    except (KeyError, IndexError, TypeError) as error:
        raise MetadataSnapError(
            f"Stored metadata marks a special number at a place its data does not have: {error}"
        ) from None
    return result


def snap_kind(snap: MetadataEntrySnap) -> str:
    """The ``kind`` tag of an entry, e.g. ``"text"``."""
    return str(snap.__struct_config__.tag)
