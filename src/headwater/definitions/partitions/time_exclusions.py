"""Windows left out of a time-window partitions definition (``exclusions=``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from headwater.core.cron import get_timezone, validate_cron_schedule
from headwater.errors import InvalidDefinitionError

__all__ = ["exclusions_from_json", "exclusions_to_json", "read_exclusions"]


def read_exclusions(
    exclusions: Sequence[str | datetime] | None, zone_name: str, owner: str
) -> tuple[str | datetime, ...]:
    """Check the exclusions; naive datetimes are read in the definition's zone."""
    if exclusions is None:
        return ()
    if isinstance(exclusions, (str, datetime)) or not isinstance(exclusions, Sequence):
        raise InvalidDefinitionError(
            f"{owner}: exclusions must be a list of cron strings or datetimes; got "
            f"{exclusions!r}. Write exclusions=['0 0 * * 6,0'] to leave out weekends."
        )
    zone = get_timezone(zone_name)
    found: list[str | datetime] = []
    for item in exclusions:
        if isinstance(item, datetime):
            found.append(item if item.tzinfo is not None else item.replace(tzinfo=zone))
        elif isinstance(item, str):
            try:
                validate_cron_schedule(item)
            except InvalidDefinitionError as exc:
                raise InvalidDefinitionError(
                    f"{owner}: exclusion {item!r} is not a valid cron string: {exc}"
                ) from None
            found.append(item)
        else:
            raise InvalidDefinitionError(
                f"{owner}: each exclusion must be a cron string or a datetime; got {item!r}."
            )
    return tuple(found)


def exclusions_to_json(exclusions: Sequence[str | datetime]) -> list[Any]:
    """Cron strings as they are, datetimes as ``{"datetime": iso}``."""
    return [
        {"datetime": item.isoformat()} if isinstance(item, datetime) else item
        for item in exclusions
    ]


def exclusions_from_json(data: Sequence[Any] | None) -> list[str | datetime] | None:
    """The inverse of :func:`exclusions_to_json`."""
    if not data:
        return None
    return [
        datetime.fromisoformat(item["datetime"]) if isinstance(item, dict) else str(item)
        for item in data
    ]
