"""Two module-scope Definitions: the loader cannot choose."""

from headwater import Definitions, asset


@asset
def orders() -> int:
    return 1


defs_reporting = Definitions(assets=[orders])
defs_ingest = Definitions()
