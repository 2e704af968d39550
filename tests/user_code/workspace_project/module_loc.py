"""A workspace python_module entry."""

from headwater import Definitions, asset


@asset
def from_module() -> int:
    return 1


defs = Definitions(assets=[from_module])
