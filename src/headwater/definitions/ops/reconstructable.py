"""``reconstructable(job)``: a pointer another process follows to load the same job.

A run worker is a fresh Python process: it cannot receive the job object, so it imports the
file that defines it and takes the job from the module variable that holds it.
"""

from __future__ import annotations

import inspect
import os
import sys
from dataclasses import dataclass
from types import FrameType, ModuleType
from typing import Any

from headwater.definitions.ops.jobs import JobDefinition
from headwater.errors import InvalidDefinitionError

__all__ = ["ReconstructableJob", "reconstructable"]


@dataclass(frozen=True)
class ReconstructableJob:
    """Where a job is defined: the Python file and the module variable holding it.

    Attributes:
        job: the job itself (for this process).
        python_file: absolute path of the file that defines it.
        attribute: the module-level variable holding the job.
        working_directory: the directory the file is loaded from (first on ``sys.path``).
    """

    job: JobDefinition
    python_file: str
    attribute: str
    working_directory: str

    @property
    def job_name(self) -> str:
        """The job's name."""
        return self.job.name


def reconstructable(target: JobDefinition) -> ReconstructableJob:
    """Point at ``target`` so that a run worker process can load it again.

    ``target`` must be held by a module-level variable of a Python file (the module where it
    is defined or one that imports it, e.g. a test module).

    Raises:
        InvalidDefinitionError: ``target`` is not a job, or no module file holds it.
    """
    if not isinstance(target, JobDefinition):
        raise InvalidDefinitionError(
            f"reconstructable() takes a job (from @job or define_asset_job(...).resolve), got "
            f"{type(target).__name__}."
        )
    caller: FrameType | None = inspect.currentframe()
    caller = caller.f_back if caller is not None else None
    modules: list[Any] = []
    if caller is not None:
        modules.append(sys.modules.get(str(caller.f_globals.get("__name__"))))
    modules += list(sys.modules.values())
    for module in modules:
        found = _holder(module, target)
        if found is not None:
            path = os.path.abspath(str(module.__file__))
            return ReconstructableJob(target, path, found, os.getcwd())
    raise InvalidDefinitionError(
        f"reconstructable() cannot find job '{target.name}' in any module file: another "
        "process must import it. Define the job at module level in a .py file (not inside a "
        "function or an interactive session) and pass that variable."
    )


def _holder(module: ModuleType | None, target: JobDefinition) -> str | None:
    if module is None or not str(getattr(module, "__file__", "") or "").endswith(".py"):
        return None
    for name, value in list(vars(module).items()):
        if value is target:
            return name
    return None
