"""headwater.definitions: the user-facing API (pure Python; imports nothing of ours below it).

The package object is also the ``@definitions`` decorator. Importing this subpackage makes
``headwater.definitions`` refer to it, so it must still work as ``@hw.definitions``.
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _DefinitionsPackage(types.ModuleType):
    """This package, callable as the ``@definitions`` decorator."""

    def __call__(self, fn: Any) -> Any:
        from headwater.definitions.definitions_class import definitions

        return definitions(fn)


sys.modules[__name__].__class__ = _DefinitionsPackage
