"""``instance_for_test``: a temporary instance for a test, removed afterwards."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from headwater.storage.instance import Instance

__all__ = ["instance_for_test"]

_HOME_VARIABLES = ("HEADWATER_HOME", "DAGSTER_HOME")


@contextmanager
def instance_for_test(
    overrides: Mapping[str, Any] | None = None,
    set_dagster_home: bool = True,
    temp_dir: str | None = None,
) -> Iterator[Instance]:
    """A new SQLite instance in a temporary folder, for the length of the ``with`` block.

    Runs launched with it (``materialize(..., instance=instance)``, ``execute_job``) and their
    events are stored there and readable through it. The folder is removed on exit.

    Args:
        overrides: ``headwater.yaml`` settings for the instance (e.g. another ``storage``).
        set_dagster_home: point ``$HEADWATER_HOME`` (and ``$DAGSTER_HOME``) at the instance's
            folder during the block, so code calling ``DagsterInstance.get()`` finds it.
        temp_dir: use this folder instead of a new one (it is not removed).
    """
    root = Path(temp_dir) if temp_dir is not None else Path(tempfile.mkdtemp(prefix="hw-test-"))
    saved = {name: os.environ.get(name) for name in _HOME_VARIABLES}
    instance = Instance.from_config(root, overrides or {})
    try:
        if set_dagster_home:
            for name in _HOME_VARIABLES:
                os.environ[name] = str(root)
        yield instance
    finally:
        instance.dispose()
        if set_dagster_home:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        if temp_dir is None:
            shutil.rmtree(root, ignore_errors=True)
