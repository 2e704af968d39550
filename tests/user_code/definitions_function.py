"""A location whose Definitions is built by a @definitions function."""

from headwater import Definitions, asset, definitions


@asset
def built_by_function() -> int:
    return 1


@definitions
def make_defs() -> Definitions:
    return Definitions(assets=[built_by_function])
