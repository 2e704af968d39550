"""A workspace python_package entry."""

from headwater import Definitions, asset


@asset
def from_package() -> int:
    return 1


defs = Definitions(assets=[from_package])
