"""BackfillPolicy: how many partitions of an asset one backfill run materializes."""

from __future__ import annotations

from enum import Enum
from typing import Any

from headwater.errors import InvalidDefinitionError

__all__ = ["BackfillPolicy", "BackfillPolicyType"]


class BackfillPolicyType(str, Enum):
    """One run for the whole range, or runs of at most N partitions."""

    SINGLE_RUN = "SINGLE_RUN"
    MULTI_RUN = "MULTI_RUN"


class BackfillPolicy:
    """How a backfill splits the partitions of an asset into runs.

    ``BackfillPolicy.single_run()`` materializes every requested partition in one run (the
    asset reads ``context.partition_key_range``); ``BackfillPolicy.multi_run(n)`` uses runs
    of at most ``n`` consecutive partitions. Without a policy, a backfill makes one run per
    partition (``multi_run(1)``).
    """

    def __init__(self, max_partitions_per_run: int | None) -> None:
        if max_partitions_per_run is not None and (
            isinstance(max_partitions_per_run, bool)
            or not isinstance(max_partitions_per_run, int)
            or max_partitions_per_run < 1
        ):
            raise InvalidDefinitionError(
                "BackfillPolicy.multi_run: max_partitions_per_run must be a positive int; got "
                f"{max_partitions_per_run!r}."
            )
        self.max_partitions_per_run = max_partitions_per_run

    @classmethod
    def single_run(cls) -> BackfillPolicy:
        """Every partition of the backfill in one run."""
        return cls(None)

    @classmethod
    def multi_run(cls, max_partitions_per_run: int = 1) -> BackfillPolicy:
        """Runs of at most ``max_partitions_per_run`` consecutive partitions."""
        return cls(max_partitions_per_run)

    @property
    def policy_type(self) -> BackfillPolicyType:
        """SINGLE_RUN or MULTI_RUN."""
        if self.max_partitions_per_run is None:
            return BackfillPolicyType.SINGLE_RUN
        return BackfillPolicyType.MULTI_RUN

    def to_dict(self) -> dict[str, Any]:
        """``{"max_partitions_per_run": n}`` (None for a single run)."""
        return {"max_partitions_per_run": self.max_partitions_per_run}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BackfillPolicy):
            return NotImplemented
        return self.max_partitions_per_run == other.max_partitions_per_run

    def __hash__(self) -> int:
        return hash(self.max_partitions_per_run)

    def __repr__(self) -> str:
        if self.max_partitions_per_run is None:
            return "BackfillPolicy.single_run()"
        return f"BackfillPolicy.multi_run(max_partitions_per_run={self.max_partitions_per_run})"
