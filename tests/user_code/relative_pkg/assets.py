"""Assets of the package, imported relatively by ``definitions.py``."""

from headwater import asset


@asset
def packaged_orders() -> int:
    return 1
