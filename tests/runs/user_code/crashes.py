"""Steps that kill their own process, for the multiprocess executor's crash handling."""

import ctypes
import os

from headwater import Definitions, asset, multiprocess_executor


@asset
def fine() -> int:
    return 1


@asset
def exits(fine: int) -> int:
    os._exit(3)


@asset
def segfaults(fine: int) -> int:
    ctypes.string_at(0)
    return 0


@asset
def after_exit(exits: int) -> int:
    return exits


@asset
def independent(fine: int) -> int:
    return fine + 1


defs = Definitions(
    assets=[fine, exits, segfaults, after_exit, independent],
    executor=multiprocess_executor.configured({"max_concurrent": 2}),
)
