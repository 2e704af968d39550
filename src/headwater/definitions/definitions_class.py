"""``Definitions``: everything one code location defines, and the ``@definitions`` marker."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from headwater.definitions.asset_graph import AssetGraph
from headwater.definitions.asset_graph.keys import AssetCheckKey, AssetKey
from headwater.definitions.assets.assets_definition import (
    AssetsDefinition,
    external_assets_from_specs,
)
from headwater.definitions.assets.checks import AssetChecksDefinition
from headwater.definitions.assets.specs import AssetSpec
from headwater.definitions.ops.executors import ExecutorDefinition
from headwater.definitions.ops.jobs import JobDefinition
from headwater.definitions.repository_def import RepositoryDefinition, not_found_message
from headwater.errors import DuplicateDefinitionError, InvalidDefinitionError, NotFoundError

if TYPE_CHECKING:
    from headwater.execution.asset_value import AssetValueLoader

DEFAULT_REPOSITORY_NAME = "__repository__"


class Definitions:
    """The assets, jobs, schedules, sensors and resources of one code location.

    Building one is cheap; the definitions are checked together (duplicate names, unknown
    dependencies, cycles, missing resources) on first lookup or by ``validate_loadable``.
    Resources given here are available to every asset and job of the location.
    """

    def __init__(
        self,
        assets: Iterable[AssetsDefinition | AssetSpec | Any] | None = None,
        schedules: Iterable[Any] | None = None,
        sensors: Iterable[Any] | None = None,
        jobs: Iterable[Any] | None = None,
        resources: Mapping[str, object] | None = None,
        executor: ExecutorDefinition | None = None,
        loggers: Mapping[str, Any] | None = None,
        asset_checks: Iterable[AssetsDefinition] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> None:
        self.assets = list(assets or [])
        self.schedules = list(schedules or [])
        self.sensors = list(sensors or [])
        self.jobs = list(jobs or [])
        self.resources = dict(resources or {})
        self.executor = executor
        self.loggers = dict(loggers or {})
        self.asset_checks = list(asset_checks or [])
        self.metadata = dict(metadata or {})
        self._repository: RepositoryDefinition | None = None

    # Combination and validation -----------------------------------------------------------

    @staticmethod
    def merge(*defs: Definitions) -> Definitions:
        """One Definitions holding everything from ``defs``.

        The same resource key bound to two different objects, or two executors, is an error.
        """
        resources: dict[str, object] = {}
        executor: ExecutorDefinition | None = None
        for index, item in enumerate(defs):
            if not isinstance(item, Definitions):
                raise InvalidDefinitionError(
                    f"Definitions.merge got {type(item).__name__} at position {index}; "
                    "pass Definitions objects only."
                )
            for key, value in item.resources.items():
                if key in resources and resources[key] is not value:
                    raise DuplicateDefinitionError(
                        f"Definitions.merge: resource '{key}' is bound to two different objects. "
                        "Give one of them another key."
                    )
                resources[key] = value
            if item.executor is not None:
                if executor is not None and executor != item.executor:
                    raise DuplicateDefinitionError(
                        "Definitions.merge: two different executors were given; keep one."
                    )
                executor = item.executor
        return Definitions(
            assets=[a for d in defs for a in d.assets],
            schedules=[s for d in defs for s in d.schedules],
            sensors=[s for d in defs for s in d.sensors],
            jobs=[j for d in defs for j in d.jobs],
            resources=resources,
            executor=executor,
            loggers={k: v for d in defs for k, v in d.loggers.items()},
            asset_checks=[c for d in defs for c in d.asset_checks],
            metadata={k: v for d in defs for k, v in d.metadata.items()},
        )

    @staticmethod
    def validate_loadable(defs: Definitions) -> None:
        """Resolve everything, raising the first definition error found."""
        defs.get_repository_def()

    def get_repository_def(self) -> RepositoryDefinition:
        """The resolved, validated definitions (computed once)."""
        if self._repository is None:
            self._repository = self._build_repository(DEFAULT_REPOSITORY_NAME)
        return self._repository

    def _build_repository(self, name: str) -> RepositoryDefinition:
        return RepositoryDefinition(
            name,
            assets_defs=self._assets_defs(),
            jobs=self.jobs,
            schedules=self.schedules,
            sensors=self.sensors,
            resources=self.resources,
            executor=self.executor,
            metadata=self.metadata,
            loggers=self.loggers,
        )

    def _assets_defs(self) -> list[AssetsDefinition]:
        found: list[AssetsDefinition] = []
        for index, item in enumerate([*self.assets, *self.asset_checks]):
            if isinstance(item, AssetsDefinition):
                found.append(item)
            elif isinstance(item, AssetSpec):
                found.extend(external_assets_from_specs([item]))
            else:
                raise InvalidDefinitionError(
                    f"Definitions(assets=...) item {index} is {type(item).__name__} ({item!r}); "
                    "pass @asset / @multi_asset / @asset_check definitions or AssetSpec objects."
                )
        return found

    # Lookups: resolve_* give resolved definitions; the older get_* names do the same -------

    def resolve_job_def(self, name: str) -> JobDefinition:
        """The job named ``name``, resolved (asset jobs built, the location's resources bound).

        Raises:
            NotFoundError: no such job; the message lists the jobs that exist.
        """
        return self.get_repository_def().get_job(name)

    def resolve_schedule_def(self, name: str) -> Any:
        """The schedule named ``name``, with its target resolved."""
        return self.get_repository_def().get_schedule(name)

    def resolve_sensor_def(self, name: str) -> Any:
        """The sensor named ``name``."""
        return self.get_repository_def().get_sensor(name)

    def resolve_assets_def(self, key: Any) -> AssetsDefinition:
        """The definition of the asset ``key`` (an AssetKey, ``"a/b"`` or a list of parts)."""
        return self.get_repository_def().get_assets_def(AssetKey.from_coercible(key))

    def resolve_implicit_global_asset_job_def(self) -> JobDefinition:
        """A job over every asset of the location (built on first use)."""
        return self.get_repository_def().implicit_asset_job()

    def has_implicit_global_asset_job_def(self) -> bool:
        """Whether the location has assets for the implicit asset job to materialize."""
        return bool(self.get_repository_def().asset_graph.executable_asset_keys)

    def get_job_def(self, name: str) -> JobDefinition:
        """Same as :meth:`resolve_job_def`."""
        return self.resolve_job_def(name)

    def get_schedule_def(self, name: str) -> Any:
        """Same as :meth:`resolve_schedule_def`."""
        return self.resolve_schedule_def(name)

    def get_sensor_def(self, name: str) -> Any:
        """Same as :meth:`resolve_sensor_def`."""
        return self.resolve_sensor_def(name)

    def get_assets_def(self, key: Any) -> AssetsDefinition:
        """Same as :meth:`resolve_assets_def`."""
        return self.resolve_assets_def(key)

    def get_implicit_global_asset_job_def(self) -> JobDefinition:
        """Same as :meth:`resolve_implicit_global_asset_job_def`."""
        return self.resolve_implicit_global_asset_job_def()

    def get_unresolved_schedule_def(self, name: str) -> Any:
        """The schedule named ``name`` exactly as it was passed in ``schedules=``."""
        return _passed("schedule", self.schedules, name)

    def get_unresolved_sensor_def(self, name: str) -> Any:
        """The sensor named ``name`` exactly as it was passed in ``sensors=``."""
        return _passed("sensor", self.sensors, name)

    def get_asset_checks_def(self, key: AssetCheckKey) -> AssetChecksDefinition:
        """The ``@asset_check``/``@multi_asset_check`` definition running the check ``key``."""
        passed = [*self.assets, *self.asset_checks]
        checks = [c for c in passed if isinstance(c, AssetChecksDefinition)]
        for definition in checks:
            if key in definition.check_keys:
                return definition
        existing = sorted(k.to_user_string() for c in checks for k in c.check_keys)
        raise NotFoundError(
            f"No asset check definition runs check '{key.to_user_string()}'. Standalone checks "
            f"defined: {', '.join(existing) or 'none'}."
        )

    def resolve_all_asset_keys(self) -> list[AssetKey]:
        """Every asset key of the location, sorted."""
        return sorted(self.get_repository_def().asset_graph.all_asset_keys)

    def resolve_asset_graph(self) -> AssetGraph:
        """The location's asset graph (validated: unique keys, known dependencies, no cycle)."""
        return self.get_repository_def().asset_graph

    def resolve_all_job_defs(self) -> list[JobDefinition]:
        """Every job of the location, asset jobs resolved."""
        return list(self.get_repository_def().jobs.values())

    def resolve_all_asset_specs(self) -> list[AssetSpec]:
        """One spec per asset of the location."""
        return [spec for d in self.get_repository_def().assets_defs for spec in d.specs]

    def get_all_asset_specs(self) -> list[AssetSpec]:
        """Same as :meth:`resolve_all_asset_specs`."""
        return self.resolve_all_asset_specs()

    # Stored values ------------------------------------------------------------------------

    def load_asset_value(
        self,
        asset_key: Any,
        *,
        python_type: type | None = None,
        instance: Any = None,
        partition_key: str | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> object:
        """The stored value of an asset, read by the asset's IO manager (``load_input``).

        The IO manager and the resources it needs are initialised for this call and torn
        down after it; to load several values, use :meth:`get_asset_value_loader`.

        Args:
            asset_key: the asset (an AssetKey, ``"a/b"`` or a list of parts).
            python_type: the type to load the value as (``context.dagster_type``).
            instance: the instance whose storage folder the default IO manager reads;
                default ``$HEADWATER_HOME``, else ``./.headwater``.
            partition_key: the partition to load (required for a partitioned asset).
            metadata: input metadata given to the IO manager (``context.definition_metadata``).

        Raises:
            NotFoundError: unknown asset or partition, or no stored value.
        """
        return self.get_repository_def().load_asset_value(
            asset_key,
            python_type=python_type,
            instance=instance,
            partition_key=partition_key,
            metadata=metadata,
        )

    def get_asset_value_loader(self, instance: Any = None) -> AssetValueLoader:
        """A context manager that loads asset values, initialising each resource once.

        ``with defs.get_asset_value_loader() as loader: loader.load_asset_value("orders")``;
        the resources are torn down when the block ends.
        """
        loader: AssetValueLoader = self.get_repository_def().get_asset_value_loader(instance)
        return loader

    @property
    def asset_checks_defs(self) -> list[AssetChecksDefinition]:
        """The standalone asset check definitions."""
        return [c for c in self.asset_checks if isinstance(c, AssetChecksDefinition)]


def _passed(kind: str, items: Iterable[Any], name: str) -> Any:
    found = {item.name: item for item in items}
    if name in found:
        return found[name]
    raise NotFoundError(not_found_message(kind, name, list(found), DEFAULT_REPOSITORY_NAME))


F = TypeVar("F", bound=Callable[..., Any])


def definitions(fn: F) -> F:
    """Mark a function returning ``Definitions`` as the way to load a code location.

    The loader calls it (with no arguments) when it finds no module-level Definitions.
    """
    fn.__headwater_definitions__ = True  # type: ignore[attr-defined]
    return fn
