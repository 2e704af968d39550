"""Declarative automation conditions: plain-data trees the daemon evaluates per asset."""

from headwater.definitions.automation.conditions.automation_condition import AutomationCondition
from headwater.definitions.automation.conditions.node import ConditionNode
from headwater.definitions.automation.conditions.sensor import (
    DEFAULT_AUTOMATION_SENSOR_NAME,
    AutomationConditionSensorDefinition,
)

__all__ = [
    "DEFAULT_AUTOMATION_SENSOR_NAME",
    "AutomationCondition",
    "AutomationConditionSensorDefinition",
    "ConditionNode",
]
