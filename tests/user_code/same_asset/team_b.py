"""Team B's location: also an asset named ``orders`` (locations are separate namespaces)."""

from headwater import Definitions, asset


@asset(group_name="team_b")
def orders() -> str:
    return "team b"


@asset
def refunds(orders: str) -> str:
    return orders


defs = Definitions(assets=[orders, refunds])
