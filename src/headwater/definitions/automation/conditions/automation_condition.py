"""The public ``AutomationCondition``: the node type with Dagster's static constructors.

Composites are built from the same operands Dagster documents, so their evaluation trees read
the same (``eager``: in the latest time window, newly missing or any dependency updated since
last handled, no dependency missing or in progress, not in progress).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from headwater.definitions.automation.conditions.node import ConditionNode
from headwater.errors import InvalidDefinitionError


def _check_cron(cron_schedule: object, cron_timezone: object) -> None:
    from headwater.core.cron import validate_cron_schedule

    if not isinstance(cron_schedule, str):
        raise InvalidDefinitionError(
            f"An automation condition got cron_schedule={cron_schedule!r}; pass a cron string "
            "such as '0 * * * *'."
        )
    validate_cron_schedule(cron_schedule)
    if not isinstance(cron_timezone, str):
        raise InvalidDefinitionError(
            f"An automation condition got cron_timezone={cron_timezone!r}; pass an IANA name "
            "such as 'UTC' or 'Europe/Paris'."
        )


class AutomationCondition(ConditionNode):
    """A condition on an asset (or asset check) that decides when the daemon requests it.

    Attach one with ``@asset(automation_condition=AutomationCondition.eager())``. Start from a
    composite (:meth:`eager`, :meth:`on_cron`, :meth:`on_missing`) or build one from the
    operands below with ``&``, ``|``, ``~``, :meth:`since`, :meth:`newly_true`. The condition is
    plain data: the daemon evaluates it each tick against the instance, per partition, and
    stores why it was (not) true.
    """

    # Leaf conditions ----------------------------------------------------------------------

    @staticmethod
    def missing() -> AutomationCondition:
        """True for partitions that have never been materialized."""
        return AutomationCondition("missing")

    @staticmethod
    def in_progress() -> AutomationCondition:
        """True for partitions targeted by an in-progress run or backfill."""
        return AutomationCondition("in_progress")

    @staticmethod
    def run_in_progress() -> AutomationCondition:
        """True for partitions targeted by an in-progress run."""
        return AutomationCondition("run_in_progress")

    @staticmethod
    def backfill_in_progress() -> AutomationCondition:
        """True for partitions targeted by an in-progress backfill."""
        return AutomationCondition("backfill_in_progress")

    @staticmethod
    def execution_failed() -> AutomationCondition:
        """True for partitions whose latest run targeting them failed."""
        return AutomationCondition("execution_failed")

    @staticmethod
    def newly_updated() -> AutomationCondition:
        """True for partitions materialized since the previous evaluation."""
        return AutomationCondition("newly_updated")

    @staticmethod
    def newly_requested() -> AutomationCondition:
        """True for partitions requested by the previous evaluation."""
        return AutomationCondition("newly_requested")

    @staticmethod
    def will_be_requested() -> AutomationCondition:
        """True for partitions requested by this evaluation (read on dependencies)."""
        return AutomationCondition("will_be_requested")

    @staticmethod
    def code_version_changed() -> AutomationCondition:
        """True when the asset's code version differs from the previous evaluation's."""
        return AutomationCondition("code_version_changed")

    @staticmethod
    def data_version_changed() -> AutomationCondition:
        """True for partitions whose newest materialization has a new data version."""
        return AutomationCondition("data_version_changed")

    @staticmethod
    def cron_tick_passed(cron_schedule: str, cron_timezone: str = "UTC") -> AutomationCondition:
        """True when a tick of the cron schedule passed since the previous evaluation."""
        _check_cron(cron_schedule, cron_timezone)
        return AutomationCondition(
            "cron_tick_passed",
            params={"cron_schedule": cron_schedule, "cron_timezone": cron_timezone},
        )

    @staticmethod
    def in_latest_time_window(
        lookback_delta: datetime.timedelta | None = None,
    ) -> AutomationCondition:
        """True for the latest time partition (and those within ``lookback_delta`` of it); for
        assets without time partitions, always true."""
        params = {}
        if lookback_delta is not None:
            if not isinstance(lookback_delta, datetime.timedelta):
                raise InvalidDefinitionError(
                    f"in_latest_time_window got lookback_delta={lookback_delta!r}; pass a "
                    "datetime.timedelta."
                )
            params["lookback_seconds"] = lookback_delta.total_seconds()
        return AutomationCondition("in_latest_time_window", params=params)

    @staticmethod
    def initial_evaluation() -> AutomationCondition:
        """True on the first evaluation of the condition (or the first after it changed)."""
        return AutomationCondition("initial_evaluation")

    @staticmethod
    def newly_missing() -> AutomationCondition:
        """True on the evaluation where a partition becomes missing."""
        return AutomationCondition.missing().newly_true().with_label("newly_missing")

    @staticmethod
    def asset_matches(key: object, condition: ConditionNode) -> AutomationCondition:
        """True when ``condition`` holds for the asset ``key`` (any partition of it)."""
        from headwater.definitions.asset_graph.keys import AssetKey

        path = list(AssetKey.from_coercible(key).path)  # type: ignore[arg-type]
        return AutomationCondition("asset_matches", (condition,), {"key": path})

    @staticmethod
    def check_passed() -> AutomationCondition:
        """On an asset check: its latest evaluation passed."""
        return AutomationCondition("check_passed")

    @staticmethod
    def check_failed() -> AutomationCondition:
        """On an asset check: its latest evaluation failed."""
        return AutomationCondition("check_failed")

    # Dependency and check operators -------------------------------------------------------

    @staticmethod
    def any_deps_match(condition: ConditionNode) -> AutomationCondition:
        """True where ``condition`` holds for any dependency (partition mapped to this one)."""
        return AutomationCondition("any_deps_match", (condition,))

    @staticmethod
    def all_deps_match(condition: ConditionNode) -> AutomationCondition:
        """True where ``condition`` holds for every dependency (true without dependencies)."""
        return AutomationCondition("all_deps_match", (condition,))

    @staticmethod
    def any_checks_match(
        condition: ConditionNode, blocking_only: bool = False
    ) -> AutomationCondition:
        """True where ``condition`` holds for any check of the asset."""
        return AutomationCondition("any_checks_match", (condition,),
                                   {"blocking_only": bool(blocking_only)})

    @staticmethod
    def all_checks_match(
        condition: ConditionNode, blocking_only: bool = False
    ) -> AutomationCondition:
        """True where ``condition`` holds for every check of the asset."""
        return AutomationCondition("all_checks_match", (condition,),
                                   {"blocking_only": bool(blocking_only)})

    @staticmethod
    def any_deps_updated() -> AutomationCondition:
        """Any dependency was updated since the previous evaluation or will be requested."""
        return AutomationCondition.any_deps_match(
            AutomationCondition.newly_updated() | AutomationCondition.will_be_requested()
        ).with_label("any_deps_updated")

    @staticmethod
    def any_deps_missing() -> AutomationCondition:
        """Any dependency is missing and will not be requested this evaluation."""
        return AutomationCondition.any_deps_match(
            AutomationCondition.missing() & ~AutomationCondition.will_be_requested()
        ).with_label("any_deps_missing")

    @staticmethod
    def any_deps_in_progress() -> AutomationCondition:
        """Any dependency is targeted by an in-progress run or backfill."""
        return AutomationCondition.any_deps_match(
            AutomationCondition.in_progress()
        ).with_label("any_deps_in_progress")

    @staticmethod
    def all_deps_blocking_checks_passed() -> AutomationCondition:
        """Every blocking check of every dependency passed (or will be requested)."""
        return AutomationCondition.all_deps_match(
            AutomationCondition.all_checks_match(
                AutomationCondition.check_passed() | AutomationCondition.will_be_requested(),
                blocking_only=True,
            ).with_label("all_blocking_checks_passed")
        ).with_label("all_deps_blocking_checks_passed")

    @staticmethod
    def all_deps_updated_since_cron(
        cron_schedule: str, cron_timezone: str = "UTC"
    ) -> AutomationCondition:
        """Every dependency was updated since the latest tick of the cron schedule."""
        return AutomationCondition.all_deps_match(
            AutomationCondition.newly_updated().since(
                AutomationCondition.cron_tick_passed(cron_schedule, cron_timezone)
            )
            | AutomationCondition.will_be_requested()
        ).with_label(f"all_deps_updated_since_cron({cron_schedule}, {cron_timezone})")

    # Composites ---------------------------------------------------------------------------

    @staticmethod
    def eager() -> AutomationCondition:
        """Request the asset whenever a dependency updates, or when it newly becomes missing.

        Not while any dependency is missing or in progress, nor while the asset is in
        progress; only the latest time partition of time-partitioned assets.
        """
        return (
            AutomationCondition.in_latest_time_window()
            & (
                AutomationCondition.newly_missing() | AutomationCondition.any_deps_updated()
            ).since_last_handled()
            & ~AutomationCondition.any_deps_missing()
            & ~AutomationCondition.any_deps_in_progress()
            & ~AutomationCondition.in_progress()
        ).with_label("eager")

    @staticmethod
    def on_cron(cron_schedule: str, cron_timezone: str = "UTC") -> AutomationCondition:
        """Request the asset once per tick of the cron schedule, once every dependency has
        updated since that tick (latest time partition only)."""
        return (
            AutomationCondition.in_latest_time_window()
            & AutomationCondition.cron_tick_passed(cron_schedule, cron_timezone)
            .since_last_handled()
            & AutomationCondition.all_deps_updated_since_cron(cron_schedule, cron_timezone)
        ).with_label(f"on_cron({cron_schedule}, {cron_timezone})")

    @staticmethod
    def on_missing() -> AutomationCondition:
        """Request partitions that become missing after the condition is applied (e.g. new
        time partitions), once none of their dependencies is missing."""
        return (
            AutomationCondition.in_latest_time_window()
            & AutomationCondition.missing()
            .newly_true()
            .since_last_handled()
            .with_label("missing_since_last_handled")
            & ~AutomationCondition.any_deps_missing()
        ).with_label("on_missing")

    @staticmethod
    def any_downstream_conditions() -> AutomationCondition:
        """True where the condition of any downstream asset, evaluated for this asset, is."""
        return AutomationCondition("any_downstream_conditions")

    @staticmethod
    def all_of(conditions: Sequence[ConditionNode]) -> AutomationCondition:
        """True where every condition is (an ``and`` of them)."""
        return AutomationCondition("and", conditions)

    @staticmethod
    def any_of(conditions: Sequence[ConditionNode]) -> AutomationCondition:
        """True where any condition is (an ``or`` of them)."""
        return AutomationCondition("or", conditions)


__all__ = ["AutomationCondition"]
