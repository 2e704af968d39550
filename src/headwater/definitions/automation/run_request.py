"""What schedules and sensors return: requests for runs, reasons to skip, sensor results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, Union, runtime_checkable

from headwater.core.names import PARTITION_TAG, RUN_KEY_TAG
from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey, CoercibleToAssetKey
from headwater.definitions.ops.results import AssetMaterialization, AssetObservation
from headwater.errors import InvalidDefinitionError


@runtime_checkable
class RunConfigLike(Protocol):
    """Anything that can render itself as a run-config dict (e.g. ``RunConfig``)."""

    def to_config_dict(self) -> Mapping[str, Any]:
        """The run config as a plain dict."""
        ...


CoercibleToRunConfig = Union[Mapping[str, Any], RunConfigLike]

_UNSET: Any = object()



def normalize_run_config(value: CoercibleToRunConfig | None, where: str) -> dict[str, Any]:
    """Turn a run-config mapping or ``RunConfig``-like object into a plain dict.

    ``where`` names the caller in the error message, e.g. ``"RunRequest"``.
    """
    if value is None:
        return {}
    if isinstance(value, RunConfigLike):
        value = value.to_config_dict()
    if not isinstance(value, Mapping):
        raise InvalidDefinitionError(
            f"{where} got run_config={value!r} ({type(value).__name__}); pass a dict such as "
            "{'ops': {...}} or a RunConfig object."
        )
    return dict(value)


def normalize_tags(tags: Mapping[str, str] | None, where: str) -> dict[str, str]:
    """Check that tags are a mapping of strings to strings and copy them into a dict."""
    if tags is None:
        return {}
    if not isinstance(tags, Mapping):
        raise InvalidDefinitionError(
            f"{where} got tags={tags!r}; pass a dict of string keys to string values."
        )
    for key, value in tags.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise InvalidDefinitionError(
                f"{where} got the tag {key!r}: {value!r}; tag keys and values must be strings. "
                "Convert the value with str() or json.dumps()."
            )
    return dict(tags)


def _optional_str(value: object, field: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise InvalidDefinitionError(
        f"RunRequest got {field}={value!r} ({type(value).__name__}); {field} must be a string."
    )


class RunRequest:
    """Ask for one run, returned or yielded by a schedule or sensor.

    Args:
        run_key: identifies the request; the daemon launches at most one run per run key for
            a given sensor or schedule, so returning the same key again is a no-op.
        run_config: config for the run, a dict or a ``RunConfig``.
        tags: string tags added to the run.
        job_name: the job to run; may be left out when the schedule or sensor targets one job.
        asset_selection: run only these assets of the job.
        partition_key: the partition to run.
        asset_check_keys: run only these asset checks.
    """

    __slots__ = (
        "run_key",
        "run_config",
        "tags",
        "job_name",
        "asset_selection",
        "partition_key",
        "asset_check_keys",
    )

    run_key: str | None
    run_config: dict[str, Any]
    tags: dict[str, str]
    job_name: str | None
    asset_selection: list[AssetKey] | None
    partition_key: str | None
    asset_check_keys: list[AssetCheckKey] | None

    def __init__(
        self,
        run_key: str | None = None,
        run_config: CoercibleToRunConfig | None = None,
        tags: Mapping[str, str] | None = None,
        job_name: str | None = None,
        asset_selection: Sequence[CoercibleToAssetKey] | None = None,
        partition_key: str | None = None,
        asset_check_keys: Sequence[AssetCheckKey] | None = None,
    ) -> None:
        if isinstance(asset_selection, (str, AssetKey)):
            raise InvalidDefinitionError(
                f"RunRequest got asset_selection={asset_selection!r}; pass a list of asset "
                "keys, e.g. asset_selection=[AssetKey('orders')]."
            )
        values: dict[str, Any] = {
            "run_key": _optional_str(run_key, "run_key"),
            "run_config": normalize_run_config(run_config, "RunRequest"),
            "tags": normalize_tags(tags, "RunRequest"),
            "job_name": _optional_str(job_name, "job_name"),
            "asset_selection": (
                None
                if asset_selection is None
                else [AssetKey.from_coercible(key) for key in asset_selection]
            ),
            "partition_key": _optional_str(partition_key, "partition_key"),
            "asset_check_keys": None if asset_check_keys is None else list(asset_check_keys),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"RunRequest is immutable; use with_replaced_attrs({name}=...)")

    def with_replaced_attrs(
        self,
        *,
        run_key: str | None = _UNSET,
        run_config: CoercibleToRunConfig | None = _UNSET,
        tags: Mapping[str, str] | None = _UNSET,
        job_name: str | None = _UNSET,
        asset_selection: Sequence[CoercibleToAssetKey] | None = _UNSET,
        partition_key: str | None = _UNSET,
    ) -> RunRequest:
        """A copy of this request with the given attributes replaced."""

        def pick(new: Any, old: Any) -> Any:
            return old if new is _UNSET else new

        return RunRequest(
            run_key=pick(run_key, self.run_key),
            run_config=pick(run_config, self.run_config),
            tags=pick(tags, self.tags),
            job_name=pick(job_name, self.job_name),
            asset_selection=pick(asset_selection, self.asset_selection),
            partition_key=pick(partition_key, self.partition_key),
            asset_check_keys=self.asset_check_keys,
        )

    def __reduce__(self) -> tuple[type[RunRequest], tuple[Any, ...]]:
        # Rebuild through __init__ so copy, deepcopy and pickle work despite __setattr__.
        return (RunRequest, self._fields())

    def _fields(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RunRequest) and self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={getattr(self, name)!r}"
            for name in self.__slots__
            if getattr(self, name) not in (None, {}, [])
        )
        return f"RunRequest({shown})"


def with_instigator_tags(
    request: RunRequest, tag: str, owner: str, job_name: str | None
) -> RunRequest:
    """``request`` with ``job_name`` set and the tags naming its schedule or sensor added.

    ``tag`` is :data:`SCHEDULE_NAME_TAG` or :data:`SENSOR_NAME_TAG`; the run key and
    partition tags are added when the request has them.
    """
    tags = {**request.tags, tag: owner}
    if request.run_key is not None:
        tags[RUN_KEY_TAG] = request.run_key
    if request.partition_key is not None:
        tags[PARTITION_TAG] = request.partition_key
    return request.with_replaced_attrs(job_name=job_name, tags=tags)


@dataclass(frozen=True)
class SkipReason:
    """Returned by a schedule or sensor to say why it requests no run on this tick."""

    skip_message: str | None = None

    def __post_init__(self) -> None:
        if self.skip_message is not None and not isinstance(self.skip_message, str):
            raise InvalidDefinitionError(
                f"SkipReason got {self.skip_message!r}; the skip message must be a string."
            )


AssetEvent = Union[AssetMaterialization, AssetObservation]


class SensorResult:
    """Everything a sensor tick produced, returned as one object.

    Args:
        run_requests: the runs to request.
        skip_reason: why no run is requested (a ``SkipReason`` or its message); not allowed
            together with run requests.
        cursor: the new cursor, stored and handed to the next tick as ``context.cursor``.
        dynamic_partitions_requests: partitions to add to or delete from dynamic partitions
            definitions.
        asset_events: materializations or observations to record for external assets.
    """

    __slots__ = (
        "run_requests",
        "skip_reason",
        "cursor",
        "dynamic_partitions_requests",
        "asset_events",
    )

    def __init__(
        self,
        run_requests: Sequence[RunRequest] | None = None,
        skip_reason: SkipReason | str | None = None,
        cursor: str | None = None,
        dynamic_partitions_requests: Sequence[Any] | None = None,
        asset_events: Sequence[AssetEvent] | None = None,
    ) -> None:
        if isinstance(skip_reason, str):
            skip_reason = SkipReason(skip_reason)
        if skip_reason is not None and not isinstance(skip_reason, SkipReason):
            raise InvalidDefinitionError(
                f"SensorResult got skip_reason={skip_reason!r}; pass a SkipReason or a string."
            )
        if run_requests and skip_reason is not None:
            raise InvalidDefinitionError(
                "SensorResult got both run_requests and skip_reason; pass run requests when "
                "the sensor wants runs, or a skip reason when it does not, not both."
            )
        if cursor is not None and not isinstance(cursor, str):
            raise InvalidDefinitionError(
                f"SensorResult got cursor={cursor!r} ({type(cursor).__name__}); cursors are "
                "strings. Serialise the value, e.g. with str() or json.dumps()."
            )
        self.run_requests = None if run_requests is None else list(run_requests)
        self.skip_reason = skip_reason
        self.cursor = cursor
        self.dynamic_partitions_requests = _check_partition_requests(dynamic_partitions_requests)
        self.asset_events = _check_asset_events(asset_events)
        for request in self.run_requests or []:
            if not isinstance(request, RunRequest):
                raise InvalidDefinitionError(
                    f"SensorResult.run_requests holds {request!r}; it must hold only RunRequest "
                    "objects."
                )

    def __repr__(self) -> str:
        return (
            f"SensorResult(run_requests={self.run_requests!r}, skip_reason={self.skip_reason!r}, "
            f"cursor={self.cursor!r})"
        )


def _check_partition_requests(requests: Iterable[Any] | None) -> list[Any]:
    from headwater.definitions.partitions import (
        AddDynamicPartitionsRequest,
        DeleteDynamicPartitionsRequest,
    )

    checked = list(requests or [])
    for request in checked:
        if not isinstance(request, (AddDynamicPartitionsRequest, DeleteDynamicPartitionsRequest)):
            raise InvalidDefinitionError(
                f"SensorResult.dynamic_partitions_requests holds {request!r}; it must hold "
                "AddDynamicPartitionsRequest or DeleteDynamicPartitionsRequest objects."
            )
    return checked


def _check_asset_events(events: Iterable[AssetEvent] | None) -> list[AssetEvent]:
    checked = list(events or [])
    for event in checked:
        if not isinstance(event, (AssetMaterialization, AssetObservation)):
            raise InvalidDefinitionError(
                f"SensorResult.asset_events holds {event!r}; it must hold AssetMaterialization "
                "or AssetObservation objects."
            )
    return checked
