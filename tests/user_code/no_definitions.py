"""An asset, but no Definitions, @repository or @definitions function."""

from headwater import asset


@asset
def orders() -> int:
    return 1
