"""Uses a relative import, so it must be imported as ``relative_pkg.definitions``."""

from headwater import Definitions

from .assets import packaged_orders

defs = Definitions(assets=[packaged_orders])
