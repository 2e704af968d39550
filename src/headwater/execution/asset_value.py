"""Reading stored asset values outside a run: ``Definitions.load_asset_value`` and the
``AssetValueLoader`` returned by ``Definitions.get_asset_value_loader``.

The value is read by the asset's IO manager (``load_input``), with the resources a run
would give it: the location's, else the asset's own (``with_resources``), else, for
``io_manager``, the default filesystem IO manager reading the instance's storage folder.
Resources are initialised on first use, shared by later loads, and torn down when the loader
closes.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from headwater.definitions.asset_graph.keys import AssetKey
from headwater.definitions.assets.assets_definition import AssetsDefinition
from headwater.definitions.config.io_managers import (
    FilesystemIOManager,
    InputContext,
    OutputContext,
)
from headwater.definitions.config.resources import ResourceDefinition, Resources
from headwater.definitions.partitions import DynamicPartitionsDefinition, PartitionKeyRange
from headwater.definitions.repository_def import RepositoryDefinition
from headwater.errors import (
    HeadwaterError,
    InvalidDefinitionError,
    NotFoundError,
    user_code_boundary,
)
from headwater.execution.resources import initialize_resources

_LOG = logging.getLogger("headwater.asset_value")


@dataclass(frozen=True)
class LoadedType:
    """``InputContext.dagster_type`` of a load: the Python type asked for (``Any`` if none)."""

    typing_type: Any


class AssetValueLoader:
    """Loads stored asset values through their IO managers, sharing initialised resources.

    Use it as a context manager (``with defs.get_asset_value_loader() as loader:``): the
    resources it initialised are torn down when the block ends.
    """

    def __init__(self, repository: RepositoryDefinition, instance: Any = None) -> None:
        self._repository = repository
        self._instance = instance
        self._stack = ExitStack()
        #: Initialised resources by key, with the definition each was built from.
        self._built: dict[str, tuple[object, Any]] = {}
        self._closed = False
        self._default: FilesystemIOManager | None = None

    def __enter__(self) -> AssetValueLoader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Tear down every resource this loader initialised (in reverse order)."""
        self._closed = True
        self._built.clear()
        self._stack.close()

    def load_asset_value(
        self,
        asset_key: Any,
        *,
        python_type: type | None = None,
        partition_key: str | None = None,
        partition_key_range: PartitionKeyRange | None = None,
        input_definition_metadata: dict[str, Any] | None = None,
        resource_config: Any = None,
        metadata: Any = None,
    ) -> object:
        """The stored value of ``asset_key``, read by its IO manager.

        Args:
            asset_key: the asset (an AssetKey, ``"a/b"`` or a list of parts).
            python_type: the type to load as, given to the IO manager as
                ``context.dagster_type.typing_type``.
            partition_key: the partition to load (required for a partitioned asset, unless
                ``partition_key_range`` is given).
            partition_key_range: several partitions; the filesystem IO manager returns a
                dict by partition key.
            input_definition_metadata: metadata for the IO manager
                (``context.definition_metadata``); ``metadata`` is its older name.
            resource_config: config for resources initialised by this load, in the run
                config's shape: ``{"key": {"config": ...}}``.

        Raises:
            NotFoundError: the asset or partition does not exist, or has no stored value.
            UserCodeError: the IO manager (or a resource it needs) raised.
        """
        if self._closed:
            raise HeadwaterError(
                "This asset value loader is closed (its resources were torn down); get a new "
                "one with defs.get_asset_value_loader()."
            )
        key = AssetKey.from_coercible(asset_key)
        definition = self._repository.get_assets_def(key)
        what = f"asset '{key.to_user_string()}'"
        if definition.op is not None and not definition.output_stores_value(key):
            raise NotFoundError(
                f"Cannot load {what}: its function returns no value (it is annotated -> None or "
                "yields no Output), so nothing was stored through an IO manager."
            )
        single, several = _partitions(
            definition, key, partition_key, partition_key_range, self._instance
        )
        manager_key = definition.io_manager_key_for(key)
        resources = self._resources(manager_key, definition, resource_config)
        spec = definition.specs_by_key[key]
        upstream = OutputContext(
            name=definition.output_names_by_key.get(key, "result"),
            step_key=definition.node_name if definition.op is not None else None,
            op_name=definition.node_name if definition.op is not None else None,
            asset_key=key,
            partition_key=single,
            definition_metadata=spec.metadata,
            resources=resources,
            log=_LOG,
        )
        context = InputContext(
            name=key.to_python_identifier(),
            upstream_output=upstream,
            asset_key=key,
            partition_key=single,
            partition_keys=several,
            definition_metadata=dict(input_definition_metadata or metadata or {}),
            resources=resources,
            log=_LOG,
            dagster_type=LoadedType(python_type if python_type is not None else Any),
        )
        with user_code_boundary(f"IO manager '{manager_key}' loading {what}"):
            return resources[manager_key].load_input(context)

    def _resources(
        self, manager_key: str, definition: AssetsDefinition, resource_config: Any
    ) -> Resources:
        """The initialised resources, after initialising ``manager_key`` and its dependencies."""
        resource_defs: dict[str, object] = {
            "io_manager": self._default_io_manager(),
            **definition.resource_defs,
            **self._repository.resources,  # as in a run: the location's resources win
        }
        reusable = {
            key: ResourceDefinition.hardcoded_resource(value)
            for key, (entry, value) in self._built.items()
            if resource_defs.get(key) is entry
        }
        if manager_key not in reusable:
            if manager_key not in resource_defs:
                raise NotFoundError(
                    f"{definition.describe.capitalize()} is stored by IO manager '{manager_key}', "
                    "which is not provided. Add it to Definitions(resources={...})."
                )
            built = self._stack.enter_context(
                initialize_resources(
                    {**resource_defs, **reusable},
                    required_keys={manager_key},
                    resource_run_config=resource_config,
                    instance=self._instance,
                    log=_LOG,
                )
            )
            for key, value in built._asdict().items():
                if key not in reusable:
                    self._built[key] = (resource_defs[key], value)
        return Resources({key: value for key, (_, value) in self._built.items()})

    def _default_io_manager(self) -> FilesystemIOManager:
        if self._default is None:
            self._default = FilesystemIOManager(getattr(self._instance, "storage_dir", None))
        return self._default


def _partitions(
    definition: AssetsDefinition,
    key: AssetKey,
    partition_key: str | None,
    partition_key_range: PartitionKeyRange | None,
    instance: Any,
) -> tuple[str | None, list[str] | None]:
    """(one partition key, or several keys) to load, after checking them against the asset."""
    what = f"Asset '{key.to_user_string()}'"
    if partition_key is not None and partition_key_range is not None:
        raise InvalidDefinitionError(
            "load_asset_value takes partition_key= or partition_key_range=, not both."
        )
    partitions_def = definition.partitions_def or definition.specs_by_key[key].partitions_def
    if partitions_def is None:
        if partition_key is not None or partition_key_range is not None:
            raise NotFoundError(
                f"{what} is not partitioned, but partition "
                f"'{partition_key or partition_key_range}' was requested. Load it without "
                "partition_key."
            )
        return None, None
    if partition_key is None and partition_key_range is None:
        raise NotFoundError(
            f"{what} is partitioned; pass partition_key=... (or partition_key_range=...) to "
            "say which partition to load."
        )
    if partition_key is not None:
        # Dynamic partition keys live in the instance; without one, the IO manager decides.
        if instance is not None or not isinstance(partitions_def, DynamicPartitionsDefinition):
            partitions_def.validate_partition_key(partition_key, dynamic_partitions_store=instance)
        return partition_key, None
    assert partition_key_range is not None
    keys = partitions_def.get_partition_keys_in_range(
        partition_key_range, dynamic_partitions_store=instance
    )
    return None, keys
