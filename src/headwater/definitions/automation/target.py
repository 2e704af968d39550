"""What a schedule or sensor launches: a job given by object or name, or an asset selection.

An asset selection (or a list of assets) becomes an implicit asset job named
``__anonymous_asset_job_<schedule or sensor name>``, built with ``define_asset_job``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

from headwater.core.names import ANONYMOUS_ASSET_JOB_PREFIX
from headwater.errors import InvalidDefinitionError, InvalidOutputError

E = TypeVar("E", bound=Enum)

_NAME_RE = re.compile(r"^[A-Za-z0-9_]+$")


def check_valid_name(kind: str, name: object) -> str:
    """Return ``name`` if it is a valid definition name, else raise naming ``kind``."""
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise InvalidDefinitionError(
            f"{kind} name {name!r} is not valid: use only letters, digits and underscores, "
            "e.g. 'daily_orders'."
        )
    return name


def coerce_default_status(kind: str, name: str, value: object, enum: type[E]) -> E:
    """``value`` as a member of the status ``enum``, accepting its string value too."""
    try:
        return enum(value)
    except ValueError:
        allowed = " or ".join(f"{enum.__name__}.{member.name}" for member in enum)
        raise InvalidDefinitionError(
            f"{kind} '{name}' got default_status={value!r}; use {allowed}."
        ) from None


def is_job_like(value: object) -> bool:
    """Whether ``value`` looks like a job: a string ``name`` and a ``partitions_def`` attribute.

    Asset definitions (which have ``key``/``keys``) are not jobs even if they have both.
    """
    return (
        isinstance(getattr(value, "name", None), str)
        and hasattr(value, "partitions_def")
        and not hasattr(value, "keys")
        and not hasattr(value, "key")
    )


def make_anonymous_asset_job_name(owner_name: str) -> str:
    """The name of the implicit job built for a schedule's or sensor's asset selection."""
    return f"{ANONYMOUS_ASSET_JOB_PREFIX}_{owner_name}"


@dataclass(frozen=True)
class AutomationTarget:
    """One job a schedule or sensor may launch.

    Attributes:
        job_name: the job's name.
        job: the job object, when one was given (or built from an asset selection).
        is_anonymous: whether the job was built implicitly from an asset selection.
    """

    job_name: str
    job: Any = None
    is_anonymous: bool = False

    @property
    def partitions_def(self) -> Any:
        """The job's partitions definition, when the job object is known and has one."""
        return getattr(self.job, "partitions_def", None)


def target_from_job(kind: str, owner: str | None, job: object) -> AutomationTarget:
    """Check that ``job`` is a job object and wrap it."""
    if isinstance(job, str):
        raise InvalidDefinitionError(
            f"{kind} '{owner}' got job={job!r}, a string; pass job_name={job!r} to refer to a "
            "job by name, or pass the job object."
        )
    if not is_job_like(job):
        raise InvalidDefinitionError(
            f"{kind} '{owner}' got job={job!r}, which is not a job; pass a job built with "
            "@job or define_asset_job, or use target= for assets and asset selections."
        )
    return AutomationTarget(job_name=job.name, job=job)  # type: ignore[attr-defined]


def target_from_coercible(kind: str, owner: str | None, target: object) -> AutomationTarget:
    """A job object is used as is; anything else is coerced to an asset selection.

    The selection becomes an implicit asset job, which needs the owner's name.
    """
    if is_job_like(target):
        return AutomationTarget(job_name=target.name, job=target)  # type: ignore[attr-defined]
    if owner is None:
        raise InvalidDefinitionError(
            f"A {kind.lower()} with target={target!r} needs a name: pass name='...' so the "
            "implicit asset job it launches can be named after it."
        )
    from headwater.definitions.assets.asset_job import define_asset_job
    from headwater.definitions.selection.asset_selection import AssetSelection, coerce_selection

    if isinstance(target, AssetSelection):
        pass  # has a static ``keys`` method too, but is already a selection
    elif hasattr(target, "keys") and not isinstance(target, (str, Sequence)):
        target = [target]  # one assets definition
    elif hasattr(target, "to_user_string"):
        target = [target]  # one asset key
    try:
        selection = coerce_selection(target)  # type: ignore[arg-type]
    except InvalidDefinitionError as exc:
        raise InvalidDefinitionError(
            f"{kind} '{owner}' got target={target!r}, which is neither a job nor an asset "
            f"selection: {exc}"
        ) from exc
    job = define_asset_job(name=make_anonymous_asset_job_name(owner), selection=selection)
    return AutomationTarget(job_name=job.name, job=job, is_anonymous=True)


def resolve_targets(
    kind: str,
    owner: str | None,
    *,
    job: object = None,
    job_name: str | None = None,
    jobs: Sequence[object] | None = None,
    target: object = None,
) -> list[AutomationTarget]:
    """Resolve the mutually exclusive ``job`` / ``job_name`` / ``jobs`` / ``target`` arguments.

    Returns an empty list when none is given.
    """
    given = [
        arg
        for arg, value in (("job", job), ("job_name", job_name), ("jobs", jobs), ("target", target))
        if value is not None
    ]
    if len(given) > 1:
        raise InvalidDefinitionError(
            f"{kind} '{owner}' got {' and '.join(given)}; pass only one of job, job_name, "
            "jobs and target."
        )
    if job is not None:
        return [target_from_job(kind, owner, job)]
    if job_name is not None:
        if not isinstance(job_name, str) or not job_name:
            raise InvalidDefinitionError(
                f"{kind} '{owner}' got job_name={job_name!r}; pass the job's name as a string."
            )
        return [AutomationTarget(job_name=job_name)]
    if jobs is not None:
        if isinstance(jobs, str) or not isinstance(jobs, Sequence) or not jobs:
            raise InvalidDefinitionError(
                f"{kind} '{owner}' got jobs={jobs!r}; pass a non-empty list of job objects."
            )
        resolved = [target_from_job(kind, owner, item) for item in jobs]
        names = [item.job_name for item in resolved]
        if len(set(names)) != len(names):
            raise InvalidDefinitionError(
                f"{kind} '{owner}' got jobs with repeated names {names}; list each job once."
            )
        return resolved
    if target is not None:
        return [target_from_coercible(kind, owner, target)]
    return []


def default_name_for(suffix: str, job: object, job_name: str | None, target: object) -> str | None:
    """``<job name>_<suffix>`` when the job is known by object or name, else ``None``."""
    if job_name is not None:
        return f"{job_name}_{suffix}"
    for candidate in (job, target):
        if is_job_like(candidate):
            return f"{candidate.name}_{suffix}"  # type: ignore[attr-defined]
    return None


def check_partition_key(
    what: str, target: AutomationTarget, partition_key: str | None, current_time: datetime | None
) -> None:
    """Fail when ``partition_key`` is not a partition of the target job.

    Only checked when the job object and its partitions definition are known; dynamic
    partitions are not checked here (they live in the instance and the daemon checks them).
    ``what`` names the caller, e.g. ``"Schedule 'daily'"``.
    """
    partitions_def = target.partitions_def
    if partition_key is None or partitions_def is None:
        return
    from headwater.definitions.partitions import DynamicPartitionsDefinition

    if isinstance(partitions_def, DynamicPartitionsDefinition):
        return
    if not partitions_def.has_partition_key(partition_key, current_time=current_time):
        raise InvalidOutputError(
            f"{what} requested partition {partition_key!r} of job '{target.job_name}', which "
            "has no such partition. Request one of the job's partition keys "
            "(partitions_def.get_partition_keys())."
        )
