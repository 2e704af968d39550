"""``file_relative_path``: a path relative to the Python file that asks for it."""

from __future__ import annotations

import os
from pathlib import Path


def file_relative_path(dunderfile: str, relative_path: str) -> str:
    """The absolute path of ``relative_path`` taken from the folder of ``dunderfile``.

    Pass ``__file__``, so that the result does not depend on the working directory:
    ``file_relative_path(__file__, "data/seed.csv")``. An absolute ``relative_path`` is
    returned as it is (resolved); ``..`` parts and symlinks are resolved.
    """
    for name, value in (("dunderfile", dunderfile), ("relative_path", relative_path)):
        if not isinstance(value, (str, os.PathLike)):
            raise TypeError(
                f"file_relative_path: {name} must be a path string; got "
                f"{type(value).__name__} {value!r}. Call file_relative_path(__file__, 'sub/x')."
            )
    # Through "<file>/..": a symlinked file is resolved first, so paths follow its target.
    return os.fspath(Path(dunderfile, "..", relative_path).resolve())
