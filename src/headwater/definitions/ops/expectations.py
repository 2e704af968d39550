"""``ExpectationResult``: the older way for an op to report a data quality expectation
(yielded, or passed to ``context.log_event``); recorded as a ``STEP_EXPECTATION_RESULT`` event.
New code uses asset checks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from headwater.errors import InvalidDefinitionError


@dataclass(frozen=True)
class ExpectationResult:
    """Whether an expectation about the data held, with a label, a description and metadata."""

    success: bool
    label: str | None = None
    description: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.success, bool):
            raise InvalidDefinitionError(
                f"ExpectationResult(success=...) takes True or False, not {self.success!r}.")
        object.__setattr__(self, "metadata", dict(self.metadata or {}))
