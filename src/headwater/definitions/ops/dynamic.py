"""Dynamic outputs in graph bodies: ``.map(fn)`` and ``.collect()``.

An op whose output is a ``DynamicOut`` yields any number of ``DynamicOutput(value,
mapping_key)``. Inside a graph body its output handle is a :class:`DynamicOutputHandle`:
``handle.map(fn)`` records the ops that ``fn`` calls as *mapped* (one copy of each runs per
mapping key, as step ``op[mapping_key]``), and ``handle.collect()`` gives a downstream op the
list of every mapped value, in the order the keys were yielded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from headwater.definitions.ops.composition import OutputHandle, current_builder
from headwater.errors import InvalidDefinitionError

_MAPPING_KEY = re.compile(r"^[A-Za-z0-9_]+$")


def check_mapping_key(mapping_key: object) -> str:
    """``mapping_key`` if it is a valid mapping key (letters, digits, underscores)."""
    if not isinstance(mapping_key, str) or not _MAPPING_KEY.match(mapping_key):
        raise InvalidDefinitionError(
            f"{mapping_key!r} is not a valid mapping key for a DynamicOutput: use letters, "
            "digits and underscores only (it becomes part of the step key 'op[mapping_key]')."
        )
    return mapping_key


@dataclass(frozen=True)
class DynamicOutputHandle(OutputHandle):
    """A dynamic output in a graph body: of a ``DynamicOut``, or of an op mapped over one."""

    def map(self, fn: Callable[..., Any]) -> Any:
        """Call ``fn`` with this handle; the ops it calls run once per mapping key.

        Returns what ``fn`` returns: handles to the mapped ops' outputs, themselves dynamic
        (map them again, or collect them).
        """
        builder = current_builder(f"{self.node_name}.map()")
        builder.mapping += 1
        try:
            return fn(self)
        finally:
            builder.mapping -= 1

    def collect(self) -> CollectedHandle:
        """An input that receives every mapped value as a list, in mapping-key order."""
        return CollectedHandle(self)


@dataclass(frozen=True)
class CollectedHandle:
    """The values of every mapping key of a dynamic output, as one fan-in input."""

    source: OutputHandle

    @property
    def node_name(self) -> str:
        """The node producing the collected output."""
        return self.source.node_name

    @property
    def output_name(self) -> str:
        """The collected output's name."""
        return self.source.output_name


def check_dynamic_inputs(inputs: dict[str, Any], mapping: int, where: str) -> bool:
    """Whether a node called with ``inputs`` is mapped (one of them is a dynamic handle).

    Raises unless the call is inside ``.map()``: a dynamic output cannot be passed on as
    one value.
    """
    dynamic = [name for name, value in inputs.items() if isinstance(value, DynamicOutputHandle)]
    if dynamic and not mapping:
        raise InvalidDefinitionError(
            f"{where}: input '{dynamic[0]}' is a dynamic output. Use .map(fn) to run the op "
            "once per mapping key, or .collect() to pass it every value as a list."
        )
    return bool(dynamic)
