"""A workspace python_file entry in the short form."""

from headwater import Definitions, asset


@asset
def from_file() -> int:
    return 1


defs = Definitions(assets=[from_file])
