"""The bundled example project ``examples/quickstart``: in process and through the CLI.

Expected numbers are computed here from the CSV with ``Decimal`` arithmetic, independently of
the example's own code.
"""

from __future__ import annotations

import csv
import os
import pickle
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import headwater as hw
from headwater.loading.discovery import find_definitions
from headwater.loading.python_import import load_python_file

REPO_ROOT = Path(__file__).resolve().parents[2]
QUICKSTART = REPO_ROOT / "examples" / "quickstart"
DEFINITIONS_FILE = QUICKSTART / "definitions.py"
ORDERS_CSV = QUICKSTART / "data" / "orders.csv"
ASSETS = ("raw_orders", "cleaned_orders", "daily_revenue", "revenue_by_region", "top_customers")
MALFORMED_IDS = {"1010", "1020", "1030", "1040"}  # missing product, -2, "two", bad status


# -- expectations, from the CSV ----------------------------------------------------------------


def counted_rows(path: Path) -> list[dict[str, str]]:
    """Rows that count towards revenue: known statuses other than cancelled, sane values."""
    with path.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    kept = []
    for row in rows:
        if not all(row.values()) or row["status"] not in {"pending", "shipped", "completed"}:
            continue
        if not row["quantity"].isdigit() or int(row["quantity"]) == 0:
            continue
        date.fromisoformat(row["order_date"])
        kept.append(row)
    return kept


def revenue(row: dict[str, str]) -> Decimal:
    return Decimal(row["quantity"]) * Decimal(row["unit_price"])


def totals_by(rows: list[dict[str, str]], column: str) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        totals[row[column]] += revenue(row)
    return dict(totals)


def as_cents(values: dict[str, float]) -> dict[str, Decimal]:
    return {key: Decimal(str(value)).quantize(Decimal("0.01")) for key, value in values.items()}


def top(rows: list[dict[str, str]], limit: int) -> list[str]:
    ranked = sorted(totals_by(rows, "customer_id").items(), key=lambda kv: (-kv[1], kv[0]))
    return [customer for customer, _ in ranked[:limit]]


EXPECTED = counted_rows(ORDERS_CSV)


def test_expectations_match_the_data_file() -> None:
    with ORDERS_CSV.open(newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    cancelled = {row["order_id"] for row in rows if row["status"] == "cancelled"}
    assert len(rows) == 40
    assert {row["order_id"] for row in EXPECTED} == (
        {row["order_id"] for row in rows} - cancelled - MALFORMED_IDS
    )
    assert sum(revenue(row) for row in EXPECTED) == Decimal("1792.55")


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def quickstart() -> Iterator[ModuleType]:
    """The example module, loaded the way a code location loads it; sys.path restored after."""
    saved_path = list(sys.path)
    module = load_python_file(DEFINITIONS_FILE)
    yield module
    sys.path[:] = saved_path
    if sys.modules.get(module.__name__) is module:
        del sys.modules[module.__name__]


@pytest.fixture
def csv_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "orders.csv"
    shutil.copyfile(ORDERS_CSV, copy)
    return copy


def materialize_all(quickstart: ModuleType, csv_path: Path, storage: Path,
                    run_config: Any = None) -> hw.ExecuteInProcessResult:
    defs: hw.Definitions = quickstart.defs
    return hw.materialize(
        [*defs.assets, *defs.asset_checks],
        run_config=run_config,
        resources={
            "orders_csv": quickstart.CsvSource(path=str(csv_path)),
            "io_manager": hw.FilesystemIOManager(base_dir=storage),
        },
    )


# -- the definitions ---------------------------------------------------------------------------


def test_definitions_load_and_validate(quickstart: ModuleType) -> None:
    defs: hw.Definitions = quickstart.defs
    hw.Definitions.validate_loadable(defs)
    loaded = find_definitions(quickstart)
    assert loaded.attribute == "defs"
    assert loaded.definitions is defs
    repository = loaded.repository
    assert {key.to_user_string() for key in repository.asset_graph.executable_asset_keys} == set(
        ASSETS
    )
    assert repository.get_job("all_assets").name == "all_assets"
    assert repository.get_job("analytics").name == "analytics"
    assert repository.get_schedule("daily_refresh").execution_timezone == "Europe/Berlin"
    assert repository.get_sensor("orders_file_changed").job_name == "all_assets"


def test_groups_and_descriptions(quickstart: ModuleType) -> None:
    groups = {
        name: getattr(quickstart, name).group_names_by_key[hw.AssetKey(name)] for name in ASSETS
    }
    assert groups == {
        "raw_orders": "ingest",
        "cleaned_orders": "ingest",
        "daily_revenue": "analytics",
        "revenue_by_region": "analytics",
        "top_customers": "analytics",
    }
    description = quickstart.cleaned_orders.descriptions_by_key[hw.AssetKey("cleaned_orders")]
    assert description.startswith("The orders worth counting")


def test_materialize_everything(quickstart: ModuleType, csv_copy: Path, tmp_path: Path) -> None:
    storage = tmp_path / "storage"
    result = materialize_all(quickstart, csv_copy, storage)
    assert result.success

    assert len(result.asset_value("raw_orders")) == 40
    cleaned = result.asset_value("cleaned_orders")
    assert [row["order_id"] for row in cleaned] == [row["order_id"] for row in EXPECTED]
    assert all(row["status"] != "cancelled" for row in cleaned)

    daily = result.asset_value("daily_revenue")
    assert as_cents(daily) == totals_by(EXPECTED, "order_date")
    assert list(daily) == ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"]
    assert as_cents(result.asset_value("revenue_by_region")) == totals_by(EXPECTED, "region")
    customers = result.asset_value("top_customers")
    assert [c["customer_id"] for c in customers] == top(EXPECTED, 3)
    assert as_cents({c["customer_id"]: c["revenue"] for c in customers}) == {
        customer: total
        for customer, total in totals_by(EXPECTED, "customer_id").items()
        if customer in top(EXPECTED, 3)
    }

    # Every value went through the filesystem IO manager.
    for name in ASSETS:
        assert (storage / name).is_file(), name
    with (storage / "daily_revenue").open("rb") as file:
        assert pickle.load(file) == daily

    by_key = {m.asset_key.to_user_string(): m.metadata for m in result.asset_materializations}
    assert by_key["raw_orders"]["row_count"].value == 40
    assert "| order_id |" in by_key["raw_orders"]["preview"].value
    assert by_key["cleaned_orders"]["row_count"].value == len(EXPECTED)
    total = by_key["daily_revenue"]["total_revenue"].value
    assert isinstance(total, float)
    assert Decimal(str(total)) == sum(revenue(row) for row in EXPECTED)

    [check] = result.get_asset_check_evaluations()
    assert (check.asset_key, check.check_name, check.passed) == (
        hw.AssetKey("cleaned_orders"), "no_negative_quantities", True,
    )


def test_top_customers_limit_from_run_config(
    quickstart: ModuleType, csv_copy: Path, tmp_path: Path
) -> None:
    run_config = {"ops": {"top_customers": {"config": {"limit": 2}}}}
    result = materialize_all(quickstart, csv_copy, tmp_path / "storage", run_config)
    assert [c["customer_id"] for c in result.asset_value("top_customers")] == top(EXPECTED, 2)


def test_schedule_runs_all_assets_at_six_in_berlin(quickstart: ModuleType) -> None:
    schedule: hw.ScheduleDefinition = quickstart.daily_refresh
    berlin = ZoneInfo("Europe/Berlin")
    after = datetime(2026, 11, 5, 12, 0, tzinfo=berlin)
    tick = schedule.next_tick_after(after)
    assert tick == datetime(2026, 11, 6, 6, 0, tzinfo=berlin)
    assert tick.astimezone(ZoneInfo("UTC")).hour == 5  # CET is UTC+1 in November

    result = schedule.evaluate_tick(hw.build_schedule_context(scheduled_execution_time=tick))
    [request] = result.run_requests
    assert request.job_name == "all_assets"
    assert result.skip_message is None


def test_sensor_requests_a_run_when_the_file_changes(
    quickstart: ModuleType, csv_copy: Path
) -> None:
    sensor: hw.SensorDefinition = quickstart.orders_file_changed
    resources = {"orders_csv": quickstart.CsvSource(path=str(csv_copy))}

    first = sensor.evaluate_tick(hw.build_sensor_context(resources=resources))
    [request] = first.run_requests
    assert request.job_name == "all_assets"
    assert first.cursor == str(csv_copy.stat().st_mtime_ns)
    assert request.run_key == f"orders-{first.cursor}"

    again = sensor.evaluate_tick(hw.build_sensor_context(cursor=first.cursor, resources=resources))
    assert again.run_requests == []
    assert again.skip_message is not None and "not changed" in again.skip_message
    assert again.cursor == first.cursor

    stat = csv_copy.stat()
    os.utime(csv_copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    changed = sensor.evaluate_tick(
        hw.build_sensor_context(cursor=first.cursor, resources=resources)
    )
    [new_request] = changed.run_requests
    assert changed.cursor == str(csv_copy.stat().st_mtime_ns) != first.cursor
    assert new_request.run_key != request.run_key


def test_sensor_skips_when_the_file_is_missing(quickstart: ModuleType, tmp_path: Path) -> None:
    resources = {"orders_csv": quickstart.CsvSource(path=str(tmp_path / "absent.csv"))}
    result = quickstart.orders_file_changed.evaluate_tick(
        hw.build_sensor_context(resources=resources)
    )
    assert result.run_requests == []
    assert "does not exist" in (result.skip_message or "")


def test_csv_source_resolves_relative_paths_against_the_example(quickstart: ModuleType) -> None:
    assert quickstart.CsvSource().resolved_path() == ORDERS_CSV
    assert quickstart.CsvSource(path="/data/x.csv").resolved_path() == Path("/data/x.csv")


# -- the CLI -------------------------------------------------------------------------------------


def headwater_command() -> list[str]:
    script = Path(sys.executable).with_name("headwater")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "headwater.cli.main"]


def run_cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HEADWATER_HOME": str(home), "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [*headwater_command(), *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def stored(home: Path, asset: str) -> Any:
    with (home / "storage" / asset).open("rb") as file:
        return pickle.load(file)


TARGET = ("-f", "examples/quickstart/definitions.py")


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A HEADWATER_HOME in which ``asset materialize --select '*'`` has run once."""
    home = tmp_path_factory.mktemp("headwater_home")
    result = run_cli(home, "asset", "materialize", *TARGET, "--select", "*")
    assert result.returncode == 0, result.stdout + result.stderr
    return home


def test_cli_materialize_everything(cli_home: Path) -> None:
    for name in ASSETS:
        assert stored(cli_home, name) is not None, name
    assert as_cents(stored(cli_home, "daily_revenue")) == totals_by(EXPECTED, "order_date")
    assert len(stored(cli_home, "cleaned_orders")) == len(EXPECTED)
    assert [c["customer_id"] for c in stored(cli_home, "top_customers")] == top(EXPECTED, 3)


def test_cli_prints_each_asset(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "asset", "materialize", *TARGET, "--select", "*")
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ASSETS:
        assert f"materialized {name}" in result.stdout
    assert "no_negative_quantities passed" in result.stdout
    assert "SUCCESS" in result.stdout


def test_cli_select_downstream_of_one_asset(cli_home: Path) -> None:
    result = run_cli(cli_home, "asset", "materialize", *TARGET, "--select", "daily_revenue+")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "materialized daily_revenue" in result.stdout
    assert "materialized raw_orders" not in result.stdout


def test_cli_unknown_selection_fails_naming_it(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "asset", "materialize", *TARGET, "--select", "nope")
    assert result.returncode != 0
    assert "nope" in result.stderr
    assert not (tmp_path / "storage").exists()


def test_cli_job_execute(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "job", "execute", *TARGET, "-j", "all_assets")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all_assets" in result.stdout
    for name in ASSETS:
        assert f"materialized {name}" in result.stdout
    assert as_cents(stored(tmp_path, "revenue_by_region")) == totals_by(EXPECTED, "region")


def test_cli_config_file_changes_top_customers(cli_home: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(cli_home, home)  # cleaned_orders is already stored there
    config = tmp_path / "run_config.yaml"
    config.write_text("ops:\n  top_customers:\n    config:\n      limit: 2\n", encoding="utf-8")
    result = run_cli(
        home, "asset", "materialize", *TARGET, "--select", "top_customers",
        "--config", str(config),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "materialized top_customers" in result.stdout
    assert "materialized cleaned_orders" not in result.stdout
    assert [c["customer_id"] for c in stored(home, "top_customers")] == top(EXPECTED, 2)
