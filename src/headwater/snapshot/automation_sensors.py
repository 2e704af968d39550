"""The default automation condition sensor a repository's snapshot gets.

Assets with an automation condition that no ``AutomationConditionSensorDefinition`` targets
are evaluated by ``default_automation_condition_sensor``, running by default (toggled like
any sensor). A sensor targeting an asset also evaluates the conditions of the asset's checks
(as an ``AssetSelection`` of the asset selects its checks): an untargeted check's asset is in
the default sensor's selection.
"""

from __future__ import annotations

from collections.abc import Sequence

from headwater.snapshot.location import (
    AssetCheckSnap,
    AssetSnap,
    DefaultStatus,
    SensorSnap,
    SensorType,
)

#: Its name (as Dagster's).
DEFAULT_AUTOMATION_SENSOR_NAME = "default_automation_condition_sensor"

#: Seconds between its evaluations (as Dagster's).
DEFAULT_AUTOMATION_INTERVAL = 30


def with_default_automation_sensor(assets: list[AssetSnap], sensors: list[SensorSnap],
                                   checks: Sequence[AssetCheckSnap] = ()) -> list[SensorSnap]:
    """``sensors`` plus the default automation sensor when some conditions need it."""
    targeted = {tuple(key) for sensor in sensors if sensor.sensor_type is SensorType.AUTOMATION
                for key in sensor.asset_selection or []}
    wanted = [asset.key for asset in assets if asset.automation_condition_tree is not None]
    wanted += [check.asset_key for check in checks
               if check.automation_condition_tree is not None]
    untargeted = [list(key) for key in dict.fromkeys(tuple(key) for key in wanted)
                  if key not in targeted]
    if not untargeted or any(sensor.name == DEFAULT_AUTOMATION_SENSOR_NAME for sensor in sensors):
        return sensors
    return [*sensors, SensorSnap(
        name=DEFAULT_AUTOMATION_SENSOR_NAME, sensor_type=SensorType.AUTOMATION,
        minimum_interval_seconds=DEFAULT_AUTOMATION_INTERVAL,
        default_status=DefaultStatus.RUNNING, asset_selection=sorted(untargeted),
        description="Evaluates the automation conditions of the assets no other automation "
                    "condition sensor targets.")]
