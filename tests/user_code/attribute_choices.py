"""A Definitions under a non-default name, plus variables that are not Definitions."""

from headwater import Definitions, asset


@asset
def orders() -> int:
    return 1


reporting = Definitions(assets=[orders])
settings = {"retries": 3}
