"""Storage fixtures: a fresh SQLite file or a fresh PostgreSQL database per test.

PostgreSQL is the server on 127.0.0.1:5432 (override with HEADWATER_TEST_POSTGRES_URL, a URL
of a database the user may create databases from). When it cannot be reached the PostgreSQL
tests skip locally and fail in CI (the ``CI`` environment variable is set).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from headwater.storage.config import PostgresStorageConfig, SqliteStorageConfig, StorageConfig
from headwater.storage.sql_storage import SqlStorage
from services import POSTGRES_ADMIN_URL, postgres_admin

BACKENDS = ["sqlite", "postgres"]


def _admin_connect() -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """The admin URL, once the server answers (skip, or fail in CI, when it does not)."""
    with postgres_admin() as connection:
        connection.execute("SELECT 1")
    return POSTGRES_ADMIN_URL


@pytest.fixture
def postgres_config(postgres_admin_url: str) -> Iterator[PostgresStorageConfig]:
    """A new, empty PostgreSQL database, dropped after the test."""
    name = f"hw_test_{uuid.uuid4().hex[:16]}"
    with _admin_connect() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    url = make_url(postgres_admin_url).set(drivername="postgresql+psycopg", database=name)
    try:
        yield PostgresStorageConfig(url)
    finally:
        with _admin_connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_config(tmp_path: Path) -> SqliteStorageConfig:
    """SQLite storage in the test's temporary folder."""
    return SqliteStorageConfig(tmp_path / "instance")


@pytest.fixture(params=BACKENDS)
def storage_config(request: pytest.FixtureRequest) -> StorageConfig:
    """SQLite, then PostgreSQL."""
    fixture = "sqlite_config" if request.param == "sqlite" else "postgres_config"
    config: StorageConfig = request.getfixturevalue(fixture)
    return config


@pytest.fixture
def storage(storage_config: StorageConfig) -> Iterator[SqlStorage]:
    """An open storage on a fresh database."""
    opened = SqlStorage.open(storage_config)
    try:
        yield opened
    finally:
        opened.dispose()
