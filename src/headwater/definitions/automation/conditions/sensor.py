"""``AutomationConditionSensorDefinition``: which assets' conditions one daemon sensor evaluates.

The sensor calls no user code: the daemon evaluates the targeted assets' conditions from the
snapshot. A location whose assets have conditions not targeted by any such sensor gets
``default_automation_condition_sensor`` (running by default) for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from headwater.definitions.automation.run_request import SkipReason
from headwater.definitions.automation.sensors import DefaultSensorStatus, SensorDefinition

#: The name of the automation sensor a location gets for otherwise untargeted conditions.
DEFAULT_AUTOMATION_SENSOR_NAME = "default_automation_condition_sensor"


def _evaluated_by_the_daemon(context: Any) -> SkipReason:
    return SkipReason("Automation condition sensors are evaluated by the daemon.")


class AutomationConditionSensorDefinition(SensorDefinition):
    """A sensor that evaluates the automation conditions of the assets in ``target``.

    Args:
        name: the sensor's name.
        target: the assets (an ``AssetSelection``, keys or assets) whose conditions it
            evaluates.
        default_status: whether it runs as soon as its location is loaded (default stopped).
        minimum_interval_seconds: the least time between two evaluations (default 30).
        run_tags: tags added to every run it requests.
        description: shown in the UI.
        tags: tags of the sensor.
        metadata: arbitrary metadata about the sensor.
    """

    sensor_type: ClassVar[str] = "automation"
    _kind: ClassVar[str] = "Automation condition sensor"

    def __init__(
        self,
        name: str,
        *,
        target: object,
        default_status: DefaultSensorStatus = DefaultSensorStatus.STOPPED,
        minimum_interval_seconds: int | None = None,
        run_tags: Mapping[str, str] | None = None,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
        metadata: Mapping[str, Any] | None = None,
        use_user_code_server: bool = False,
    ) -> None:
        super().__init__(
            name,
            evaluation_fn=_evaluated_by_the_daemon,
            minimum_interval_seconds=minimum_interval_seconds,
            description=description,
            default_status=default_status,
            asset_selection=target,
            tags=tags,
            metadata=metadata,
        )
        self._run_tags = dict(run_tags or {})
        self._use_user_code_server = use_user_code_server

    @property
    def run_tags(self) -> Mapping[str, str]:
        """Tags added to every run the sensor requests."""
        return self._run_tags
