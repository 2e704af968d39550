"""First module listed in [tool.headwater] modules."""

from headwater import Definitions, asset


@asset
def ingested() -> int:
    return 1


defs = Definitions(assets=[ingested])
