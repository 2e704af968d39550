"""The older style: two @repository objects in one location, each its own namespace."""

from headwater import asset, define_asset_job, repository


@asset
def orders() -> int:
    return 1


@asset(name="orders")
def other_orders() -> int:
    return 2


@repository
def shop() -> list[object]:
    return [orders, define_asset_job("shop_job")]


@repository
def marketplace() -> list[object]:
    return [other_orders]
