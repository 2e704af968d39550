"""Backfills: add, read, list by status, and replace."""

from __future__ import annotations

import time
from collections.abc import Iterable

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from headwater.snapshot.runs import BackfillRecord, BackfillStatus
from headwater.storage.errors import StorageError
from headwater.storage.schema import backfills
from headwater.storage.sql_base import SqlBase

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(BackfillRecord)


class SqlBackfills(SqlBase):
    """The backfills table."""

    def add_backfill(self, backfill: BackfillRecord) -> BackfillRecord:
        now = time.time()
        created = backfill.created_at or now
        backfill = msgspec.structs.replace(backfill, created_at=created,
                                           updated_at=backfill.updated_at or created)
        statement = backfills.insert().values(
            backfill_id=backfill.backfill_id, status=backfill.status.value,
            location_name=backfill.location_name, created_at=backfill.created_at,
            updated_at=backfill.updated_at, body=_encoder.encode(backfill).decode())

        def add(connection: Connection) -> None:
            try:
                connection.execute(statement)
            except IntegrityError as exc:
                raise StorageError(
                    f"A backfill with id '{backfill.backfill_id}' is already stored.") from exc

        self._write(add)
        return backfill

    def get_backfill(self, backfill_id: str) -> BackfillRecord | None:
        query = sa.select(backfills.c.body).where(backfills.c.backfill_id == backfill_id)

        def read(connection: Connection) -> BackfillRecord | None:
            body = connection.execute(query).scalar_one_or_none()
            return None if body is None else _decoder.decode(body)

        return self._read(read)

    def get_backfills(
        self, status: BackfillStatus | None = None, limit: int | None = None
    ) -> list[BackfillRecord]:
        query = sa.select(backfills.c.body).order_by(backfills.c.id.desc())
        if status is not None:
            query = query.where(backfills.c.status == status.value)
        if limit is not None:
            query = query.limit(limit)
        return self._read(lambda connection: [
            _decoder.decode(body) for body in connection.execute(query).scalars()
        ])

    def update_backfill(
        self, backfill: BackfillRecord, *, expected: Iterable[BackfillStatus] | None = None
    ) -> bool:
        backfill = msgspec.structs.replace(backfill, updated_at=time.time())
        statement = backfills.update().where(
            backfills.c.backfill_id == backfill.backfill_id
        ).values(status=backfill.status.value, updated_at=backfill.updated_at,
                 body=_encoder.encode(backfill).decode())
        if expected is not None:
            statement = statement.where(
                backfills.c.status.in_([status.value for status in expected]))

        def update(connection: Connection) -> bool:
            if connection.execute(statement).rowcount > 0:
                return True
            exists = connection.execute(sa.select(backfills.c.id).where(
                backfills.c.backfill_id == backfill.backfill_id)).first()
            if exists is None:
                raise StorageError(f"No stored backfill has id '{backfill.backfill_id}'.")
            return False

        return self._write(update)
