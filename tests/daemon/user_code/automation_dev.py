"""An eager chain of five assets (deps only: no values passed) under a running automation
sensor (1 s interval), for the ``headwater dev`` end-to-end test."""

from headwater import (
    AssetSelection,
    AutomationCondition,
    AutomationConditionSensorDefinition,
    DefaultSensorStatus,
    Definitions,
    asset,
)


@asset
def a1() -> None:
    return None


@asset(deps=[a1], automation_condition=AutomationCondition.eager())
def a2() -> None:
    return None


@asset(deps=[a2], automation_condition=AutomationCondition.eager())
def a3() -> None:
    return None


@asset(deps=[a3], automation_condition=AutomationCondition.eager())
def a4() -> None:
    return None


@asset(deps=[a4], automation_condition=AutomationCondition.eager())
def a5() -> None:
    return None


fast_automation = AutomationConditionSensorDefinition(
    "fast_automation", target=AssetSelection.all(), minimum_interval_seconds=1,
    default_status=DefaultSensorStatus.RUNNING)

defs = Definitions(assets=[a1, a2, a3, a4, a5], sensors=[fast_automation])
