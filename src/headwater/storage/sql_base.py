"""What the SQL storage mixins share: the engine, transactions, upserts and key encoding."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, Union

import msgspec
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from headwater.storage.engines import run_transaction

T = TypeVar("T")

if TYPE_CHECKING:
    from typing import TypeAlias

    from sqlalchemy.engine import Row
    from typing_extensions import Unpack

    #: A result row of any width.
    AnyRow: TypeAlias = Row[Unpack[tuple[Any, ...]]]

Insert = Union[sqlite.Insert, postgresql.Insert]

_key_encoder = msgspec.json.Encoder()
_key_decoder = msgspec.json.Decoder(list[str])

#: Rows per statement when a query takes a list of values (well under SQLite's limits).
CHUNK = 500


class SqlBase:
    """One SQLAlchemy engine, on SQLite or PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgres``."""
        return "sqlite" if self.engine.dialect.name == "sqlite" else "postgres"

    def _write(self, work: Callable[[Connection], T]) -> T:
        return run_transaction(self.engine, work)

    def _read(self, work: Callable[[Connection], T]) -> T:
        return run_transaction(self.engine, work, read_only=True)

    def _insert(self, table: sa.Table) -> Insert:
        """An INSERT that supports ``on_conflict_do_update``/``_nothing`` on either backend."""
        if self.engine.dialect.name == "sqlite":
            return sqlite.insert(table)
        return postgresql.insert(table)


def encode_key(asset_key: Sequence[str]) -> str:
    """An asset key as stored: its compact JSON list."""
    return _key_encoder.encode(list(asset_key)).decode()


def decode_key(text: str) -> list[str]:
    """The asset key path stored as ``text``."""
    return _key_decoder.decode(text)


def chunks(values: Sequence[T], size: int = CHUNK) -> list[Sequence[T]]:
    """``values`` in slices of at most ``size``."""
    return [values[index:index + size] for index in range(0, len(values), size)]
