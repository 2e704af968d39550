"""Two repositories built with create_repository_using_definitions_args, as a location."""

from headwater import asset, create_repository_using_definitions_args, define_asset_job


@asset
def shared_name() -> int:
    return 1


@asset(name="shared_name")
def other_shared_name() -> int:
    return 2


sales = create_repository_using_definitions_args(
    name="sales", assets=[shared_name], jobs=[define_asset_job("sales_job")]
)
finance = create_repository_using_definitions_args(
    name="finance", assets=[other_shared_name], resources={"rate": 3}
)
