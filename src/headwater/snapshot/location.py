"""The snapshot of a loaded code location: plain data the webserver, daemon and UI read.

A code server loads the user's ``Definitions`` and describes them with these structs (built by
:func:`headwater.snapshot.build.build_location_snapshot`); the processes that must never import
user code work from the snapshot alone. Everything here is a frozen msgspec struct, written
with ``omit_defaults`` so that empty fields cost nothing on the wire, and read back with
:mod:`headwater.snapshot.versioning`, which checks the format version first.

Asset keys are lists of their parts (``["raw", "orders"]``); config schemas are JSON Schema
documents, as a config editor consumes them.

Compatibility rule: adding a field with a default keeps the format version (older readers
ignore unknown fields, newer readers fill in the default). Removing or renaming a field,
changing its type, or adding a value to an enum needs a new ``SNAPSHOT_FORMAT_VERSION`` and an
upgrade function in ``versioning.py``.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

import msgspec

from headwater.snapshot.metadata_types import MetadataEntrySnap

if TYPE_CHECKING:
    from headwater.definitions.partitions import PartitionsDefinition

__all__ = [
    "AssetCheckRef",
    "AssetCheckSnap",
    "AssetSnap",
    "DefaultStatus",
    "InputSnap",
    "JobSnap",
    "LocationSnapshot",
    "OpSnap",
    "OutputRef",
    "OutputSnap",
    "PartitionsSnap",
    "RepositorySnapshot",
    "ResourceSnap",
    "ScheduleSnap",
    "SensorSnap",
    "SensorType",
]


class DefaultStatus(str, Enum):
    """Whether a schedule or sensor runs as soon as its location is loaded."""

    RUNNING = "RUNNING"
    STOPPED = "STOPPED"


class SensorType(str, Enum):
    """What a sensor reacts to."""

    STANDARD = "standard"
    ASSET = "asset"
    RUN_STATUS = "run_status"
    MULTI_ASSET = "multi_asset"
    #: Evaluates assets' automation conditions in the daemon (no user code).
    AUTOMATION = "automation"


class _Snap(msgspec.Struct, frozen=True, omit_defaults=True, kw_only=True, gc=False):
    """Base of the snapshot structs.

    ``gc=False``: snapshots are trees of plain data that never form reference cycles, so the
    garbage collector need not track (and repeatedly scan) their many thousands of structs.
    """


class PartitionsSnap(_Snap, frozen=True):
    """A partitions definition: its ``kind`` and its plain-JSON ``to_dict()`` form."""

    kind: str
    data: dict[str, Any]

    def to_partitions_def(self) -> PartitionsDefinition:
        """The partitions definition again (to list partition keys without user code)."""
        from headwater.definitions.partitions import partitions_def_from_dict

        return partitions_def_from_dict(self.data)

    def keys_in_range(self, start: str, end: str,
                      dynamic_partitions_store: Any = None) -> list[str]:
        """The partition keys from ``start`` to ``end``, both included, in definition order."""
        from headwater.definitions.partitions import PartitionKeyRange

        return self.to_partitions_def().get_partition_keys_in_range(
            PartitionKeyRange(start, end), dynamic_partitions_store=dynamic_partitions_store)


# Jobs --------------------------------------------------------------------------------------


class OutputRef(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """An output of an earlier step, written ``[step, output]``."""

    step: str
    output: str


class AssetCheckRef(msgspec.Struct, frozen=True, array_like=True, gc=False):
    """An asset check, written ``[asset_key, check_name]``."""

    asset_key: list[str]
    name: str


class InputSnap(_Snap, frozen=True):
    """An input of a step and where its value comes from.

    ``upstream`` lists the outputs feeding it (several for fan-in); an input with none is
    loaded from ``asset_key`` (an asset outside the job) or takes its default.
    """

    name: str
    upstream: list[OutputRef] = []
    asset_key: list[str] | None = None
    is_nothing: bool = False
    has_default: bool = False
    is_fan_in: bool = False


class OutputSnap(_Snap, frozen=True):
    """An output of a step: the IO manager storing it and the asset or check it carries."""

    name: str
    io_manager_key: str = "io_manager"
    is_required: bool = True
    is_dynamic: bool = False
    stores_value: bool = True
    asset_key: list[str] | None = None
    check_name: str | None = None


class OpSnap(_Snap, frozen=True):
    """One step of a job: an op invocation, named by its handle (``graph.op`` when nested)."""

    name: str
    op_name: str
    kind: str = "op"
    description: str | None = None
    inputs: list[InputSnap] = []
    outputs: list[OutputSnap] = []
    #: Steps this one waits for, including ordering-only dependencies.
    depends_on: list[str] = []
    required_resource_keys: list[str] = []
    tags: dict[str, str] = {}
    #: JSON Schema of the op's ``config``; None when the op takes no config.
    config_schema: dict[str, Any] | None = None
    pool: str | None = None


class JobSnap(_Snap, frozen=True):
    """A job: its steps, what it materializes, and the JSON Schema of its run config."""

    name: str
    description: str | None = None
    tags: dict[str, str] = {}
    metadata: dict[str, MetadataEntrySnap] = {}
    is_asset_job: bool = False
    #: Built by headwater (the implicit asset job, a schedule's or sensor's asset target).
    is_implicit: bool = False
    asset_selection: list[list[str]] = []
    asset_check_selection: list[AssetCheckRef] = []
    ops: list[OpSnap] = []
    #: JSON Schema of ``{"ops": {...}, "resources": {...}}`` for the config editor.
    run_config_schema: dict[str, Any] = {}
    default_run_config: dict[str, Any] = {}
    partitions: PartitionsSnap | None = None
    #: Name of the executor; None means the default (in-process) executor.
    executor: str | None = None


# Assets ------------------------------------------------------------------------------------


class AssetSnap(_Snap, frozen=True):
    """An asset: its place in the graph, its attributes and what it needs to run."""

    key: list[str]
    deps: list[list[str]] = []
    group_name: str = "default"
    description: str | None = None
    metadata: dict[str, MetadataEntrySnap] = {}
    tags: dict[str, str] = {}
    owners: list[str] = []
    kinds: list[str] = []
    code_version: str | None = None
    #: False for external assets (declared with ``AssetSpec``), which runs cannot materialize.
    is_executable: bool = True
    is_observable: bool = False
    partitions: PartitionsSnap | None = None
    #: The op computing the asset (its step key in asset jobs); None for external assets.
    node_name: str | None = None
    #: Whether the op can compute this asset without its siblings.
    can_subset: bool = True
    check_names: list[str] = []
    #: Jobs defined by the user (not the implicit ones) that materialize the asset.
    job_names: list[str] = []
    required_resource_keys: list[str] = []
    io_manager_key: str = "io_manager"
    #: A label for the automation condition, when the asset has one.
    automation_condition: str | None = None
    #: The automation condition as data (``AutomationCondition.to_dict``), evaluated by the
    #: daemon; selections in ``allow``/``ignore`` are resolved to asset keys.
    automation_condition_tree: dict[str, Any] | None = None
    #: ``FreshnessPolicy.to_dict()``, when the asset has one.
    freshness_policy: dict[str, Any] | None = None
    op_tags: dict[str, str] = {}
    #: Upstream key ``a/b`` -> the effective partition mapping's ``to_dict`` (partitioned deps).
    partition_mappings: dict[str, dict[str, Any]] = {}
    #: ``{"max_partitions_per_run": n}`` (None inside: one run), or None without a policy.
    backfill_policy: dict[str, Any] | None = None


class AssetCheckSnap(_Snap, frozen=True):
    """A check of an asset, and the op that runs it."""

    asset_key: list[str]
    name: str
    description: str | None = None
    blocking: bool = False
    node_name: str | None = None
    additional_deps: list[list[str]] = []
    metadata: dict[str, MetadataEntrySnap] = {}
    job_names: list[str] = []
    #: The check's automation condition as data (see ``AssetSnap``), when it has one.
    automation_condition_tree: dict[str, Any] | None = None


# Schedules, sensors, resources -------------------------------------------------------------


class ScheduleSnap(_Snap, frozen=True):
    """A schedule: when it ticks (cron strings, read in ``execution_timezone``) and what runs."""

    name: str
    cron_schedule: list[str]
    job_name: str
    execution_timezone: str = "UTC"
    default_status: DefaultStatus = DefaultStatus.STOPPED
    description: str | None = None
    tags: dict[str, str] = {}
    metadata: dict[str, MetadataEntrySnap] = {}
    required_resource_keys: list[str] = []


class SensorSnap(_Snap, frozen=True):
    """A sensor: how often the daemon evaluates it, and what it watches and launches."""

    name: str
    sensor_type: SensorType = SensorType.STANDARD
    minimum_interval_seconds: int = 30
    default_status: DefaultStatus = DefaultStatus.STOPPED
    job_names: list[str] = []
    #: Assets its run requests materialize, when given instead of a job.
    asset_selection: list[list[str]] | None = None
    #: The watched asset (asset sensors).
    asset_key: list[str] | None = None
    #: Watched jobs (run-status sensors); empty means every job of the location.
    monitored_jobs: list[str] = []
    monitor_all_code_locations: bool = False
    #: The run status reacted to (run-status sensors).
    run_status: str | None = None
    description: str | None = None
    tags: dict[str, str] = {}
    metadata: dict[str, MetadataEntrySnap] = {}
    required_resource_keys: list[str] = []
    #: Tags of every run it requests (automation condition sensors).
    run_tags: dict[str, str] = {}


class ResourceSnap(_Snap, frozen=True):
    """A resource given to ``Definitions(resources=...)`` and who uses it."""

    name: str
    type_name: str
    description: str | None = None
    #: JSON Schema of the resource's config; None when it takes none.
    config_schema: dict[str, Any] | None = None
    is_io_manager: bool = False
    #: Keys of other resources this one depends on.
    dependencies: list[str] = []
    used_by_assets: list[list[str]] = []
    used_by_jobs: list[str] = []
    used_by_schedules: list[str] = []
    used_by_sensors: list[str] = []


# The location ------------------------------------------------------------------------------


class RepositorySnapshot(_Snap, frozen=True):
    """Everything one repository (one ``Definitions``) of a location defines."""

    name: str
    description: str | None = None
    metadata: dict[str, MetadataEntrySnap] = {}
    assets: list[AssetSnap] = []
    asset_checks: list[AssetCheckSnap] = []
    jobs: list[JobSnap] = []
    schedules: list[ScheduleSnap] = []
    sensors: list[SensorSnap] = []
    resources: list[ResourceSnap] = []


class LocationSnapshot(_Snap, frozen=True):
    """A loaded code location: the format version first, then its repositories."""

    format_version: int
    location_name: str
    headwater_version: str
    python_version: str
    repositories: list[RepositorySnapshot] = []

    def repository(self, name: str) -> RepositorySnapshot:
        """The repository named ``name``; ``NotFoundError`` naming the ones there are."""
        for repo in self.repositories:
            if repo.name == name:
                return repo
        from headwater.errors import NotFoundError

        names = ", ".join(repo.name for repo in self.repositories) or "none"
        raise NotFoundError(
            f"Location '{self.location_name}' has no repository '{name}' (it has: {names})."
        )
