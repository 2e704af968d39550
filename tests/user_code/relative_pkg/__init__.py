"""A package location: its Definitions live in ``definitions.py`` and are re-exported here."""

from .definitions import defs

__all__ = ["defs"]
