"""Two Definitions; the workspace entry picks ``second`` with ``attribute``."""

from headwater import Definitions, asset


@asset
def from_attribute() -> int:
    return 2


first = Definitions()
second = Definitions(assets=[from_attribute])
