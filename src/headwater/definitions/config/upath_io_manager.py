"""``UPathIOManager``: the base of IO managers that store each value in one file (or folder)
under a base path, local or remote.

A subclass says how to write and read one value (``dump_to_path`` / ``load_from_path``) and,
optionally, a file ``extension``; this class chooses the paths (``<base>/<asset key
parts>[/<partition>]<extension>``, or ``<base>/<run id>/<step key>/<output>`` for op outputs),
creates folders, records the path as output metadata and loads several partitions as a
``{partition: value}`` dict. The base path may be a ``pathlib.Path`` or, when the
``universal_pathlib`` package is installed, a ``UPath`` (S3, GCS, ...): only the ``Path``
interface is used.
"""

from __future__ import annotations

import os
from abc import abstractmethod
from pathlib import Path
from typing import Any

from headwater.definitions.config.io_managers import (
    InputContext,
    IOManager,
    OutputContext,
    default_storage_dir,
)
from headwater.errors import InvalidOutputError, NotFoundError


class UPathIOManager(IOManager):
    """Stores one value per path under ``base_path``; subclasses implement the file format."""

    #: Suffix of the stored files, e.g. ``".parquet"`` (None: no suffix).
    extension: str | None = None

    def __init__(self, base_path: Any = None) -> None:
        if self.extension is not None and not self.extension.startswith("."):
            raise ValueError(f"extension must start with a dot, got {self.extension!r}")
        self._base_path = base_path

    @property
    def base_path(self) -> Any:
        """The folder values are stored under (default ``$HEADWATER_HOME/storage``)."""
        if self._base_path is None:
            self._base_path = Path(default_storage_dir())
        elif isinstance(self._base_path, (str, os.PathLike)) and not hasattr(
                self._base_path, "fs"):
            self._base_path = Path(self._base_path)
        return self._base_path

    # What subclasses write -----------------------------------------------------------------

    @abstractmethod
    def dump_to_path(self, context: OutputContext, obj: Any, path: Any) -> None:
        """Write ``obj`` to ``path``."""

    @abstractmethod
    def load_from_path(self, context: InputContext, path: Any) -> Any:
        """Read the value stored at ``path``."""

    # Hooks with defaults -------------------------------------------------------------------

    def path_exists(self, path: Any) -> bool:
        """Whether something is stored at ``path``."""
        return bool(path.exists())

    def make_directory(self, path: Any) -> None:
        """Create the folder ``path`` (and its parents)."""
        path.mkdir(parents=True, exist_ok=True)

    def unlink(self, path: Any) -> None:
        """Remove what is stored at ``path``."""
        path.unlink()

    def has_output(self, context: OutputContext) -> bool:
        """Whether the output's value is stored."""
        return self.path_exists(self._path(context, self._partition_of(context)))

    def get_metadata(self, context: OutputContext, obj: Any) -> dict[str, Any]:
        """Extra output metadata for a stored value (none by default)."""
        return {}

    def get_loading_input_log_message(self, path: Any) -> str:
        """What is logged before a value is read."""
        return f"Loading file from: {path} using {type(self).__name__}..."

    def get_storing_output_log_message(self, path: Any) -> str:
        """What is logged after a value is written."""
        return f"Writing file at: {path} using {type(self).__name__}..."

    def get_asset_relative_path(self, context: InputContext | OutputContext) -> Any:
        """An asset's folder under the base path: its key parts."""
        return Path(*context.asset_key.path)

    def get_op_output_relative_path(self, context: InputContext | OutputContext) -> Any:
        """An op output's path under the base path: run id, step key, output name."""
        return Path(*context.get_identifier())

    def get_path_for_partition(self, context: InputContext | OutputContext, path: Any,
                               partition: str) -> Any:
        """Where one partition of the asset at ``path`` is stored: ``path/partition``."""
        return path / partition

    # Paths --------------------------------------------------------------------------------

    def _with_extension(self, path: Any) -> Any:
        return path.with_name(path.name + self.extension) if self.extension else path

    def _path(self, context: InputContext | OutputContext, partition: str | None) -> Any:
        if not context.has_asset_key:
            return self._with_extension(self.base_path / self.get_op_output_relative_path(context))
        folder = self.base_path / self.get_asset_relative_path(context)
        if partition is None:
            return self._with_extension(folder)
        return self._with_extension(self.get_path_for_partition(context, folder, partition))

    @staticmethod
    def _partition_of(context: InputContext | OutputContext) -> str | None:
        keys = context.asset_partition_keys if context.has_asset_key else []
        return keys[0] if len(keys) == 1 else None

    # IOManager ----------------------------------------------------------------------------

    def handle_output(self, context: OutputContext, obj: Any) -> None:
        """Write ``obj`` with :meth:`dump_to_path`; records ``path`` as output metadata."""
        if context.has_asset_key and len(context.asset_partition_keys) > 1:
            raise InvalidOutputError(
                f"Cannot store {context.describe()}: {type(self).__name__} stores one partition "
                "per path and the run covers several. Return None and write the partitions "
                "yourself, or backfill with BackfillPolicy.multi_run(1).")
        path = self._path(context, self._partition_of(context))
        self.make_directory(path.parent)
        self.dump_to_path(context, obj, path)
        _debug(context, self.get_storing_output_log_message(path))
        context.add_output_metadata({"path": str(path), **self.get_metadata(context, obj)})

    def load_input(self, context: InputContext) -> Any:
        """The stored value (a ``{partition: value}`` dict when several partitions load)."""
        keys = context.asset_partition_keys if context.has_asset_key else []
        if len(keys) > 1:
            return {key: self._load(context, self._path(context, key), key) for key in keys}
        partition = keys[0] if keys else None
        return self._load(context, self._path(context, partition), partition)

    def _load(self, context: InputContext, path: Any, partition: str | None) -> Any:
        if not self.path_exists(path):
            where = f" partition '{partition}'" if partition is not None else ""
            raise NotFoundError(
                f"Cannot load {context.describe()}{where}: nothing is stored at {path}. "
                "Materialize it first, with the same IO manager and base path.")
        _debug(context, self.get_loading_input_log_message(path))
        return self.load_from_path(context, path)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_path={self._base_path!r})"


def _debug(context: InputContext | OutputContext, message: str) -> None:
    log = getattr(context, "log", None)
    if log is not None:
        log.debug(message)
