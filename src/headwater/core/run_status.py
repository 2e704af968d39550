"""The lifecycle states of a run, as user code (run-status sensors) sees them."""

from __future__ import annotations

from enum import Enum


class RunStatus(str, Enum):
    """Where a run is in its lifecycle.

    ``QUEUED`` → ``STARTING`` → ``STARTED`` → one of ``SUCCESS`` / ``FAILURE``, or
    ``CANCELING`` → ``CANCELED`` when someone cancels it.
    """

    QUEUED = "QUEUED"
    STARTING = "STARTING"
    STARTED = "STARTED"
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    CANCELING = "CANCELING"
    CANCELED = "CANCELED"

    @property
    def is_finished(self) -> bool:
        """Whether the run has reached a final state and will not change again."""
        return self in FINISHED_STATUSES


#: Final states: a run in one of these never changes status again.
FINISHED_STATUSES: frozenset[RunStatus] = frozenset(
    {RunStatus.SUCCESS, RunStatus.FAILURE, RunStatus.CANCELED}
)

#: States of a run that has been handed to a worker and has not finished.
IN_PROGRESS_RUN_STATUSES: frozenset[RunStatus] = frozenset(
    {RunStatus.STARTING, RunStatus.STARTED, RunStatus.CANCELING}
)

#: Every state that is not in progress: waiting in the queue, or finished.
NON_IN_PROGRESS_RUN_STATUSES: frozenset[RunStatus] = frozenset(
    {RunStatus.QUEUED} | FINISHED_STATUSES
)

#: The name Dagster users know for the same enum.
DagsterRunStatus = RunStatus
