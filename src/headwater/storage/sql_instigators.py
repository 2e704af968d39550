"""Schedule and sensor state, their ticks, dynamic partition keys and the key-value table."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence

import msgspec
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from headwater.snapshot.runs import InstigatorState, InstigatorType, TickRecord, TickStatus
from headwater.storage.errors import StorageError
from headwater.storage.schema import dynamic_partitions, instigators, kv, ticks
from headwater.storage.sql_base import SqlBase

_encoder = msgspec.json.Encoder()
_state_decoder = msgspec.json.Decoder(InstigatorState)
_tick_decoder = msgspec.json.Decoder(TickRecord)


class SqlInstigators(SqlBase):
    """Schedules, sensors, ticks, dynamic partitions and key-value pairs."""

    # Schedule and sensor state -----------------------------------------------------------

    def get_instigator_state(
        self, location_name: str, name: str, instigator_type: InstigatorType
    ) -> InstigatorState | None:
        query = sa.select(instigators.c.body).where(
            instigators.c.location_name == location_name,
            instigators.c.name == name,
            instigators.c.instigator_type == instigator_type.value,
        )

        def read(connection: Connection) -> InstigatorState | None:
            body = connection.execute(query).scalar_one_or_none()
            return None if body is None else _state_decoder.decode(body)

        return self._read(read)

    def set_instigator_state(self, state: InstigatorState) -> None:
        state = msgspec.structs.replace(state, updated_at=state.updated_at or time.time())
        values = {
            "location_name": state.location_name,
            "name": state.name,
            "instigator_type": state.instigator_type.value,
            "status": state.status.value,
            "cursor": state.cursor,
            "body": _encoder.encode(state).decode(),
            "updated_at": state.updated_at,
        }
        statement = self._insert(instigators).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=[instigators.c.location_name, instigators.c.name,
                            instigators.c.instigator_type],
            set_={key: statement.excluded[key]
                  for key in ("status", "cursor", "body", "updated_at")},
        )
        self._write(lambda connection: connection.execute(statement))

    def get_instigator_states(
        self, location_name: str | None = None, instigator_type: InstigatorType | None = None
    ) -> list[InstigatorState]:
        query = sa.select(instigators.c.body).order_by(
            instigators.c.location_name, instigators.c.name, instigators.c.instigator_type
        )
        if location_name is not None:
            query = query.where(instigators.c.location_name == location_name)
        if instigator_type is not None:
            query = query.where(instigators.c.instigator_type == instigator_type.value)
        return self._read(lambda connection: [
            _state_decoder.decode(body) for body in connection.execute(query).scalars()
        ])

    # Ticks --------------------------------------------------------------------------------

    def add_tick(self, tick: TickRecord) -> TickRecord:
        statement = ticks.insert().values(
            location_name=tick.location_name,
            name=tick.name,
            instigator_type=tick.instigator_type.value,
            timestamp=tick.timestamp,
            status=tick.status.value,
            body=_encoder.encode(msgspec.structs.replace(tick, tick_id=0)).decode(),
        ).returning(ticks.c.id)
        tick_id = self._write(lambda connection: int(connection.execute(statement).scalar_one()))
        return msgspec.structs.replace(tick, tick_id=tick_id)

    def update_tick(self, tick: TickRecord) -> None:
        if tick.tick_id <= 0:
            raise StorageError("update_tick needs a stored tick: pass the TickRecord that "
                               "add_tick returned (its tick_id is set).")
        statement = ticks.update().where(ticks.c.id == tick.tick_id).values(
            timestamp=tick.timestamp,
            status=tick.status.value,
            body=_encoder.encode(msgspec.structs.replace(tick, tick_id=0)).decode(),
        )

        def update(connection: Connection) -> None:
            if connection.execute(statement).rowcount == 0:
                raise StorageError(f"No stored tick has id {tick.tick_id}.")

        self._write(update)

    def get_ticks(
        self,
        location_name: str,
        name: str,
        instigator_type: InstigatorType,
        limit: int | None = None,
    ) -> list[TickRecord]:
        query = (
            sa.select(ticks.c.id, ticks.c.body)
            .where(ticks.c.location_name == location_name, ticks.c.name == name,
                   ticks.c.instigator_type == instigator_type.value)
            .order_by(ticks.c.timestamp.desc(), ticks.c.id.desc())
        )
        if limit is not None:
            query = query.limit(limit)
        return self._read(lambda connection: [
            msgspec.structs.replace(_tick_decoder.decode(row.body), tick_id=int(row.id))
            for row in connection.execute(query)
        ])

    def delete_ticks(self, before: float, statuses: Iterable[TickStatus]) -> int:
        statement = ticks.delete().where(
            ticks.c.timestamp < before,
            ticks.c.status.in_([status.value for status in statuses]))
        return self._write(lambda connection: int(connection.execute(statement).rowcount))

    # Dynamic partitions -------------------------------------------------------------------

    def get_dynamic_partitions(self, partitions_def_name: str) -> list[str]:
        query = (
            sa.select(dynamic_partitions.c.partition_key)
            .where(dynamic_partitions.c.partitions_def_name == partitions_def_name)
            .order_by(dynamic_partitions.c.id)
        )
        return self._read(lambda connection: list(connection.execute(query).scalars()))

    def has_dynamic_partition(self, partitions_def_name: str, partition_key: str) -> bool:
        query = sa.select(dynamic_partitions.c.id).where(
            dynamic_partitions.c.partitions_def_name == partitions_def_name,
            dynamic_partitions.c.partition_key == partition_key,
        )
        return self._read(lambda connection: connection.execute(query).first() is not None)

    def add_dynamic_partitions(self, partitions_def_name: str, keys: Sequence[str]) -> None:
        unique = list(dict.fromkeys(keys))
        if not unique:
            return
        now = time.time()
        statement = self._insert(dynamic_partitions).on_conflict_do_nothing(
            index_elements=[dynamic_partitions.c.partitions_def_name,
                            dynamic_partitions.c.partition_key]
        )
        rows = [{"partitions_def_name": partitions_def_name, "partition_key": key,
                 "created_at": now} for key in unique]
        self._write(lambda connection: connection.execute(statement, rows))

    def delete_dynamic_partition(self, partitions_def_name: str, partition_key: str) -> None:
        statement = dynamic_partitions.delete().where(
            dynamic_partitions.c.partitions_def_name == partitions_def_name,
            dynamic_partitions.c.partition_key == partition_key,
        )
        self._write(lambda connection: connection.execute(statement))

    # Key-value ----------------------------------------------------------------------------

    def get_kv(self, key: str) -> str | None:
        query = sa.select(kv.c.value).where(kv.c.key == key)
        return self._read(lambda connection: connection.execute(query).scalar_one_or_none())

    def set_kv(self, key: str, value: str) -> None:
        statement = self._insert(kv).values(key=key, value=value)
        statement = statement.on_conflict_do_update(
            index_elements=[kv.c.key], set_={"value": statement.excluded.value}
        )
        self._write(lambda connection: connection.execute(statement))
