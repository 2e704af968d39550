"""Uses the *_from_current_module loaders at the end of the module, as users do.

``defs`` comes first: module-level lists of assets count as definitions, so loading the
module after ``prefixed_assets`` exists would find those copies too.
"""

from headwater import (
    AssetCheckResult,
    ScheduleDefinition,
    asset,
    asset_check,
    define_asset_job,
    load_asset_checks_from_current_module,
    load_assets_from_current_module,
    load_definitions_from_current_module,
)


@asset
def here() -> int:
    return 1


@asset
def there(here: int) -> int:
    return here + 1


@asset_check(asset=here)
def here_positive(here: int) -> AssetCheckResult:
    return AssetCheckResult(passed=here > 0)


hourly = ScheduleDefinition(
    name="hourly", cron_schedule="0 * * * *", job=define_asset_job("all_here")
)

defs = load_definitions_from_current_module(resources={"greeting": "hello"})
prefixed_assets = load_assets_from_current_module(key_prefix="cur", group_name="current")
prefixed_checks = load_asset_checks_from_current_module(asset_key_prefix="cur")
