"""``AutoMaterializePolicy`` and ``AutoMaterializeRule``: the older way of asking for assets to
update themselves, kept so projects written for it load and behave alike.

A policy is a set of materialize rules and skip rules; it requests an asset (partition) when
any materialize rule holds and no skip rule does. Each rule is expressed with the
``AutomationCondition`` operators, so a policy becomes one condition
(``policy.to_automation_condition()``) that the daemon evaluates like any other:

    (materialize_1 | materialize_2 | ...) & ~(skip_1 | skip_2 | ...)

Differences from Dagster, by design: ``materialize_on_required_for_freshness`` (tied to the
removed legacy freshness policies) never requests anything; ``max_materializations_per_minute``
is kept on the policy but not enforced (the daemon's tick interval bounds the rate);
``skip_on_parent_outdated`` skips while a parent is in progress or about to be requested.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from headwater.definitions.automation.conditions.automation_condition import AutomationCondition
from headwater.errors import InvalidDefinitionError


@dataclass(frozen=True)
class AutoMaterializeRule:
    """One rule of an :class:`AutoMaterializePolicy`: a reason to materialize or to skip."""

    decision_type: str
    description: str
    condition: AutomationCondition | None = field(compare=False, default=None)
    key: tuple[object, ...] = ()

    def to_asset_condition(self) -> AutomationCondition | None:
        """The rule as a condition (None for a rule that never holds)."""
        return self.condition

    # Materialize rules --------------------------------------------------------------------

    @staticmethod
    def materialize_on_missing() -> AutoMaterializeRule:
        """Materialize a partition that has never been materialized (once its parents exist)."""
        return AutoMaterializeRule(
            "MATERIALIZE", "materialization is missing",
            (AutomationCondition.missing()
             & ~AutomationCondition.newly_requested().since(AutomationCondition.newly_updated())
             ).with_label("materialize_on_missing"), ("missing",))

    @staticmethod
    def materialize_on_parent_updated(updated_parent_filter: object = None) -> AutoMaterializeRule:
        """Materialize when a parent has been updated since this asset last was."""
        if updated_parent_filter is not None:
            raise InvalidDefinitionError(
                "AutoMaterializeRule.materialize_on_parent_updated(updated_parent_filter=...) "
                "is not supported; use AutomationCondition.any_deps_match(...) instead."
            )
        return AutoMaterializeRule(
            "MATERIALIZE", "upstream data has changed since latest materialization",
            AutomationCondition.any_deps_updated().since_last_handled()
            .with_label("materialize_on_parent_updated"), ("parent_updated",))

    @staticmethod
    def materialize_on_cron(cron_schedule: str, timezone: str = "UTC",
                            all_partitions: bool = False) -> AutoMaterializeRule:
        """Materialize once per tick of the cron schedule (the latest time partition unless
        ``all_partitions``)."""
        condition = AutomationCondition.cron_tick_passed(cron_schedule, timezone)
        if not all_partitions:
            condition = AutomationCondition.in_latest_time_window() & condition
        return AutoMaterializeRule(
            "MATERIALIZE", f"not materialized since last cron schedule tick of '{cron_schedule}'",
            condition.since_last_handled().with_label(f"materialize_on_cron({cron_schedule})"),
            ("cron", cron_schedule, timezone, all_partitions))

    @staticmethod
    def materialize_on_required_for_freshness() -> AutoMaterializeRule:
        """Legacy freshness policies are gone; this rule never requests anything."""
        return AutoMaterializeRule("MATERIALIZE", "required to meet a freshness policy", None,
                                   ("freshness",))

    # Skip rules ---------------------------------------------------------------------------

    @staticmethod
    def skip_on_parent_missing() -> AutoMaterializeRule:
        """Skip while any parent partition is missing."""
        return AutoMaterializeRule(
            "SKIP", "waiting on upstream data to be present",
            AutomationCondition.any_deps_missing(), ("parent_missing",))

    @staticmethod
    def skip_on_parent_outdated() -> AutoMaterializeRule:
        """Skip while a parent is being (or about to be) updated."""
        return AutoMaterializeRule(
            "SKIP", "waiting on upstream data to be up to date",
            AutomationCondition.any_deps_match(AutomationCondition.in_progress()
                                               | AutomationCondition.will_be_requested())
            .with_label("parent_outdated"), ("parent_outdated",))

    @staticmethod
    def skip_on_not_all_parents_updated(
        require_update_for_all_parent_partitions: bool = False,
    ) -> AutoMaterializeRule:
        """Skip unless every parent has updated since this asset was last handled."""
        updated = (AutomationCondition.newly_updated() | AutomationCondition.will_be_requested())
        return AutoMaterializeRule(
            "SKIP", "waiting on upstream data to be updated",
            ~AutomationCondition.all_deps_match(updated.since_last_handled())
            .with_label("not_all_parents_updated"),
            ("not_all_parents_updated", require_update_for_all_parent_partitions))

    @staticmethod
    def skip_on_not_all_parents_updated_since_cron(cron_schedule: str,
                                                   timezone: str = "UTC") -> AutoMaterializeRule:
        """Skip unless every parent has updated since the latest tick of the cron schedule."""
        return AutoMaterializeRule(
            "SKIP", f"waiting on upstream data to be updated since '{cron_schedule}'",
            ~AutomationCondition.all_deps_updated_since_cron(cron_schedule, timezone),
            ("not_all_parents_updated_since_cron", cron_schedule, timezone))

    @staticmethod
    def skip_on_required_but_nonexistent_parents() -> AutoMaterializeRule:
        """Skip while a parent partition this one needs does not exist (is missing)."""
        return AutoMaterializeRule(
            "SKIP", "required parent partitions do not exist",
            AutomationCondition.any_deps_missing(), ("nonexistent_parents",))

    @staticmethod
    def skip_on_backfill_in_progress(all_partitions: bool = False) -> AutoMaterializeRule:
        """Skip while a backfill targets the asset."""
        return AutoMaterializeRule(
            "SKIP", "targeted by an in-progress backfill",
            AutomationCondition.backfill_in_progress(), ("backfill", all_partitions))

    @staticmethod
    def skip_on_run_in_progress(all_partitions: bool = False) -> AutoMaterializeRule:
        """Skip while a run targeting the asset is in progress."""
        return AutoMaterializeRule(
            "SKIP", "in-progress run for asset",
            AutomationCondition.run_in_progress(), ("run", all_partitions))


def _default_rules() -> frozenset[AutoMaterializeRule]:
    return frozenset({
        AutoMaterializeRule.materialize_on_missing(),
        AutoMaterializeRule.materialize_on_parent_updated(),
        AutoMaterializeRule.materialize_on_required_for_freshness(),
        AutoMaterializeRule.skip_on_parent_outdated(),
        AutoMaterializeRule.skip_on_parent_missing(),
        AutoMaterializeRule.skip_on_required_but_nonexistent_parents(),
        AutoMaterializeRule.skip_on_backfill_in_progress(),
    })


@dataclass(frozen=True)
class AutoMaterializePolicy:
    """Materialize rules and skip rules; see the module's description."""

    rules: frozenset[AutoMaterializeRule]
    max_materializations_per_minute: int | None = 1
    asset_condition: AutomationCondition | None = None

    @staticmethod
    def eager(max_materializations_per_minute: int | None = 1) -> AutoMaterializePolicy:
        """Materialize missing assets and assets whose parents updated, as soon as possible."""
        return AutoMaterializePolicy(_default_rules(), max_materializations_per_minute)

    @staticmethod
    def lazy(max_materializations_per_minute: int | None = 1) -> AutoMaterializePolicy:
        """Lazy policies only reacted to freshness policies, which are gone: the same rules
        as :meth:`eager` (as Dagster does since lazy policies were retired)."""
        return AutoMaterializePolicy(_default_rules(), max_materializations_per_minute)

    @staticmethod
    def from_automation_condition(condition: AutomationCondition) -> AutoMaterializePolicy:
        """A policy that is just ``condition``."""
        return AutoMaterializePolicy(frozenset(), None, condition)

    @property
    def materialize_rules(self) -> frozenset[AutoMaterializeRule]:
        """The rules that request materializations."""
        return frozenset(rule for rule in self.rules if rule.decision_type == "MATERIALIZE")

    @property
    def skip_rules(self) -> frozenset[AutoMaterializeRule]:
        """The rules that hold materializations back."""
        return frozenset(rule for rule in self.rules if rule.decision_type == "SKIP")

    def with_rules(self, *rules_to_add: AutoMaterializeRule) -> AutoMaterializePolicy:
        """A copy with these rules added."""
        return AutoMaterializePolicy(self.rules | frozenset(rules_to_add),
                                     self.max_materializations_per_minute)

    def without_rules(self, *rules_to_remove: AutoMaterializeRule) -> AutoMaterializePolicy:
        """A copy without these rules (each must be in the policy)."""
        missing = [rule.description for rule in rules_to_remove if rule not in self.rules]
        if missing:
            raise InvalidDefinitionError(
                f"without_rules: the policy has no rule {', '.join(map(repr, missing))}."
            )
        return AutoMaterializePolicy(self.rules - frozenset(rules_to_remove),
                                     self.max_materializations_per_minute)

    def to_automation_condition(self) -> AutomationCondition:
        """The policy as one condition the daemon evaluates."""
        if self.asset_condition is not None:
            return self.asset_condition
        materialize = _conditions(self.materialize_rules)
        skip = _conditions(self.skip_rules)
        requested = (AutomationCondition.any_of(materialize) if materialize
                     else ~AutomationCondition.initial_evaluation()
                     & AutomationCondition.initial_evaluation())
        if skip:
            requested = requested & ~AutomationCondition.any_of(skip)
        return requested.with_label("auto_materialize_policy")


def _conditions(rules: Iterable[AutoMaterializeRule]) -> list[AutomationCondition]:
    ordered = sorted(rules, key=lambda rule: rule.description)
    return [condition for rule in ordered
            if (condition := rule.to_asset_condition()) is not None]
