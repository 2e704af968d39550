"""A location for the automation API test: an eager asset under the default automation sensor
and an asset with a freshness policy."""

from datetime import timedelta

from headwater import AutomationCondition, Definitions, FreshnessPolicy, asset


@asset
def up() -> None:
    return None


@asset(deps=[up], automation_condition=AutomationCondition.eager())
def down() -> None:
    return None


@asset(freshness_policy=FreshnessPolicy.time_window(fail_window=timedelta(hours=1),
                                                     warn_window=timedelta(minutes=30)))
def fresh() -> None:
    return None


defs = Definitions(assets=[up, down, fresh])
