"""Schema migrations: Alembic revisions shipped in the package and run programmatically.

- A fresh, empty database is created at the newest revision (the tables of
  :mod:`headwater.storage.schema`, then stamped).
- A database at an older revision raises :class:`SchemaOutdatedError` until someone runs
  ``headwater instance migrate`` (:func:`upgrade`), unless the caller opened it with
  ``auto_migrate=True``.
- A database at a revision this code does not know (written by a newer headwater) raises
  :class:`SchemaTooNewError` naming both revisions.

Creation and upgrades hold the database's write lock (SQLite ``BEGIN IMMEDIATE``, a
PostgreSQL advisory lock), so many processes opening a new instance at once are safe.

To change the schema: edit ``schema.py``, add ``versions/rNNNN_<what>.py`` with
``down_revision`` set to the previous newest revision, and extend the migration tests.
"""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError

from headwater.storage import schema
from headwater.storage.engines import enable_wal, run_transaction
from headwater.storage.errors import (
    NotAHeadwaterDatabaseError,
    SchemaOutdatedError,
    SchemaTooNewError,
    StorageError,
)

if TYPE_CHECKING:  # Alembic is imported only to create or upgrade a schema (it is slow to
    # import, and every run worker opens the storage).
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent
#: Key of the PostgreSQL advisory lock held while creating or upgrading the schema.
_PG_LOCK_KEY = 0x68_77_61_74_65_72  # "hwater"


@dataclass(frozen=True)
class SchemaState:
    """What a database holds: its revision and whether it has tables of ours or others'."""

    revision: str | None
    own_tables: frozenset[str]
    other_tables: frozenset[str]


@dataclass(frozen=True)
class MigrationResult:
    """The revision before and after :func:`upgrade`."""

    before: str | None
    after: str


@functools.cache
def _script() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR))


def head_revision() -> str:
    """The newest revision this code knows."""
    head = _script().get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise StorageError("headwater's migration scripts are missing from the installation.")
    return head


def known_revisions() -> list[str]:
    """Every revision this code knows, oldest first."""
    return [script.revision for script in reversed(list(_script().walk_revisions()))]


def _config(connection: Connection) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def run_environment() -> None:
    """Body of ``env.py``: run the migration Alembic prepared on the connection we gave it."""
    from alembic import context

    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise StorageError("headwater's migrations run through headwater: use "
                           "`headwater instance migrate`, not the alembic command.")
    context.configure(
        connection=connection,
        target_metadata=schema.metadata,
        version_table=schema.VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def inspect_schema(connection: Connection) -> SchemaState:
    """The revision and tables of the database behind ``connection``."""
    tables = frozenset(sa.inspect(connection).get_table_names())
    revision = None
    if schema.VERSION_TABLE in tables:
        version = sa.table(schema.VERSION_TABLE, sa.column("version_num", sa.String))
        revisions = list(connection.execute(sa.select(version.c.version_num)).scalars())
        if len(revisions) > 1:
            raise StorageError(f"The schema version table holds several revisions: "
                               f"{', '.join(revisions)}; expected one.")
        revision = revisions[0] if revisions else None
    own = tables & (schema.HEADWATER_TABLES | {schema.VERSION_TABLE})
    return SchemaState(revision, own, tables - own)


def current_revision(engine: Engine, where: str = "database") -> str | None:
    """The revision the database is at (None when it has no headwater schema)."""
    return _inspect(engine, where).revision


def _inspect(engine: Engine, where: str) -> SchemaState:
    try:
        return run_transaction(engine, inspect_schema, read_only=True)
    except DatabaseError as exc:
        _raise_unreadable(exc, where)


def check_schema(engine: Engine, where: str, *, auto_migrate: bool = False) -> None:
    """Check the schema on open: create it when the database is new, refuse a mismatch.

    Raises:
        SchemaOutdatedError: older schema and ``auto_migrate`` is false.
        SchemaTooNewError: a revision this code does not know.
        NotAHeadwaterDatabaseError: another program's database, or a corrupt file.
    """
    state = _inspect(engine, where)
    if state.revision != schema.SCHEMA_REVISION:
        _create_or_migrate(engine, where, state, auto_migrate)
    _enable_wal(engine, where)


def _create_or_migrate(
    engine: Engine, where: str, state: SchemaState, auto_migrate: bool
) -> None:
    # The head is known without loading Alembic's scripts (a test keeps the two equal):
    # when many processes open a new database at once, only the creator imports Alembic.
    head = schema.SCHEMA_REVISION
    _check_state(state, where, head, auto_migrate, sqlite=_is_sqlite(engine))

    def create_or_upgrade(connection: Connection) -> None:
        _lock(connection)
        state = inspect_schema(connection)  # again, under the lock
        if state.revision == head:
            return
        _check_state(state, where, head, auto_migrate, sqlite=_is_sqlite(engine))
        _create_or_upgrade(connection, state, "head")

    try:
        run_transaction(engine, create_or_upgrade)
    except DatabaseError as exc:
        _raise_unreadable(exc, where)


def upgrade(engine: Engine, where: str = "database", target: str = "head") -> MigrationResult:
    """Upgrade the database to ``target`` (the newest revision by default).

    A new, empty database is created at the newest revision. Raises
    :class:`SchemaTooNewError` for a revision this code does not know.
    """

    def migrate(connection: Connection) -> MigrationResult:
        _lock(connection)
        state = inspect_schema(connection)
        _check_state(state, where, schema.SCHEMA_REVISION, auto_migrate=True,
                     sqlite=_is_sqlite(engine))
        _create_or_upgrade(connection, state, target)
        after = inspect_schema(connection).revision
        assert after is not None
        return MigrationResult(state.revision, after)

    try:
        result = run_transaction(engine, migrate)
    except DatabaseError as exc:
        _raise_unreadable(exc, where)
    _enable_wal(engine, where)
    return result


def _enable_wal(engine: Engine, where: str) -> None:
    try:
        enable_wal(engine)
    except DatabaseError as exc:
        _raise_unreadable(exc, where)


#: Alembic's version table, as Alembic itself creates it. A new instance writes it directly:
#: importing Alembic to stamp it would cost every first start (``headwater dev``) ~0.1 s.
_VERSION_TABLE = sa.Table(
    schema.VERSION_TABLE, sa.MetaData(),
    sa.Column("version_num", sa.String(32), nullable=False),
    sa.PrimaryKeyConstraint("version_num", name=f"{schema.VERSION_TABLE}_pkc"),
)


def _create_or_upgrade(connection: Connection, state: SchemaState, target: str) -> None:
    if state.revision is None and target == "head":
        schema.metadata.create_all(connection)
        _VERSION_TABLE.create(connection)
        connection.execute(_VERSION_TABLE.insert().values(version_num=schema.SCHEMA_REVISION))
        return
    from alembic import command

    command.upgrade(_config(connection), target)


def _check_state(
    state: SchemaState, where: str, head: str, auto_migrate: bool, *, sqlite: bool
) -> None:
    # PostgreSQL databases are often shared with other applications: their tables are fine
    # beside ours. A SQLite file is the instance's own, so foreign tables mean a wrong file.
    if state.revision is None:
        if state.own_tables or (state.other_tables and sqlite):
            tables = sorted(state.own_tables | state.other_tables)
            shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
            raise NotAHeadwaterDatabaseError(
                f"The {where} holds tables that are not a headwater schema ({shown}). "
                "headwater leaves it untouched: point the instance storage at another "
                "database or file."
            )
        return
    if state.revision not in known_revisions():
        raise SchemaTooNewError(
            f"The {where} has schema revision '{state.revision}', which this headwater does "
            f"not know (its newest is '{head}'): a newer headwater wrote it. Upgrade "
            "headwater to use this instance, or point HEADWATER_HOME at another instance."
        )
    if not auto_migrate:
        raise SchemaOutdatedError(
            f"The {where} has schema revision '{state.revision}', older than this "
            f"headwater's '{head}'. Run `headwater instance migrate` to upgrade it."
        )


def _is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})


def _raise_unreadable(exc: DatabaseError, where: str) -> NoReturn:
    if isinstance(exc.orig, sqlite3.DatabaseError) and not isinstance(
        exc.orig, sqlite3.OperationalError
    ):
        raise NotAHeadwaterDatabaseError(
            f"The {where} cannot be read: {exc.orig}. It may be corrupt; headwater leaves it "
            "untouched. Restore it from a backup, or move it away to start a new instance."
        ) from exc
    text = str(exc.orig).strip()
    reason = text.splitlines()[0] if text else type(exc.orig).__name__
    raise StorageError(f"Cannot check or create the headwater schema in the {where}: "
                       f"{reason}") from exc
