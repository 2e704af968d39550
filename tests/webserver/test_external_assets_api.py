"""Events of external assets reported over HTTP at Dagster's addresses
(/report_asset_materialization, /report_asset_observation, /report_asset_check): stored outside
any run and shown on the asset's page like events of runs."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from headwater.core.origins import PythonFileOrigin
from headwater.storage.instance import Instance
from headwater.webserver.app import create_app

from .conftest import serving

LOCATION = textwrap.dedent('''
    import headwater as hw

    lake = hw.AssetSpec(["lake", "events"], description="Loaded by another team's tool.")

    @hw.asset(deps=[lake])
    def daily_summary() -> int:
        return 1

    defs = hw.Definitions(assets=[lake, daily_summary])
''')


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Instance]]:
    root = tmp_path_factory.mktemp("external")
    source = root / "defs.py"
    source.write_text(LOCATION)
    origin = PythonFileOrigin("ext", str(source), working_directory=str(root))
    with serving(root / "home", [origin]) as (workspace, instance):
        with TestClient(create_app(workspace, instance)) as client:
            yield client, instance


def test_a_reported_materialization_shows_on_the_asset_page(
        served: tuple[TestClient, Instance]) -> None:
    client, instance = served
    answer = client.post("/report_asset_materialization/lake/events",
                         json={"metadata": {"rows": 1200, "source": "s3://bucket/x",
                                            "schema": {"id": "int"}},
                               "data_version": "2024-06-01", "description": "nightly load"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["asset_key"] == ["lake", "events"]
    page = client.get("/api/assets/lake/events").json()
    latest = page["asset"]["latest_materialization"]
    assert latest["run_id"] == ""
    shown = page["materializations"][0]["metadata"]
    assert {key: entry["value"] for key, entry in shown.items()} == {
        "rows": 1200, "source": "s3://bucket/x", "schema": {"id": "int"}}
    entry = instance.get_latest_materialization_event(["lake", "events"])
    assert entry is not None and entry.job_name == "__RUNLESS_JOB__"
    stored = instance.storage.get_latest_materializations([["lake", "events"]])
    data = stored[("lake", "events")].event.data
    assert data.data_version == "2024-06-01" and data.description == "nightly load"  # type: ignore[union-attr]


def test_key_and_fields_in_the_body_or_the_query(served: tuple[TestClient, Instance]) -> None:
    client, instance = served
    assert client.post("/report_asset_observation",
                       json={"asset_key": ["lake", "events"], "data_version": "v9"}
                       ).status_code == 200
    assert client.post("/report_asset_materialization?asset_key=lake/events&partition=p1"
                       ).status_code == 200
    observed = instance.fetch_observations(["lake", "events"], limit=1).records
    assert observed and observed[0].run_id == ""
    assert "p1" in instance.get_materialized_partitions(["lake", "events"])


def test_a_reported_check_result(served: tuple[TestClient, Instance]) -> None:
    client, instance = served
    answer = client.post("/report_asset_check/lake/events",
                         json={"check_name": "fresh", "passed": False, "severity": "WARN",
                               "metadata": {"lag_minutes": 95}})
    assert answer.status_code == 200, answer.text
    check = instance.storage.get_latest_check_results(["lake", "events"])["fresh"]
    assert not check.passed and check.event.data.severity == "WARN"  # type: ignore[union-attr]


@pytest.mark.parametrize(("path", "body", "message"), [
    ("/report_asset_materialization", {}, "Name the asset"),
    ("/report_asset_materialization/a", {"asset_key": "b"}, "not both"),
    ("/report_asset_materialization/a", {"metadata": [1, 2]}, "'metadata' must be a JSON object"),
    ("/report_asset_materialization/a", {"partition": 3}, "'partition' must be a string"),
    ("/report_asset_check/a", {"passed": True}, "'check_name' is required"),
    ("/report_asset_check/a", {"check_name": "c"}, "'passed' is required"),
    ("/report_asset_check/a", {"check_name": "c", "passed": True, "severity": "LOUD"},
     "'severity' must be ERROR or WARN"),
])
def test_bad_reports_are_refused_with_the_reason(served: tuple[TestClient, Instance],
                                                 path: str, body: dict[str, object],
                                                 message: str) -> None:
    client, instance = served
    before = instance.storage.get_indexed_asset_keys()
    answer = client.post(path, json=body)
    assert answer.status_code == 400
    assert message in answer.json()["error"]
    assert instance.storage.get_indexed_asset_keys() == before


def test_a_body_that_is_not_json_is_refused(served: tuple[TestClient, Instance]) -> None:
    client, _ = served
    answer = client.post("/report_asset_materialization/a", content=b"{not json",
                         headers={"content-type": "application/json"})
    assert answer.status_code == 400 and "not valid JSON" in answer.json()["error"]


def test_read_only_webserver_refuses_reports(tmp_path: Path) -> None:
    from headwater.workspace import Workspace

    instance = Instance(tmp_path)
    try:
        app = create_app(Workspace([]), instance, read_only=True)
        with TestClient(app) as client:
            assert client.post("/report_asset_materialization/a").status_code == 403
        assert instance.storage.get_indexed_asset_keys() == []
    finally:
        instance.dispose()


def test_a_nul_character_is_refused(served: tuple[TestClient, Instance]) -> None:
    client, instance = served
    before = instance.storage.get_indexed_asset_keys()
    answer = client.post("/report_asset_materialization/a",
                         json={"metadata": {"note": "bad\u0000value"}})
    assert answer.status_code == 400 and "metadata.note" in answer.json()["error"]
    assert instance.storage.get_indexed_asset_keys() == before
    assert client.post("/report_asset_materialization/a%00b").status_code == 400
