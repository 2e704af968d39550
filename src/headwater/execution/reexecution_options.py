"""``ReexecutionOptions``: which run ``execute_job`` re-executes, and which of its steps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from headwater.errors import NotFoundError


@dataclass(frozen=True)
class ReexecutionOptions:
    """Re-execute ``parent_run_id``: the steps in ``step_selection`` (every step the parent
    executed when empty), loading the other steps' outputs from the parent run.

    ``ReexecutionOptions.from_failure(run_id, instance)`` selects the steps that did not
    succeed.
    """

    parent_run_id: str
    step_selection: Sequence[str] = field(default_factory=list)
    #: Set by :meth:`from_failure`: re-execute only the steps that did not succeed.
    only_failed: bool = False

    @staticmethod
    def from_failure(run_id: str, instance: Any) -> ReexecutionOptions:
        """Options re-executing the failed (and never run) steps of run ``run_id``."""
        if instance.get_run(run_id) is None:
            raise NotFoundError(f"No run {run_id!r} in the instance to re-execute.")
        return ReexecutionOptions(parent_run_id=run_id, step_selection=[], only_failed=True)
