"""The instance: one folder (``$HEADWATER_HOME``, or ``./.headwater``) and its storage.

    with Instance.get() as instance:           # headwater.yaml in $HEADWATER_HOME, if any
        instance.add_run(RunRecord(run_id="r1", job_name="all"))
        print(instance.info())

``Instance.ephemeral()`` is a throwaway SQLite instance for tests. The instance is also the
store of dynamic partition keys (``DynamicPartitionsDefinition`` reads them from it) and an
event sink for run workers (``instance.store_event``).
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from headwater.snapshot.events import RunEvent
from headwater.snapshot.runs import RunRecord, RunsFilter
from headwater.storage.config import (
    InstanceConfig,
    SqliteStorageConfig,
    instance_root,
    load_instance_config,
    parse_instance_config,
)
from headwater.storage.instance_api import InstanceQueries

if TYPE_CHECKING:
    from headwater.storage.migrations import MigrationResult
    from headwater.storage.sql_storage import SqlStorage

# The SQL modules (SQLAlchemy: ~0.2 s to import) load when the storage is first opened, so a
# lazily opened instance costs nothing until used (``headwater dev`` serves its first page
# while the storage opens).

#: Folder of the instance root where the default IO manager keeps outputs.
STORAGE_DIR = "storage"


class Instance(InstanceQueries):
    """An instance root and the SQL storage its ``headwater.yaml`` chooses.

    Args:
        root: the instance folder.
        config: the validated configuration (defaults: SQLite in ``root``).
        auto_migrate: upgrade an older SQLite schema when opening. PostgreSQL databases
            are only upgraded on purpose, with ``headwater instance migrate``.
        lazy: open the storage on first use instead of now (to migrate or inspect an
            instance whose schema does not match this headwater).
    """

    def __init__(
        self,
        root: Path,
        config: InstanceConfig | None = None,
        *,
        auto_migrate: bool = False,
        lazy: bool = False,
    ) -> None:
        self._root = Path(root).resolve()
        self.config = config or InstanceConfig(storage=SqliteStorageConfig(self._root))
        self._auto_migrate = auto_migrate and isinstance(self.config.storage, SqliteStorageConfig)
        self._storage: SqlStorage | None = None
        self._lock = threading.Lock()
        self._cleanup: Path | None = None
        if not lazy:
            _ = self.storage

    # Construction -------------------------------------------------------------------------

    @classmethod
    def get(
        cls,
        *,
        auto_migrate: bool = False,
        lazy: bool = False,
        environ: Mapping[str, str] | None = None,
    ) -> Instance:
        """The instance of ``$HEADWATER_HOME`` (``./.headwater`` when unset).

        Raises:
            InstanceConfigError: ``headwater.yaml`` is malformed.
            StorageError: the storage cannot be opened (unless ``lazy``).
        """
        root = instance_root(environ)
        return cls(root, load_instance_config(root, environ), auto_migrate=auto_migrate,
                   lazy=lazy)

    @classmethod
    def from_config(
        cls,
        root: str | Path,
        config: Mapping[str, Any] | None = None,
        *,
        auto_migrate: bool = False,
        lazy: bool = False,
        environ: Mapping[str, str] | None = None,
    ) -> Instance:
        """An instance rooted at ``root`` configured by the contents of a headwater.yaml."""
        root_path = Path(root).resolve()
        parsed = parse_instance_config(dict(config or {}), root_path, environ=environ)
        return cls(root_path, parsed, auto_migrate=auto_migrate, lazy=lazy)

    @classmethod
    def ephemeral(cls, tmp_dir: str | Path | None = None) -> Instance:
        """A SQLite instance in ``tmp_dir`` (a new temporary folder, removed on dispose)."""
        created = tmp_dir is None
        root = Path(tempfile.mkdtemp(prefix="headwater-")) if tmp_dir is None else Path(tmp_dir)
        instance = cls(root)
        if created:
            instance._cleanup = instance.root
            # Never disposed (as Dagster's in-memory ephemeral instances need not be): the
            # folder goes when the instance is collected or the interpreter exits.
            weakref.finalize(instance, shutil.rmtree, instance.root, ignore_errors=True)
        return instance

    # Properties ---------------------------------------------------------------------------

    @property
    def root(self) -> Path:
        """The instance folder."""
        return self._root

    @property
    def storage(self) -> SqlStorage:
        """The storage, opened (and its schema checked) on first use."""
        storage = self._storage
        if storage is None:
            with self._lock:
                if self._storage is None:
                    from headwater.storage.sql_storage import SqlStorage

                    self._storage = SqlStorage.open(self.config.storage,
                                                    auto_migrate=self._auto_migrate)
                storage = self._storage
        return storage

    @property
    def storage_dir(self) -> Path:
        """Where the default IO manager keeps step outputs (``root/storage``)."""
        return self.root / STORAGE_DIR

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgres``."""
        return "sqlite" if isinstance(self.config.storage, SqliteStorageConfig) else "postgres"

    # Administration -----------------------------------------------------------------------

    def migrate(self) -> MigrationResult:
        """Upgrade the storage schema to this headwater's newest revision."""
        from headwater.storage import migrations
        from headwater.storage.engines import create_engine_for, describe

        if self._storage is not None:
            return self._storage.migrate()
        engine = create_engine_for(self.config.storage)
        try:
            return migrations.upgrade(engine, describe(self.config.storage))
        finally:
            engine.dispose()

    def info(self) -> dict[str, Any]:
        """What the instance is: root, backend, URL (password masked), schema, run count."""
        from headwater.storage import migrations
        from headwater.storage.engines import create_engine_for, describe

        storage_config = self.config.storage
        engine = (self._storage.engine if self._storage is not None
                  else create_engine_for(storage_config))
        where = describe(storage_config)
        head = migrations.head_revision()
        try:
            revision = migrations.current_revision(engine, where)
            if revision is None:
                status = "empty"
            elif revision == head:
                status = "current"
            elif revision in migrations.known_revisions():
                status = "outdated: run `headwater instance migrate`"
            else:
                status = "newer than this headwater"
            runs = self.storage.count_runs() if status == "current" else None
        finally:
            if self._storage is None or engine is not self._storage.engine:
                engine.dispose()
        return {
            "root": str(self.root),
            "config_file": self.config.source,
            "backend": self.backend,
            "url": engine.url.render_as_string(hide_password=True),
            "schema_revision": revision,
            "head_revision": head,
            "schema_status": status,
            "runs": runs,
            "storage_dir": str(self.storage_dir),
        }

    def dispose(self) -> None:
        """Close the storage's connections (and remove an ephemeral instance's folder)."""
        with self._lock:
            if self._storage is not None:
                self._storage.dispose()
                self._storage = None
        if self._cleanup is not None:
            shutil.rmtree(self._cleanup, ignore_errors=True)
            self._cleanup = None

    def __enter__(self) -> Instance:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.dispose()

    def __repr__(self) -> str:
        return f"Instance({str(self.root)!r}, backend={self.backend!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent to another process: the same root and config, connecting there on first use.
        return (_rebuild, (self._root, self.config, self._auto_migrate))

    # Pass-throughs ------------------------------------------------------------------------

    def add_run(self, run: RunRecord) -> RunRecord:
        """Store a new run."""
        return self.storage.add_run(run)

    def get_run(self, run_id: str) -> RunRecord | None:
        """The run, or None."""
        return self.storage.get_run(run_id)

    def get_runs(
        self, filters: RunsFilter | None = None, limit: int | None = None, offset: int = 0
    ) -> list[RunRecord]:
        """Runs matching ``filters``, newest first."""
        return self.storage.get_runs(filters, limit=limit, offset=offset)

    def get_run_records(
        self,
        filters: RunsFilter | None = None,
        limit: int | None = None,
        order_by: str | None = None,
        ascending: bool = False,
    ) -> list[Any]:
        """Runs matching ``filters`` as Dagster's ``RunRecord`` (``.dagster_run``, times).

        Newest first, or oldest first with ``ascending=True``; ``order_by`` is accepted for
        Dagster's signature (runs are ordered by creation).
        """
        from headwater.snapshot.event_records import RunRecordView

        runs = self.storage.get_runs(filters, limit=None if ascending else limit)
        if ascending:
            runs = list(reversed(runs))[:limit]
        return [RunRecordView(run) for run in runs]

    def get_event_records(
        self, event_records_filter: Any, limit: int | None = None, ascending: bool = False
    ) -> list[Any]:
        """Stored events matching an ``EventRecordsFilter``, as ``EventLogRecord``s.

        Newest first, or oldest first with ``ascending=True``.
        """
        from headwater.snapshot.event_records import EventLogRecordView

        wanted = event_records_filter
        stored = self.storage.get_events_by_type(
            [wanted.event_type],
            after_storage_id=wanted.after_cursor or 0,
            newest_first=not ascending,
        )
        found = [r for r in stored if wanted.matches(r.storage_id, r.event)][:limit]
        return [EventLogRecordView(r.storage_id, r.event) for r in found]

    def store_event(self, event: RunEvent) -> int:
        """Append one event (an event sink for run workers); returns its storage id."""
        return self.storage.store_event(event)

    def get_dynamic_partitions(self, partitions_def_name: str) -> Sequence[str]:
        """Keys added to the dynamic partitions definition named so, in order."""
        return self.storage.get_dynamic_partitions(partitions_def_name)

    def has_dynamic_partition(self, partitions_def_name: str, partition_key: str) -> bool:
        """Whether ``partition_key`` was added to that definition."""
        return self.storage.has_dynamic_partition(partitions_def_name, partition_key)

    def add_dynamic_partitions(self, partitions_def_name: str, keys: Sequence[str]) -> None:
        """Add keys to a dynamic partitions definition."""
        self.storage.add_dynamic_partitions(partitions_def_name, keys)

    def delete_dynamic_partition(self, partitions_def_name: str, partition_key: str) -> None:
        """Remove a key from a dynamic partitions definition."""
        self.storage.delete_dynamic_partition(partitions_def_name, partition_key)


def _rebuild(root: Path, config: InstanceConfig, auto_migrate: bool) -> Instance:
    return Instance(root, config, auto_migrate=auto_migrate, lazy=True)


#: The name Dagster users know.
DagsterInstance = Instance
