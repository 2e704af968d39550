"""Shared set-up for benchmarks: measure with compiled bytecode, as an installed package runs.

Some shells set PYTHONDONTWRITEBYTECODE, which makes every import recompile its source and
inflates import times several-fold; installed packages always have their ``.pyc`` files.
"""

from __future__ import annotations

import compileall
import os
from pathlib import Path

import headwater

PACKAGE_DIR = Path(headwater.__file__).resolve().parent


def prepare() -> dict[str, str]:
    """Compile headwater's bytecode and return an environment for benchmark subprocesses."""
    compileall.compile_dir(str(PACKAGE_DIR), quiet=1)
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env
