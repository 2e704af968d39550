"""Team A's location: an asset named ``orders``."""

from headwater import Definitions, asset


@asset
def orders() -> str:
    return "team a"


defs = Definitions(assets=[orders])
