"""Rebuilding partitions definitions from their plain-JSON ``to_dict`` form."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from headwater.definitions.partitions.base import PartitionsDefinition
from headwater.definitions.partitions.dynamic import DynamicPartitionsDefinition
from headwater.definitions.partitions.multi import MultiPartitionsDefinition
from headwater.definitions.partitions.static import StaticPartitionsDefinition
from headwater.definitions.partitions.time_window import TimeWindowPartitionsDefinition
from headwater.errors import InvalidDefinitionError

__all__ = ["partitions_def_from_dict"]


def _multi_from_dict(data: dict[str, Any]) -> MultiPartitionsDefinition:
    dimensions = data["dimensions"]
    return MultiPartitionsDefinition(
        {item["name"]: partitions_def_from_dict(item["partitions_def"]) for item in dimensions}
    )


_READERS: dict[str, Callable[[dict[str, Any]], PartitionsDefinition]] = {
    StaticPartitionsDefinition.kind: StaticPartitionsDefinition.from_dict,
    TimeWindowPartitionsDefinition.kind: TimeWindowPartitionsDefinition.from_dict,
    DynamicPartitionsDefinition.kind: DynamicPartitionsDefinition.from_dict,
    MultiPartitionsDefinition.kind: _multi_from_dict,
}


def partitions_def_from_dict(data: Mapping[str, Any]) -> PartitionsDefinition:
    """Rebuild a partitions definition from the output of its ``to_dict()``.

    Time-window definitions come back as :class:`TimeWindowPartitionsDefinition` (equal by
    value to the ``DailyPartitionsDefinition`` etc. they were made from).

    Raises:
        InvalidDefinitionError: ``data`` is not a partitions definition dict this version
            can read; the message names the kind or the missing field.
    """
    if not isinstance(data, Mapping):
        raise InvalidDefinitionError(
            f"A serialised partitions definition must be a dict; got {data!r}."
        )
    kind = data.get("kind")
    reader = _READERS.get(kind) if isinstance(kind, str) else None
    if reader is None:
        raise InvalidDefinitionError(
            f"Unknown partitions definition kind {kind!r}; this version of headwater reads "
            f"{sorted(_READERS)!r}. Upgrade headwater where the data is read."
        )
    try:
        return reader(dict(data))
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidDefinitionError(
            f"Malformed {kind!r} partitions definition {dict(data)!r}: {type(exc).__name__}: {exc}."
        ) from None
