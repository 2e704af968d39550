"""The machine services some tests need (PostgreSQL, Redis, RabbitMQ, Chromium, network
namespaces), and the one rule for when one is missing: skip locally, fail in CI.

CI (the ``CI`` environment variable is set) must run every such test, so there a missing
service is a failure that says what to install or start, never a silent skip.
"""

from __future__ import annotations

import os
from typing import NoReturn

import psycopg
import pytest

#: A PostgreSQL database the tests may create databases from.
POSTGRES_ADMIN_URL = os.environ.get(
    "HEADWATER_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def unavailable(message: str) -> NoReturn:
    """Skip the test because ``message`` (what is missing), or fail it when CI is set."""
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set: CI must run this test; see .ci/run)")
    pytest.skip(message)


def postgres_admin() -> psycopg.Connection[tuple[object, ...]]:
    """An autocommit connection to :data:`POSTGRES_ADMIN_URL`; unavailable() when unreachable."""
    try:
        return psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        unavailable(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {exc}".strip())
