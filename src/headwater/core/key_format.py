"""Rendering partition keys from datetimes: ``strftime`` results, faster.

Shared by the partitions definitions (user code) and the host's partition-key lists
(``core.partition_keys``), so both render keys identically.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from operator import attrgetter

__all__ = ["key_formatter"]

# strftime directives with a fixed-width numeric rendering: formats made only of these are
# rendered with %-formatting, a few times faster than strftime on aware datetimes.
_FAST_DIRECTIVES = {
    "Y": ("%04d", "year"),
    "m": ("%02d", "month"),
    "d": ("%02d", "day"),
    "H": ("%02d", "hour"),
    "M": ("%02d", "minute"),
    "S": ("%02d", "second"),
}


def key_formatter(fmt: str) -> Callable[[datetime], str]:
    """Return a function rendering a datetime as ``dt.strftime(fmt)`` does (4-digit years)."""
    template: list[str] = []
    fields: list[str] = []
    index = 0
    while index < len(fmt):
        char = fmt[index]
        directive = fmt[index + 1 : index + 2] if char == "%" else ""
        if char != "%" or directive == "%":
            template.append("%%" if char == "%" else char)
            index += 2 if directive == "%" else 1
        elif directive in _FAST_DIRECTIVES:
            spec, field = _FAST_DIRECTIVES[directive]
            template.append(spec)
            fields.append(field)
            index += 2
        else:
            return lambda value: value.strftime(fmt)
    text = "".join(template)
    if not fields:
        return lambda value: value.strftime(fmt)
    getter = attrgetter(*fields)
    if len(fields) == 1:
        return lambda value: text % (getter(value),)
    return lambda value: text % getter(value)
