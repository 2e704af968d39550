"""A location whose import fails."""

from headwater import Definitions

raise RuntimeError("this location cannot be imported")

defs = Definitions()
