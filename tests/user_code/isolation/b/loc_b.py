"""Imports ``helpers`` from its own folder."""

import helpers

from headwater import Definitions

defs = Definitions(assets=[helpers.only_in_b])
