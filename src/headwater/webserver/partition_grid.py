"""The partitions view of an asset: every partition's status, compact enough for 100k keys.

``GET /api/asset-partitions/{key}`` answers::

    {"asset_key": ["hourly"], "location": "etl", "kind": "time_window",
     "keys": ["2016-01-01-00:00", ...],            # 1-D definitions: every key, in order
     "dimensions": null,                            # multi: [{"name", "keys"}, {"name", "keys"}]
     "statuses": "MMMF-P--",                        # one letter per partition (see LETTERS)
     "counts": {"materialized": 4, "failed": 1, "in_progress": 1, "missing": 2}}

For a multi-partitioned asset ``statuses`` runs over the first dimension's keys (rows), then
the second's (columns); a time dimension is always the columns. A cell's key joins the two
with ``|`` in dimension-name order.

The keys are listed from the snapshot's partitions data (``core.partition_keys``, cached) and
the statuses come from the storage's partition-status table (``get_partition_statuses``,
cached and read incrementally), so answering costs one pass over the keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import product
from typing import Any, NamedTuple

import msgspec

from headwater.core.partition_keys import MULTI_SEPARATOR, dimension_keys, partition_keys
from headwater.core.run_status import RunStatus
from headwater.snapshot.location import PartitionsSnap
from headwater.storage.instance import Instance
from headwater.storage.sql_partition_status import PartitionStatus

__all__ = ["LETTERS", "asset_partitions_item", "backfill_status_letters", "encoded_view",
           "status_letters"]

#: The letter of each status in ``statuses``.
LETTERS = {PartitionStatus.MISSING: "-", PartitionStatus.MATERIALIZED: "M",
           PartitionStatus.FAILED: "F", PartitionStatus.IN_PROGRESS: "P"}
_BY_CODE = [LETTERS[PartitionStatus(code)] for code in range(len(PartitionStatus))]
_COUNT_NAMES = {"M": "materialized", "F": "failed", "P": "in_progress", "-": "missing"}
_encoder = msgspec.json.Encoder()
#: Encoded views kept per webserver (about 1.7 MB each for 87,600 hourly keys).
MAX_CACHED_VIEWS = 32
_RUN_LETTERS = {RunStatus.SUCCESS: "M", RunStatus.FAILURE: "F", RunStatus.CANCELED: "F"}


def status_letters(keys: Sequence[str], statuses: Mapping[str, int]) -> str:
    """One letter per key: its status, ``-`` when it has none."""
    letters, get = _BY_CODE, statuses.get
    return "".join([letters[get(key, 0)] for key in keys])


def counts(letters: str) -> dict[str, int]:
    """How many partitions have each status."""
    return {name: letters.count(letter) for letter, name in _COUNT_NAMES.items()}


def _keys(instance: Instance, partitions: PartitionsSnap
          ) -> tuple[list[str], list[dict[str, Any]] | None]:
    """Every key in grid order, and the two dimensions of a multi-partitioned asset."""
    dynamic = instance.storage.get_dynamic_partitions
    data = partitions.data
    if data.get("kind") != "multi" or len(data["dimensions"]) != 2:
        return partition_keys(data, dynamic), None
    by_name = dimension_keys(data, dynamic)
    names = list(by_name)
    kinds = {item["name"]: item["partitions_def"].get("kind") for item in data["dimensions"]}
    if kinds[names[0]] == "time_window" and kinds[names[1]] != "time_window":
        names.reverse()  # time runs along the columns, the other dimension down the rows
    first_is_first = sorted(names) == names
    rows, columns = by_name[names[0]], by_name[names[1]]
    keys = [MULTI_SEPARATOR.join((row, column) if first_is_first else (column, row))
            for row, column in product(rows, columns)]
    return keys, [{"name": name, "keys": by_name[name]} for name in names]


def _item(asset_key: Sequence[str], location: str, partitions: PartitionsSnap,
          keys: list[str], dimensions: list[dict[str, Any]] | None,
          statuses: Mapping[str, int]) -> dict[str, Any]:
    letters = status_letters(keys, statuses)
    return {"asset_key": list(asset_key), "location": location, "kind": partitions.kind,
            "keys": None if dimensions else keys, "dimensions": dimensions,
            "statuses": letters, "counts": counts(letters)}


def asset_partitions_item(instance: Instance, asset_key: Sequence[str], location: str,
                          partitions: PartitionsSnap) -> dict[str, Any]:
    """The partitions view of one asset (see the module docstring)."""
    statuses = instance.storage.get_partition_statuses(asset_key)
    keys, dimensions = _keys(instance, partitions)
    return _item(asset_key, location, partitions, keys, dimensions, statuses)


class _Encoded(NamedTuple):
    partitions: PartitionsSnap
    statuses: Mapping[str, int]
    keys: list[str]
    body: bytes


def encoded_view(cache: dict[Any, Any], instance: Instance, asset_key: Sequence[str],
                 location: str, partitions: PartitionsSnap) -> bytes:
    """:func:`asset_partitions_item` as JSON, from ``cache`` while neither the definition,
    the keys nor the statuses changed (the storage hands out the same statuses object)."""
    statuses = instance.storage.get_partition_statuses(asset_key)
    keys, dimensions = _keys(instance, partitions)
    name = (location, tuple(asset_key))
    cached = cache.get(name)
    if (cached is not None and cached.partitions is partitions
            and cached.statuses is statuses and cached.keys == keys):
        body: bytes = cached.body
        return body
    body = _encoder.encode(_item(asset_key, location, partitions, keys, dimensions, statuses))
    if name not in cache and len(cache) >= MAX_CACHED_VIEWS:
        cache.pop(next(iter(cache)))
    cache[name] = _Encoded(partitions, statuses, keys, body)
    return body


def backfill_status_letters(keys: Sequence[str],
                            runs: Mapping[str, RunStatus | None]) -> str:
    """One letter per backfill partition from its run's status (``-``: no run yet)."""
    return "".join([
        "-" if (status := runs.get(key)) is None else _RUN_LETTERS.get(status, "P")
        for key in keys
    ])
