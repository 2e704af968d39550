"""Two different assets with the key ``orders`` in one location."""

from headwater import Definitions, asset


@asset(name="orders")
def orders_from_shop() -> int:
    return 1


@asset(name="orders")
def orders_from_marketplace() -> int:
    return 2


defs = Definitions(assets=[orders_from_shop, orders_from_marketplace])
