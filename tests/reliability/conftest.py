"""Fault tests: a fresh PostgreSQL database reached through a TCP proxy the test stops and
restarts (a storage outage), and an instance folder whose headwater.yaml points there.

PostgreSQL is the server on 127.0.0.1:5432 (or HEADWATER_TEST_POSTGRES_URL); without it the
tests skip locally and fail in CI.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
import yaml
from sqlalchemy.engine import make_url

from headwater.storage.instance import Instance
from services import POSTGRES_ADMIN_URL, postgres_admin
from tcp_proxy import TcpProxy


@dataclass
class ProxiedPostgres:
    """A fresh database, the proxy in front of it and an instance folder that uses it."""

    proxy: TcpProxy
    home: Path
    #: The database URL through the proxy.
    url: str
    #: The same database, reached directly (for what the test checks during an outage).
    direct_url: str

    def instance(self) -> Instance:
        """An instance reading the home's headwater.yaml (through the proxy)."""
        return Instance.get(environ={"HEADWATER_HOME": str(self.home)})


@pytest.fixture
def proxied_postgres(tmp_path: Path) -> Iterator[ProxiedPostgres]:
    admin = postgres_admin()
    name = f"hw_fault_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    server = make_url(POSTGRES_ADMIN_URL)
    proxy = TcpProxy(server.host or "127.0.0.1", server.port or 5432).start()
    direct = server.set(database=name)
    through = direct.set(host="127.0.0.1", port=proxy.port)
    home = tmp_path / "home"
    home.mkdir()
    url = through.render_as_string(hide_password=False)
    (home / "headwater.yaml").write_text(yaml.safe_dump({"storage": {"postgres": {"url": url}}}))
    setup = Instance.get(lazy=True, environ={"HEADWATER_HOME": str(home)})
    setup.migrate()
    setup.dispose()
    try:
        yield ProxiedPostgres(proxy, home, url, direct.render_as_string(hide_password=False))
    finally:
        proxy.stop()
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
