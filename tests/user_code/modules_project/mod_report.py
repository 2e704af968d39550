"""Second module listed in [tool.headwater] modules."""

from headwater import Definitions, asset


@asset
def report() -> int:
    return 1


defs = Definitions(assets=[report])
