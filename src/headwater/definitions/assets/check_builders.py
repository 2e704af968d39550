"""Asset checks built from metadata of the latest materializations:

* ``build_metadata_bounds_checks``: a numeric metadata value of the latest materialization lies
  within bounds (check ``<metadata key>_bounds_check``);
* ``build_column_schema_change_checks``: the column schema (``dagster/column_schema``) did not
  change between the two latest materializations (check ``column_schema_change``).

Each asset gets its own check; the checks read the instance when they run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.assets.checks import asset_check
from headwater.definitions.ops.results import AssetCheckResult, AssetCheckSeverity
from headwater.errors import InvalidDefinitionError

#: The metadata key of a table's column schema (Dagster's).
COLUMN_SCHEMA_KEY = "dagster/column_schema"


def _keys(assets: Sequence[Any], builder: str) -> list[AssetKey]:
    keys: list[AssetKey] = []
    for item in assets:
        if isinstance(item, (str, AssetKey, list, tuple)):
            keys.append(AssetKey.from_coercible(item))
        elif hasattr(item, "keys") and not isinstance(item, dict):
            keys.extend(item.keys)
        elif hasattr(item, "key"):
            keys.append(AssetKey.from_coercible(item.key))
        else:
            raise InvalidDefinitionError(
                f"{builder}: {item!r} is not an asset key, AssetsDefinition or SourceAsset.")
    if not keys:
        raise InvalidDefinitionError(f"{builder} needs at least one asset: pass assets=[...].")
    return list(dict.fromkeys(keys))


def _bounds_text(min_value: float | None, max_value: float | None, exclusive_min: bool,
                 exclusive_max: bool) -> str:
    parts = []
    if min_value is not None:
        parts.append(f"{'>' if exclusive_min else '>='} {min_value}")
    if max_value is not None:
        parts.append(f"{'<' if exclusive_max else '<='} {max_value}")
    return " and ".join(parts)


def build_metadata_bounds_checks(
    *,
    assets: Sequence[Any],
    severity: AssetCheckSeverity = AssetCheckSeverity.WARN,
    metadata_key: str,
    min_value: float | None = None,
    max_value: float | None = None,
    exclusive_min: bool = False,
    exclusive_max: bool = False,
) -> list[Any]:
    """Checks that pass when the numeric metadata value ``metadata_key`` of each asset's latest
    materialization is within ``[min_value, max_value]`` (bounds excluded when
    ``exclusive_*``); missing materializations, keys or non-numbers fail."""
    if min_value is None and max_value is None:
        raise InvalidDefinitionError(
            "build_metadata_bounds_checks needs min_value, max_value or both.")
    if min_value is not None and max_value is not None and min_value > max_value:
        raise InvalidDefinitionError(
            f"build_metadata_bounds_checks: min_value {min_value} is greater than max_value "
            f"{max_value}.")
    name = f"{re.sub(r'[^A-Za-z0-9_]', '_', metadata_key)}_bounds_check"
    bounds = _bounds_text(min_value, max_value, exclusive_min, exclusive_max)
    description = f"The latest materialization's `{metadata_key}` is {bounds}"

    def outcome(instance: Any, key: AssetKey) -> tuple[bool, str]:
        entry = instance.get_latest_materialization_event(key)
        if entry is None or entry.asset_materialization is None:
            return False, "The asset has not been materialized."
        metadata = entry.asset_materialization.metadata
        if metadata_key not in metadata:
            return False, f"The latest materialization has no metadata `{metadata_key}`."
        value = getattr(metadata[metadata_key], "value", metadata[metadata_key])
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False, f"`{metadata_key}` is {value!r}, not a number."
        too_low = min_value is not None and (value <= min_value if exclusive_min
                                             else value < min_value)
        too_high = max_value is not None and (value >= max_value if exclusive_max
                                              else value > max_value)
        if too_low or too_high:
            return False, f"`{metadata_key}` is {value}: out of bounds (must be {bounds})."
        return True, f"`{metadata_key}` is {value}: within bounds."

    return [_check(key, name, description, severity, outcome)
            for key in _keys(assets, "build_metadata_bounds_checks")]


def build_column_schema_change_checks(
    *,
    assets: Sequence[Any],
    severity: AssetCheckSeverity = AssetCheckSeverity.WARN,
) -> list[Any]:
    """Checks that fail when the column schema metadata changed (columns added, removed or
    retyped) between each asset's two latest materializations; fewer than two pass."""

    def outcome(instance: Any, key: AssetKey) -> tuple[bool, str]:
        records = instance.fetch_materializations(key, limit=2).records
        if len(records) < 2:
            return True, "The asset has been materialized fewer than two times."
        latest, previous = (_columns(record) for record in records)
        if latest is None:
            return False, "The latest materialization has no column schema metadata."
        if previous is None:
            return False, "The previous materialization has no column schema metadata."
        added = [name for name in latest if name not in previous]
        removed = [name for name in previous if name not in latest]
        retyped = [f"{name}: {previous[name]} -> {latest[name]}" for name in latest
                   if name in previous and previous[name] != latest[name]]
        if not (added or removed or retyped):
            return True, "The column schema did not change."
        lines = ["The column schema changed since the previous materialization."]
        if added:
            lines.append(f"Added columns: {', '.join(added)}")
        if removed:
            lines.append(f"Removed columns: {', '.join(removed)}")
        if retyped:
            lines.append("Column type changes: " + "; ".join(retyped))
        return False, "\n".join(lines)

    return [_check(key, "column_schema_change",
                   "The column schema did not change between the two latest materializations",
                   severity, outcome)
            for key in _keys(assets, "build_column_schema_change_checks")]


def _columns(record: Any) -> dict[str, str] | None:
    materialization = record.asset_materialization
    value = materialization.metadata.get(COLUMN_SCHEMA_KEY) if materialization else None
    schema = getattr(value, "schema", None)
    if schema is None:
        return None
    return {column.name: column.type for column in schema.columns}


def _check(key: AssetKey, name: str, description: str, severity: AssetCheckSeverity,
           outcome: Any) -> Any:
    @asset_check(asset=key, name=name, description=description)
    def metadata_check(context: Any) -> AssetCheckResult:
        passed, text = outcome(context.instance, key)
        return AssetCheckResult(passed=passed, severity=severity, description=text)

    return metadata_check
