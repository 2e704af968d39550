"""Which Python runs a location, and the environment its processes start with.

Imported by a code server before anything else (to start its location process at once), so
it imports nothing but :mod:`os` and :mod:`sys` at run time.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from headwater.core.origins import LocationOrigin


def python_for(origin: LocationOrigin) -> str:
    """The interpreter for ``origin``: its ``executable_path``, or the one running now."""
    return getattr(origin, "executable_path", None) or sys.executable


def environment_for(executable: str) -> dict[str, str]:
    """This process's environment with the executable's ``bin/`` first on PATH (its venv)."""
    env = dict(os.environ)
    bin_dir = os.path.dirname(executable) or "."
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env
