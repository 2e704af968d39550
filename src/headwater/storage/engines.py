"""SQLAlchemy engines for the two backends, and the transaction helpers both use.

SQLite: WAL journal (readers never block the writer), ``synchronous=NORMAL`` (durable at
checkpoints, safe against corruption), a 30 s busy timeout, foreign keys on. Write
transactions start with ``BEGIN IMMEDIATE``, which takes the write lock up front: a deferred
transaction that reads and then writes can fail at once with "database is locked" when
another process wrote in between, whatever the busy timeout, because SQLite cannot upgrade
its read snapshot. pysqlite's own transaction handling is switched off for this (the
documented SQLAlchemy recipe: ``isolation_level = None`` on connect, then we emit BEGIN in a
``begin`` listener). Reads use a plain deferred ``BEGIN`` for a consistent snapshot.
:func:`run_transaction` retries a transaction that still meets a busy database (or, on
PostgreSQL, a deadlock or serialisation failure) with bounded backoff.

PostgreSQL: ``postgresql+psycopg`` (psycopg 3), ``pool_pre_ping``, a small pool, a connect
timeout. A server that cannot be reached gives a :class:`StorageConnectionError` naming the
host and port, not a driver traceback.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import DBAPIError

from headwater.storage.config import PostgresStorageConfig, SqliteStorageConfig, StorageConfig
from headwater.storage.errors import (
    NotAHeadwaterDatabaseError,
    StorageConnectionError,
    StorageError,
)

T = TypeVar("T")

#: How long SQLite waits for another process's write lock before reporting busy.
SQLITE_BUSY_TIMEOUT_S = 30.0
#: Connection option that makes a SQLite transaction a reader (``BEGIN`` instead of
#: ``BEGIN IMMEDIATE``).
READ_ONLY = "headwater_read_only"
#: Retries of a transaction that met a busy database, deadlock or serialisation failure.
MAX_ATTEMPTS = 8
#: PostgreSQL errors worth retrying: serialization_failure, deadlock_detected.
_RETRY_SQLSTATES = frozenset({"40001", "40P01"})
_SQLITE_HEADER = b"SQLite format 3\x00"
_POSTGRES_CONNECT_TIMEOUT_S = "10"

_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def create_engine_for(config: StorageConfig) -> Engine:
    """The engine of a validated storage config."""
    if isinstance(config, SqliteStorageConfig):
        return create_sqlite_engine(config.db_path)
    return create_postgres_engine(config)


def describe(config: StorageConfig) -> str:
    """How messages name the database: its file, or its server and name."""
    if isinstance(config, SqliteStorageConfig):
        return f"SQLite database {config.db_path}"
    return (f"PostgreSQL database '{config.url.database}' at "
            f"{config.host}:{config.port}")


def create_sqlite_engine(path: Path) -> Engine:
    """An engine on the SQLite file ``path`` (created, with its folder, when missing).

    Raises:
        NotAHeadwaterDatabaseError: ``path`` exists and is not a SQLite database.
    """
    check_sqlite_file(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise NotAHeadwaterDatabaseError(
            f"Cannot create the folder of the SQLite database {path}: {exc}"
        ) from exc
    engine = sa.create_engine(
        URL.create("sqlite+pysqlite", database=str(path)),
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
        pool_size=5,
        max_overflow=10,
    )
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    _engines.add(engine)
    return engine


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Leave transactions to us (BEGIN IMMEDIATE for writers); see the module docstring.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        # WAL is a property of the file, set by enable_wal once the file is known to be ours.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    # Straight to the driver: this runs before every transaction.
    dbapi_connection = connection.connection.dbapi_connection
    assert dbapi_connection is not None
    dbapi_connection.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")


def enable_wal(engine: Engine) -> None:
    """Put a SQLite database (known to be headwater's) in WAL mode; it stays so."""
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        # Outside any transaction (pysqlite's own handling is off): a journal mode change
        # cannot happen inside one. It needs the database to itself and, unlike other
        # statements, reports "locked" at once instead of waiting: retry until the timeout.
        deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
        delay = 0.005
        while True:
            try:
                if driver.execute("PRAGMA journal_mode").fetchone() == ("wal",):
                    return
                if driver.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",):
                    return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc):
                    raise
            if time.monotonic() > deadline:
                raise StorageConnectionError(
                    f"The SQLite database {engine.url.database} stayed locked by other "
                    f"processes for {SQLITE_BUSY_TIMEOUT_S:.0f} s while headwater tried to "
                    "switch it to WAL mode."
                )
            _backoff(delay)
            delay = min(delay * 2, 0.2)
    finally:
        raw.close()


def check_sqlite_file(path: Path) -> None:
    """Refuse a path that exists but is not a SQLite database (never overwrite it)."""
    if not path.exists():
        return
    if not path.is_file():
        raise NotAHeadwaterDatabaseError(
            f"The SQLite database path {path} exists but is not a file. Move it away or "
            "point storage.sqlite.base_dir in headwater.yaml somewhere else."
        )
    try:
        with path.open("rb") as handle:
            header = handle.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise NotAHeadwaterDatabaseError(f"Cannot read the SQLite database {path}: {exc}") from exc
    if header and header != _SQLITE_HEADER:
        raise NotAHeadwaterDatabaseError(
            f"{path} is not a SQLite database (it may be corrupt, or another kind of file). "
            "headwater leaves it untouched: move it away to start a new instance database, "
            "or restore it from a backup."
        )


def create_postgres_engine(config: PostgresStorageConfig) -> Engine:
    """A pooled psycopg 3 engine; nothing connects until first use."""
    url = config.url
    if "connect_timeout" not in url.query:
        url = url.update_query_dict({"connect_timeout": _POSTGRES_CONNECT_TIMEOUT_S})
    engine = sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        pool_recycle=1800,
    )
    _engines.add(engine)
    return engine


def connection_error(engine: Engine, exc: DBAPIError) -> StorageError:
    """The clear error for a database that cannot be opened (names host and port, or file)."""
    url = engine.url
    text = str(exc.orig).strip()
    reason = text.splitlines()[-1].strip().rstrip(".?!") if text else type(exc.orig).__name__
    if engine.dialect.name == "sqlite":
        if isinstance(exc.orig, sqlite3.DatabaseError) and not isinstance(
            exc.orig, sqlite3.OperationalError
        ):
            return NotAHeadwaterDatabaseError(
                f"The SQLite database {url.database} cannot be read: {reason}. It may be "
                "corrupt; headwater leaves it untouched. Restore it from a backup, or move it "
                "away to start a new instance."
            )
        return StorageConnectionError(
            f"Cannot open the SQLite database {url.database}: {reason}. Check that its folder "
            "exists and is writable."
        )
    host, port = url.host or "localhost", url.port or 5432
    return StorageConnectionError(
        f"Cannot connect to PostgreSQL at {host}:{port} (database '{url.database}', user "
        f"'{url.username or ''}'): {reason}. Check that the server is running and reachable, "
        "and the storage.postgres settings in headwater.yaml."
    )


def is_retryable(exc: Exception) -> bool:
    """Whether a transaction that raised ``exc`` may succeed when run again."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(orig, sqlite3.OperationalError):
        text = str(orig).lower()
        return "locked" in text or "busy" in text
    return getattr(orig, "sqlstate", None) in _RETRY_SQLSTATES


def run_transaction(
    engine: Engine, work: Callable[[Connection], T], *, read_only: bool = False
) -> T:
    """Run ``work`` in one transaction, retrying it when the database was busy.

    Raises:
        StorageConnectionError: the database cannot be connected to, or the connection broke
            during the transaction (whether a write that broke off committed is unknown).
    """
    delay = 0.01
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            connection = engine.connect()
        except DBAPIError as exc:
            if attempt < MAX_ATTEMPTS and is_retryable(exc):
                _backoff(delay)
                delay = min(delay * 2, 1.0)
                continue
            raise connection_error(engine, exc) from exc
        try:
            with connection:
                if read_only:
                    connection = connection.execution_options(**{READ_ONLY: True})
                with connection.begin():
                    return work(connection)
        # The BEGIN listener talks to the driver directly: its errors arrive unwrapped.
        except (DBAPIError, sqlite3.OperationalError) as exc:
            if isinstance(exc, DBAPIError) and exc.connection_invalidated:
                # The server went away mid-transaction: as unreachable as a failed connect.
                raise connection_error(engine, exc) from exc
            if not is_retryable(exc):
                raise
            if attempt == MAX_ATTEMPTS:
                raise _busy_error(engine, exc) from exc
        _backoff(delay)
        delay = min(delay * 2, 1.0)
    raise AssertionError("unreachable")  # pragma: no cover


def _busy_error(engine: Engine, exc: Exception) -> StorageError:
    if engine.dialect.name == "sqlite":
        return StorageError(
            f"The SQLite database {engine.url.database} stayed locked by other processes: "
            f"{MAX_ATTEMPTS} attempts, each waiting up to {SQLITE_BUSY_TIMEOUT_S:g} s. "
            "Another program may hold it open in a long transaction."
        )
    return StorageError(f"A transaction on PostgreSQL at {engine.url.host}:{engine.url.port} "
                        f"kept conflicting with others ({MAX_ATTEMPTS} attempts): {exc}")


def _backoff(delay: float) -> None:
    time.sleep(delay * (1 + random.random()))


def _dispose_after_fork() -> None:
    # A forked child must not share its parent's pooled connections.
    for engine in list(_engines):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_dispose_after_fork)
