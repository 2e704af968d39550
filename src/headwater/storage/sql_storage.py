"""``SqlStorage``: the one implementation of :class:`Storage`, on SQLite or PostgreSQL.

Its methods live in mixins by concept (``sql_runs``, ``sql_events``, ``sql_assets``,
``sql_partition_status``, ``sql_instigators``, ``sql_backfills``); this module opens the
database and checks its schema.

    storage = SqlStorage.open(SqliteStorageConfig(Path(".headwater")))
    storage.add_run(RunRecord(run_id="r1", job_name="all"))
    storage.store_event(RunEvent("r1", EventType.RUN_START, time.time()))
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from headwater.storage import migrations
from headwater.storage.base import Storage
from headwater.storage.config import StorageConfig
from headwater.storage.engines import create_engine_for, describe
from headwater.storage.sql_assets import SqlAssets
from headwater.storage.sql_automation import SqlAutomation
from headwater.storage.sql_backfills import SqlBackfills
from headwater.storage.sql_events import SqlEvents
from headwater.storage.sql_instigators import SqlInstigators
from headwater.storage.sql_partition_status import SqlPartitionStatus
from headwater.storage.sql_runs import SqlRuns


class SqlStorage(SqlRuns, SqlEvents, SqlAssets, SqlPartitionStatus, SqlInstigators, SqlBackfills,
                 SqlAutomation, Storage):
    """Instance storage on one SQLAlchemy engine.

    Use :meth:`open`, which checks (or creates) the schema; the constructor trusts that the
    schema is at the newest revision.
    """

    def __init__(self, engine: Engine, *, description: str | None = None) -> None:
        super().__init__(engine)
        self.description = description or engine.url.render_as_string(hide_password=True)

    @classmethod
    def open(cls, config: StorageConfig, *, auto_migrate: bool = False) -> SqlStorage:
        """Connect, create the schema in a new database, and check an existing one.

        Args:
            config: where the database is.
            auto_migrate: upgrade an older schema instead of raising SchemaOutdatedError.

        Raises:
            StorageConnectionError: PostgreSQL cannot be reached.
            NotAHeadwaterDatabaseError: a corrupt SQLite file, or another program's database.
            SchemaOutdatedError: the schema is older and ``auto_migrate`` is false.
            SchemaTooNewError: the schema was written by a newer headwater.
        """
        engine = create_engine_for(config)
        where = describe(config)
        try:
            migrations.check_schema(engine, where, auto_migrate=auto_migrate)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, description=where)

    @property
    def url(self) -> str:
        """The database URL with any password masked."""
        return self.engine.url.render_as_string(hide_password=True)

    def schema_revision(self) -> str | None:
        """The schema revision the database is at."""
        return migrations.current_revision(self.engine, self.description)

    def migrate(self) -> migrations.MigrationResult:
        """Upgrade the schema to the newest revision (a no-op when it is there already)."""
        return migrations.upgrade(self.engine, self.description)

    def ping(self) -> None:
        """Run a trivial query; StorageConnectionError when the database cannot be reached."""
        self._read(lambda connection: connection.execute(sa.text("SELECT 1")).scalar())

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"SqlStorage({self.url!r})"
