"""Partitioned backfills driven over HTTP through a real ``headwater dev`` (its daemon runs
them): mapped upstream partitions reach each input exactly, backfill policies decide the
number of runs, and the partitions API shows what was materialized."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from polling import wait_for

from .browser.devserver import headwater_dev

LOCATION_FILE = Path(__file__).resolve().parents[1] / "daemon" / "user_code" / (
    "partitions_location.py")
LOCATION = "partitions_location"


@pytest.fixture
def dev(tmp_path: Path) -> Iterator[tuple[httpx.Client, Path]]:
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(LOCATION_FILE, project / LOCATION_FILE.name)
    home = tmp_path / "home"
    with headwater_dev(project, LOCATION_FILE.name, home) as url, httpx.Client(
            base_url=url, timeout=30, headers={"Origin": url}) as client:
        wait_for(lambda: any(item["status"] == "loaded" for item in
                             client.get("/api/locations").json()["locations"]),
                 "the location to load", 120)
        yield client, home


def _backfill(client: httpx.Client, asset: str, **partitions: Any) -> str:
    response = client.post("/api/backfills", json={
        "location": LOCATION, "asset_selection": [[asset]], **partitions})
    assert response.status_code == 201, response.text
    backfill_id: str = response.json()["backfill_id"]
    return backfill_id


def _finished(client: httpx.Client, *backfill_ids: str) -> list[dict[str, Any]]:
    def done() -> list[dict[str, Any]] | None:
        bodies = [client.get(f"/api/backfills/{backfill_id}").json()
                  for backfill_id in backfill_ids]
        if all(body["backfill"]["status"] in ("COMPLETED", "FAILED") for body in bodies):
            return bodies
        return None

    bodies = wait_for(done, f"backfills {backfill_ids} to finish", 240)
    assert [body["backfill"]["status"] for body in bodies] == ["COMPLETED"] * len(bodies), [
        body["partitions"] for body in bodies]
    return bodies


def _seen(home: Path, name: str) -> Any:
    return json.loads((home / "seen" / f"{name}.json").read_text())


@pytest.mark.slow
def test_mapped_partitions_backfilled_over_http_reach_each_input_exactly(
        dev: tuple[httpx.Client, Path]) -> None:
    client, home = dev
    upstream = [
        _backfill(client, "hourly_events",
                  partition_range={"start": "2024-01-02-00:00", "end": "2024-01-02-23:00"}),
        _backfill(client, "daily_sales",
                  partition_range={"start": "2024-01-07", "end": "2024-01-13"}),
        _backfill(client, "regional", partitions=["2024-01-03|eu", "2024-01-03|us"]),
    ]
    hourly = _finished(client, *upstream)[0]
    assert len({item["run_id"] for item in hourly["partitions"]}) == 1  # single_run
    assert hourly["statuses"] == "M" * 24
    _finished(client,
              _backfill(client, "daily_summary", partitions=["2024-01-02"]),
              _backfill(client, "weekly_report", partitions=["2024-01-14"]),
              _backfill(client, "all_regions", partitions=["2024-01-03"]))
    assert _seen(home, "daily_summary.2024-01-02") == [
        f"2024-01-02-{hour:02d}:00" for hour in range(24)]
    assert _seen(home, "weekly_report.2024-01-14") == [
        f"2024-01-{day:02d}" for day in range(7, 14)]
    assert _seen(home, "all_regions.2024-01-03") == ["2024-01-03|eu", "2024-01-03|us"]
    # The partitions API of the hourly asset: exactly those 24 hours materialized.
    view = client.get("/api/asset-partitions/hourly_events").json()
    materialized = [key for key, letter in zip(view["keys"], view["statuses"], strict=True)
                    if letter == "M"]
    assert materialized == [f"2024-01-02-{hour:02d}:00" for hour in range(24)]
    regional = client.get("/api/asset-partitions/regional").json()
    assert regional["counts"]["materialized"] == 2 and regional["dimensions"] is not None


@pytest.mark.slow
def test_1000_daily_partitions_over_http_are_one_run_or_ten(
        dev: tuple[httpx.Client, Path]) -> None:
    client, home = dev
    span = {"start": "2020-01-01", "end": "2022-09-26"}
    single, multi = _finished(client, _backfill(client, "single_run_daily", partition_range=span),
                              _backfill(client, "multi_run_daily", partition_range=span))
    assert len(single["partitions"]) == len(multi["partitions"]) == 1000
    assert len({item["run_id"] for item in single["partitions"]}) == 1
    assert len({item["run_id"] for item in multi["partitions"]}) == 10
    assert _seen(home, "single_run_daily.range") == ["2020-01-01", "2022-09-26"]
    view = client.get("/api/asset-partitions/multi_run_daily").json()
    assert view["statuses"][:1000] == "M" * 1000
