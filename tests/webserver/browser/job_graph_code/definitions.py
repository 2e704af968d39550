"""A code location for the job graph: nested graphs, a dynamic output, op config and an
asset job over a graph-backed asset.

- ``nested_job``: ``load`` -> graph ``clean`` (``strip``, then graph ``deep`` holding
  ``normalize``) -> ``publish`` (takes config); beside it ``fan`` (a dynamic output) mapped
  over ``shout`` and collected by ``join``;
- ``assets_job``: ``raw`` -> graph-backed ``prepared`` (ops ``double``, ``add_one``) ->
  ``report``.
"""

from __future__ import annotations

import headwater as hw


@hw.op
def load() -> list:
    """Read the rows."""
    return [1, 2, 2, 3]


@hw.op
def strip(rows: list) -> list:
    """Drop empty rows."""
    return [row for row in rows if row]


@hw.op
def normalize(rows: list) -> list:
    """Sort and de-duplicate."""
    return sorted(set(rows))


@hw.graph
def deep(rows):
    return normalize(rows)


@hw.graph
def clean(rows):
    return deep(strip(rows))


class PublishConfig(hw.Config):
    """Where the rows go."""

    target: str
    retries: int = 2


@hw.op
def publish(config: PublishConfig, rows: list) -> None:
    """Write the rows to the configured target."""


@hw.op(out=hw.DynamicOut())
def fan():
    """One output per colour."""
    for name in ["red", "green"]:
        yield hw.DynamicOutput(name, mapping_key=name)


@hw.op
def shout(name: str) -> str:
    return name.upper()


@hw.op
def join(names: list) -> str:
    return ",".join(names)


@hw.job
def nested_job() -> None:
    """Cleans the rows through nested graphs, then publishes them."""
    publish(clean(load()))
    join(fan().map(shout).collect())


@hw.asset
def raw() -> list:
    return [1, 2, 3]


@hw.op
def double(numbers: list) -> list:
    return [n * 2 for n in numbers]


@hw.op
def add_one(numbers: list) -> list:
    return [n + 1 for n in numbers]


@hw.graph_asset
def prepared(raw):
    return add_one(double(raw))


@hw.asset
def report(prepared: list) -> int:
    """The sum of the prepared numbers."""
    return sum(prepared)


assets_job = hw.define_asset_job("assets_job", selection=["raw", "prepared", "report"])

defs = hw.Definitions(assets=[raw, prepared, report], jobs=[nested_job, assets_job])
