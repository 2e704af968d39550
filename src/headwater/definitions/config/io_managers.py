"""IO managers: how asset and op outputs are stored and loaded again as inputs.

An ``IOManager`` has two methods, ``handle_output`` and ``load_input``; the execution engine
calls them with an ``OutputContext``/``InputContext`` describing what is stored where. The
built-ins are ``FilesystemIOManager`` (pickle files, the default) and ``InMemoryIOManager``.
No pydantic here: contexts are plain classes built for every step, so they stay cheap.
"""

from __future__ import annotations

import inspect
import logging
import os
import pickle
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, overload

from headwater.definitions.asset_graph.keys import AssetKey, CoercibleToAssetKey
from headwater.definitions.config.resources import (
    InitResourceContext,
    ResourceDefinition,
    Resources,
)
from headwater.errors import HeadwaterError, InvalidOutputError, NotFoundError

_LOG = logging.getLogger("headwater.io_managers")


class IOManager(ABC):
    """Stores each output and loads it back when a downstream step needs it as an input."""

    @abstractmethod
    def handle_output(self, context: OutputContext, obj: Any) -> None:
        """Store ``obj``, the value of the output described by ``context``."""

    @abstractmethod
    def load_input(self, context: InputContext) -> Any:
        """Load the value of the input described by ``context``."""


class OutputContext:
    """Describes one output being stored: which step, run, asset and partition it belongs to.

    Built by the execution engine; use ``build_output_context`` in tests.
    """

    __slots__ = (
        "name", "step_key", "run_id", "op_name", "_asset_key", "_partition_key", "mapping_key",
        "definition_metadata", "config", "resources", "log", "_output_metadata", "_partition_keys",
    )  # fmt: skip

    def __init__(
        self,
        name: str = "result",
        step_key: str | None = None,
        run_id: str | None = None,
        op_name: str | None = None,
        asset_key: AssetKey | None = None,
        partition_key: str | None = None,
        definition_metadata: Mapping[str, Any] | None = None,
        config: Any = None,
        resources: Resources | Mapping[str, Any] | None = None,
        log: logging.Logger | None = None,
        mapping_key: str | None = None,
        partition_keys: Sequence[str] | None = None,
    ) -> None:
        self.name = name
        self.step_key = step_key
        #: Every partition stored by a run over a range (None: ``partition_key`` alone).
        self._partition_keys = list(partition_keys) if partition_keys is not None else None
        self.run_id = run_id
        self.op_name = op_name
        self._asset_key = asset_key
        self._partition_key = partition_key
        self.mapping_key = mapping_key
        self.definition_metadata = definition_metadata if definition_metadata is not None else {}
        self.config = config
        self.resources = resources if isinstance(resources, Resources) else Resources(resources)
        self.log = log or _LOG
        self._output_metadata: dict[str, Any] = {}

    @property
    def has_asset_key(self) -> bool:
        """Whether this output is an asset."""
        return self._asset_key is not None

    @property
    def asset_key(self) -> AssetKey:
        """The asset this output materializes; an error for op outputs (see ``has_asset_key``)."""
        if self._asset_key is None:
            raise HeadwaterError(
                f"Output '{self.name}' of step '{self.step_key}' is not an asset; check "
                "context.has_asset_key before reading context.asset_key."
            )
        return self._asset_key

    @property
    def has_partition_key(self) -> bool:
        """Whether the run targets one partition."""
        return self._partition_key is not None

    @property
    def partition_key(self) -> str:
        """The partition being stored; an error when unpartitioned (see ``has_partition_key``)."""
        if self._partition_key is None:
            raise HeadwaterError(
                f"Output '{self.name}' has no partition key; check context.has_partition_key "
                "before reading context.partition_key."
            )
        return self._partition_key

    @property
    def asset_partition_keys(self) -> list[str]:
        """The partitions being stored (empty when unpartitioned)."""
        if self._partition_keys is not None:
            return list(self._partition_keys)
        return [] if self._partition_key is None else [self._partition_key]

    @property
    def metadata(self) -> Mapping[str, Any]:
        """Alias of ``definition_metadata``."""
        return self.definition_metadata

    def add_output_metadata(self, metadata: Mapping[str, Any]) -> None:
        """Attach metadata to the materialization/output event of this output."""
        self._output_metadata.update(metadata)

    def consume_output_metadata(self) -> dict[str, Any]:
        """Return and clear the metadata added so far (called by the engine)."""
        collected, self._output_metadata = self._output_metadata, {}
        return collected

    def get_asset_identifier(self) -> list[str]:
        """The asset's key parts, followed by the partition key when partitioned."""
        parts = self.asset_key.path
        if self._partition_key is not None:
            parts.append(self._partition_key)
        return parts

    def get_identifier(self) -> list[str]:
        """Where this output lives: the asset identifier, else ``[run_id, step_key, name]``."""
        if self._asset_key is not None:
            return self.get_asset_identifier()
        if self.run_id is None or self.step_key is None:
            raise HeadwaterError(
                f"Output '{self.name}' has no run_id/step_key, so it has no identifier; pass "
                "run_id= and step_key= to build_output_context."
            )
        parts = [self.run_id, self.step_key, self.name]
        if self.mapping_key is not None:
            parts.append(self.mapping_key)
        return parts

    def describe(self) -> str:
        """A short human description, e.g. ``asset 'raw/orders' (partition '2024-01-01')``."""
        if self._asset_key is None:
            return f"output '{self.name}' of step '{self.step_key}' in run '{self.run_id}'"
        return f"asset '{self._asset_key.to_user_string()}'" + _partition_suffix(
            self.asset_partition_keys
        )

    def __repr__(self) -> str:
        return f"OutputContext({self.describe()})"


class InputContext:
    """Describes one input being loaded: the upstream output or asset it comes from.

    Built by the execution engine; use ``build_input_context`` in tests.
    """

    __slots__ = (
        "name", "upstream_output", "_asset_key", "_partition_key", "_partition_keys",
        "definition_metadata", "config", "resources", "log", "op_name", "dagster_type",
        "resource_config",
    )  # fmt: skip

    def __init__(
        self,
        name: str = "input",
        upstream_output: OutputContext | None = None,
        asset_key: AssetKey | None = None,
        partition_key: str | None = None,
        definition_metadata: Mapping[str, Any] | None = None,
        config: Any = None,
        resources: Resources | Mapping[str, Any] | None = None,
        log: logging.Logger | None = None,
        op_name: str | None = None,
        partition_keys: Sequence[str] | None = None,
        dagster_type: Any = None,
    ) -> None:
        self.name = name
        self.upstream_output = upstream_output
        #: The type asked for (``.typing_type``), from ``load_asset_value(python_type=...)``.
        self.dagster_type = dagster_type
        self._asset_key = asset_key
        self._partition_key = partition_key
        self._partition_keys = partition_keys
        self.definition_metadata = definition_metadata if definition_metadata is not None else {}
        self.config = config
        self.resources = resources if isinstance(resources, Resources) else Resources(resources)
        self.log = log or _LOG
        self.op_name = op_name
        #: The config of the input manager loading this input (set by ``@input_manager``).
        self.resource_config: Any = None

    @property
    def has_asset_key(self) -> bool:
        """Whether this input is an upstream asset."""
        return self._asset_key is not None

    @property
    def asset_key(self) -> AssetKey:
        """The upstream asset; an error for op inputs (see ``has_asset_key``)."""
        if self._asset_key is None:
            raise HeadwaterError(
                f"Input '{self.name}' of op '{self.op_name}' is not an asset; check "
                "context.has_asset_key before reading context.asset_key."
            )
        return self._asset_key

    @property
    def has_partition_key(self) -> bool:
        """Whether exactly one upstream partition is loaded."""
        return len(self.asset_partition_keys) == 1

    @property
    def has_asset_partitions(self) -> bool:
        """Whether the upstream asset is partitioned."""
        return bool(self.asset_partition_keys)

    @property
    def partition_key(self) -> str:
        """The one upstream partition loaded; an error otherwise (see ``has_partition_key``)."""
        keys = self.asset_partition_keys
        if len(keys) != 1:
            raise HeadwaterError(
                f"Input '{self.name}' loads {len(keys)} partitions, not one; use "
                "context.asset_partition_keys."
            )
        return keys[0]

    @property
    def asset_partition_keys(self) -> list[str]:
        """The upstream partitions loaded (empty when unpartitioned)."""
        if self._partition_keys is not None:
            return list(self._partition_keys)
        return [] if self._partition_key is None else [self._partition_key]

    @property
    def metadata(self) -> Mapping[str, Any]:
        """Alias of ``definition_metadata``."""
        return self.definition_metadata

    def get_asset_identifier(self) -> list[str]:
        """The upstream asset's key parts, plus the partition key when one partition is loaded."""
        parts = self.asset_key.path
        if self.has_partition_key:
            parts.append(self.partition_key)
        return parts

    def get_identifier(self) -> list[str]:
        """Where the value lives: the asset identifier, else the upstream output's identifier."""
        if self._asset_key is not None:
            return self.get_asset_identifier()
        if self.upstream_output is None:
            raise HeadwaterError(
                f"Input '{self.name}' of op '{self.op_name}' has neither an upstream output nor "
                "an asset key, so an IO manager cannot locate its value."
            )
        return self.upstream_output.get_identifier()

    def describe(self) -> str:
        """A short human description of where the input comes from."""
        if self._asset_key is not None:
            return f"asset '{self._asset_key.to_user_string()}'" + _partition_suffix(
                self.asset_partition_keys
            )
        if self.upstream_output is not None:
            return self.upstream_output.describe()
        return f"input '{self.name}' of op '{self.op_name}'"

    def __repr__(self) -> str:
        return f"InputContext({self.name!r} from {self.describe()})"


def _partition_suffix(keys: Sequence[str]) -> str:
    if not keys:
        return ""
    if len(keys) == 1:
        return f" (partition '{keys[0]}')"
    return f" ({len(keys)} partitions)"


def _asset_key_or_none(value: CoercibleToAssetKey | None) -> AssetKey | None:
    return None if value is None else AssetKey.from_coercible(value)


def build_output_context(
    name: str = "result",
    step_key: str | None = "test_step",
    run_id: str | None = "test_run",
    op_name: str | None = None,
    asset_key: CoercibleToAssetKey | None = None,
    partition_key: str | None = None,
    definition_metadata: Mapping[str, Any] | None = None,
    config: Any = None,
    resources: Mapping[str, Any] | None = None,
    mapping_key: str | None = None,
) -> OutputContext:
    """An ``OutputContext`` for testing an IO manager; the asset key may be a string or list."""
    return OutputContext(
        name=name,
        step_key=step_key,
        run_id=run_id,
        op_name=op_name or step_key,
        asset_key=_asset_key_or_none(asset_key),
        partition_key=partition_key,
        definition_metadata=definition_metadata,
        config=config,
        resources=resources,
        mapping_key=mapping_key,
    )


def build_input_context(
    name: str = "input",
    upstream_output: OutputContext | None = None,
    asset_key: CoercibleToAssetKey | None = None,
    partition_key: str | None = None,
    definition_metadata: Mapping[str, Any] | None = None,
    config: Any = None,
    resources: Mapping[str, Any] | None = None,
    op_name: str | None = "test_op",
    partition_keys: Sequence[str] | None = None,
) -> InputContext:
    """An ``InputContext`` for testing an IO manager; the asset key may be a string or list."""
    return InputContext(
        name=name,
        upstream_output=upstream_output,
        asset_key=_asset_key_or_none(asset_key),
        partition_key=partition_key,
        definition_metadata=definition_metadata,
        config=config,
        resources=resources,
        op_name=op_name,
        partition_keys=partition_keys,
    )


class IOManagerDefinition(ResourceDefinition):
    """A resource whose value is an ``IOManager``; what ``@io_manager`` returns."""

    @staticmethod
    def hardcoded_io_manager(
        value: IOManager, description: str | None = None
    ) -> IOManagerDefinition:
        """An IO manager definition that always provides ``value``."""
        return IOManagerDefinition(lambda: value, description=description)


IOManagerFunction = Callable[..., Any]


@overload
def io_manager(config_schema: IOManagerFunction) -> IOManagerDefinition: ...


@overload
def io_manager(
    config_schema: Any = None,
    description: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
    version: str | None = None,
) -> Callable[[IOManagerFunction], IOManagerDefinition]: ...


def io_manager(
    config_schema: Any = None,
    description: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
    version: str | None = None,
) -> IOManagerDefinition | Callable[[IOManagerFunction], IOManagerDefinition]:
    """Turn a function ``(init_context) -> IOManager`` into an ``IOManagerDefinition``.

    Use it bare (``@io_manager``) or with ``config_schema``/``required_resource_keys``.
    """

    def decorator(fn: IOManagerFunction) -> IOManagerDefinition:
        return IOManagerDefinition(
            fn,
            config_schema=config_schema,
            description=description or inspect.getdoc(fn),
            required_resource_keys=required_resource_keys,
            version=version,
        )

    if inspect.isfunction(config_schema) or inspect.ismethod(config_schema):
        fn, config_schema = config_schema, None
        return decorator(fn)
    return decorator


# ---------------------------------------------------------------------------------------------
# Built-in IO managers


def default_storage_dir() -> str:
    """``$HEADWATER_HOME/storage``, else ``./.headwater/storage`` (absolute)."""
    home = os.environ.get("HEADWATER_HOME")
    base = os.path.join(home, "storage") if home else os.path.join(".headwater", "storage")
    return os.path.abspath(base)


def _safe_part(part: str) -> str:
    # Keys come from users: never let a part climb out of base_dir or split into folders.
    if part in ("", ".", ".."):
        return part.replace(".", "%2E") or "%00"
    if "/" in part or "\\" in part or "\x00" in part or "%" in part:
        from urllib.parse import quote

        return quote(part, safe="")
    return part


class FilesystemIOManager(IOManager):
    """Pickles every output to a file under ``base_dir``; the default IO manager.

    Asset outputs go to ``base_dir/<key parts>[/<partition key>]``, op outputs to
    ``base_dir/<run_id>/<step_key>/<output name>``. Writes are atomic (a temporary file then a
    rename), so a reader never sees half a file.

    Args:
        base_dir: the storage folder; default ``$HEADWATER_HOME/storage``, or
            ``./.headwater/storage`` when ``HEADWATER_HOME`` is unset (resolved on first use).
    """

    def __init__(self, base_dir: str | os.PathLike[str] | None = None) -> None:
        self._base_dir = os.fspath(base_dir) if base_dir is not None else None

    @property
    def base_dir(self) -> str:
        """The storage folder (the default is resolved and fixed on first use)."""
        if self._base_dir is None:
            self._base_dir = default_storage_dir()
        return self._base_dir

    def path_for(self, identifier: Sequence[str]) -> str:
        """The file that stores the value with this identifier."""
        return os.path.join(self.base_dir, *(_safe_part(p) for p in identifier))

    def handle_output(self, context: OutputContext, obj: Any) -> None:
        """Pickle ``obj`` to its path, atomically; records the path as output metadata."""
        if len(context.asset_partition_keys) > 1:
            raise InvalidOutputError(
                f"Cannot store {context.describe()}: this IO manager stores one partition per "
                "file, and the run covers several (a single-run backfill). Return None and "
                "write the partitions yourself, or backfill with BackfillPolicy.multi_run(1)."
            )
        path = self.path_for(context.get_identifier())
        try:
            data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - pickling can raise almost anything
            raise InvalidOutputError(
                f"Cannot store {context.describe()}: its value of type {type(obj).__name__} "
                f"cannot be pickled ({type(exc).__name__}: {exc}). Return a picklable value, "
                "or give this output an IO manager that can store it."
            ) from exc
        _write_atomically(path, data)
        context.add_output_metadata({"path": path})

    def load_input(self, context: InputContext) -> Any:
        """Unpickle the upstream value; a dict by partition when several partitions load."""
        if context.has_asset_key and len(context.asset_partition_keys) > 1:
            base = context.asset_key.path
            return {
                key: self._load(self.path_for([*base, key]), context, key)
                for key in context.asset_partition_keys
            }
        return self._load(self.path_for(context.get_identifier()), context, None)

    def _load(self, path: str, context: InputContext, partition: str | None) -> Any:
        try:
            with open(path, "rb") as file:
                return pickle.load(file)
        except FileNotFoundError:
            raise NotFoundError(_missing_message(context, partition, f"at {path}")) from None
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
            raise HeadwaterError(
                f"Cannot load {context.describe()} from {path}: {type(exc).__name__}: {exc}. "
                "The file may be corrupt or written by code that no longer exists; "
                "materialize it again."
            ) from exc

    def __repr__(self) -> str:
        return f"FilesystemIOManager(base_dir={self._base_dir!r})"


def _write_atomically(path: str, data: bytes) -> None:
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    tmp = os.path.join(directory, f".{os.path.basename(path)}.{os.urandom(6).hex()}.tmp")
    try:
        with open(tmp, "xb") as file:
            file.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _missing_message(context: InputContext, partition: str | None, where: str) -> str:
    what = context.describe()
    if partition is not None:
        what += f" partition '{partition}'"
    if context.op_name is None and context.has_asset_key:  # load_asset_value, outside a run
        return (
            f"Cannot load {what}: it has no stored value {where}. Materialize it first (that "
            "partition, if partitioned), with the same IO manager and storage folder."
        )
    upstream = (
        f"asset '{context.asset_key.to_user_string()}'" if context.has_asset_key else "the step"
    )
    return (
        f"Cannot load input '{context.name}' of op '{context.op_name}': {what} has no stored "
        f"value {where}. Materialize {upstream} first (for that partition, if partitioned)."
    )


class InMemoryIOManager(IOManager):
    """Keeps outputs in a dict on this instance, keyed by identifier; for tests and one run.

    Values live only as long as the instance, and only inside one process.
    """

    def __init__(self) -> None:
        self.values: dict[tuple[str, ...], Any] = {}

    def handle_output(self, context: OutputContext, obj: Any) -> None:
        """Keep ``obj`` under the output's identifier."""
        self.values[tuple(context.get_identifier())] = obj

    def load_input(self, context: InputContext) -> Any:
        """Return the value stored under the input's identifier."""
        if context.has_asset_key and len(context.asset_partition_keys) > 1:
            base = tuple(context.asset_key.path)
            return {k: self._get((*base, k), context, k) for k in context.asset_partition_keys}
        return self._get(tuple(context.get_identifier()), context, None)

    def _get(self, key: tuple[str, ...], context: InputContext, partition: str | None) -> Any:
        try:
            return self.values[key]
        except KeyError:
            raise NotFoundError(
                _missing_message(context, partition, "in this in-memory IO manager")
            ) from None


def _fs_io_manager(context: InitResourceContext) -> FilesystemIOManager:
    config = context.resource_config or {}
    return FilesystemIOManager(base_dir=config.get("base_dir"))


fs_io_manager = IOManagerDefinition(
    _fs_io_manager,
    config_schema={"base_dir": (str | None, None)},
    description="Pickles outputs to files under base_dir (default $HEADWATER_HOME/storage).",
)
"""The filesystem IO manager as a definition; config: ``{"base_dir": "..."}`` (optional)."""

mem_io_manager = IOManagerDefinition(
    lambda: InMemoryIOManager(),
    description="Keeps outputs in memory for the duration of one run.",
)
"""An in-memory IO manager as a definition; each run gets a fresh, empty one."""
