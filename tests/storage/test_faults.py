"""Storage that cannot be used: a clear error naming the file or server, and nothing
overwritten."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from headwater.storage.config import PostgresStorageConfig, SqliteStorageConfig
from headwater.storage.errors import NotAHeadwaterDatabaseError, StorageConnectionError
from headwater.storage.instance import Instance
from headwater.storage.sql_storage import SqlStorage


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_file_that_is_not_a_database_is_left_untouched(tmp_path: Path) -> None:
    config = SqliteStorageConfig(tmp_path)
    config.db_path.write_bytes(b"PK\x03\x04 this is a zip file, not SQLite" * 100)
    before = digest(config.db_path)
    with pytest.raises(NotAHeadwaterDatabaseError) as info:
        SqlStorage.open(config)
    assert str(config.db_path) in str(info.value)
    assert "not a SQLite database" in str(info.value)
    assert digest(config.db_path) == before
    assert not Path(f"{config.db_path}-wal").exists()


def test_a_corrupt_database_is_left_untouched(tmp_path: Path) -> None:
    config = SqliteStorageConfig(tmp_path)
    SqlStorage.open(config).dispose()
    with sqlite3.connect(config.db_path) as plain:  # a self-contained file, then damage it
        plain.execute("PRAGMA journal_mode=DELETE")
    data = bytearray(config.db_path.read_bytes())
    data[100:4096] = b"\xde\xad\xbe\xef" * ((4096 - 100) // 4)  # the schema page
    config.db_path.write_bytes(bytes(data))
    before = digest(config.db_path)
    with pytest.raises(NotAHeadwaterDatabaseError) as info:
        SqlStorage.open(config)
    assert str(config.db_path) in str(info.value) and "corrupt" in str(info.value)
    assert digest(config.db_path) == before


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    config = SqliteStorageConfig(tmp_path)
    with sqlite3.connect(config.db_path) as plain:
        plain.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        plain.execute("INSERT INTO customers (name) VALUES ('acme')")
    plain.close()
    before = digest(config.db_path)
    with pytest.raises(NotAHeadwaterDatabaseError) as info:
        SqlStorage.open(config)
    message = str(info.value)
    assert str(config.db_path) in message and "customers" in message
    assert "not a headwater schema" in message
    assert digest(config.db_path) == before


def test_a_folder_in_place_of_the_database(tmp_path: Path) -> None:
    config = SqliteStorageConfig(tmp_path)
    config.db_path.mkdir()
    with pytest.raises(NotAHeadwaterDatabaseError, match="not a file"):
        SqlStorage.open(config)


def test_an_empty_file_becomes_a_new_database(tmp_path: Path) -> None:
    config = SqliteStorageConfig(tmp_path)
    config.db_path.touch()
    storage = SqlStorage.open(config)
    try:
        assert storage.schema_revision() == "r0007"
    finally:
        storage.dispose()


def test_instance_get_reports_a_corrupt_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEADWATER_HOME", str(tmp_path))
    (tmp_path / "headwater.db").write_text("hello")
    with pytest.raises(NotAHeadwaterDatabaseError, match="headwater.db"):
        Instance.get()


def test_unreachable_postgres_names_host_and_port() -> None:
    config = PostgresStorageConfig(make_url("postgresql+psycopg://hw:secret@127.0.0.1:1/hw"))
    with pytest.raises(StorageConnectionError) as info:
        SqlStorage.open(config)
    message = str(info.value)
    assert "127.0.0.1:1" in message and "PostgreSQL" in message
    assert "secret" not in message
    assert "\n" not in message


def test_missing_postgres_database_names_host_and_port(postgres_admin_url: str) -> None:
    url = make_url(postgres_admin_url).set(drivername="postgresql+psycopg",
                                           database="hw_no_such_database")
    with pytest.raises(StorageConnectionError) as info:
        SqlStorage.open(PostgresStorageConfig(url))
    assert f"{url.host}:{url.port}" in str(info.value)
    assert "hw_no_such_database" in str(info.value)


def test_unwritable_sqlite_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(NotAHeadwaterDatabaseError, match="Cannot create the folder"):
        SqlStorage.open(SqliteStorageConfig(blocker / "sub"))
