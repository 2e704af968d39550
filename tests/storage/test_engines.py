"""Engine behaviour: SQLite pragmas, write transactions that take the lock up front, retries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from headwater.storage import engines
from headwater.storage.engines import create_sqlite_engine, run_transaction
from headwater.storage.errors import StorageError


def test_sqlite_connections_are_configured(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "a.db")
    try:
        def pragmas(connection: Connection) -> tuple[object, ...]:
            return tuple(connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                         for name in ("busy_timeout", "synchronous", "foreign_keys"))

        assert run_transaction(engine, pragmas, read_only=True) == (30_000, 1, 1)
    finally:
        engine.dispose()


def test_writers_take_the_lock_when_they_begin(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "a.db")
    try:
        def probe(connection: Connection) -> bool:
            # Another connection cannot start writing while this transaction is open, even
            # though this one has not written anything yet.
            other = sqlite3.connect(tmp_path / "a.db", timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                return "locked" in str(exc)
            finally:
                other.close()
            return False

        assert run_transaction(engine, probe) is True
        assert run_transaction(engine, probe, read_only=True) is False
    finally:
        engine.dispose()


def test_a_busy_transaction_is_run_again(tmp_path: Path) -> None:
    engine = create_sqlite_engine(tmp_path / "a.db")
    attempts: list[int] = []

    def flaky(connection: Connection) -> int:
        attempts.append(1)
        if len(attempts) < 3:
            raise sqlite3.OperationalError("database is locked")
        return int(connection.exec_driver_sql("SELECT 7").scalar_one())

    try:
        assert run_transaction(engine, flaky) == 7
        assert len(attempts) == 3
        attempts.clear()

        def broken(connection: Connection) -> None:
            attempts.append(1)
            connection.exec_driver_sql("SELECT * FROM no_such_table")

        with pytest.raises(OperationalError, match="no_such_table"):
            run_transaction(engine, broken)
        assert len(attempts) == 1  # not a busy database: no retry
    finally:
        engine.dispose()


def test_retries_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engines, "SQLITE_BUSY_TIMEOUT_S", 0.01)
    monkeypatch.setattr(engines, "MAX_ATTEMPTS", 2)
    engine = create_sqlite_engine(tmp_path / "a.db")
    holder = sqlite3.connect(tmp_path / "a.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StorageError, match="stayed locked by other processes: 2 attempts"):
            run_transaction(engine, lambda connection: None)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        engine.dispose()
