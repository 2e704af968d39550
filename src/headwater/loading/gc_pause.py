"""Pausing Python's cyclic garbage collector while a location's definitions are built.

Importing a large location allocates many long-lived objects; each allocation burst makes
the collector rescan the growing heap, which roughly doubles load time for thousands of
assets. Little built during a load is garbage worth collecting, so the collector is paused;
a long-running process (a code server) may also ask for the survivors to be moved out of its
view (``gc.freeze``) so that later collections do not rescan them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused(freeze_survivors: bool = False) -> Iterator[None]:
    """Disable the cyclic collector inside the block (restoring its previous state)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze_survivors:
            gc.freeze()
        if was_enabled:
            gc.enable()
