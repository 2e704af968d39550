"""A src-layout project's definitions, named by [tool.headwater] in its pyproject.toml."""

from headwater import Definitions, asset


@asset
def src_layout_orders() -> int:
    return 1


defs = Definitions(assets=[src_layout_orders])
