"""A location whose module raises while it is imported."""

import headwater as hw

raise RuntimeError("the warehouse is unreachable at import")

defs = hw.Definitions()
