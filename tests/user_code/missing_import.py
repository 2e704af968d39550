"""A location importing a module that is not installed."""

import headwater_fixture_not_installed  # noqa: F401

from headwater import Definitions

defs = Definitions()
