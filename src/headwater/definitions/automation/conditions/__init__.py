"""Declarative automation conditions: plain-data trees the daemon evaluates per asset."""

from headwater.definitions.automation.conditions.automation_condition import AutomationCondition
from headwater.definitions.automation.conditions.node import ConditionNode

__all__ = ["AutomationCondition", "ConditionNode"]
