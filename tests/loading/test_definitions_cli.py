"""``headwater definitions validate`` and ``headwater definitions list``, run as a user would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import headwater

USER_CODE = Path(__file__).resolve().parents[1] / "user_code"
HEADWATER_DIR = str(Path(headwater.__file__).resolve().parent)

Runs = dict[str, subprocess.CompletedProcess[str]]


def run_headwater(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``headwater ARGS`` in a fresh interpreter, from ``cwd``."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "headwater.cli.main", *args], cwd=cwd, env=env,
        capture_output=True, text=True, timeout=60, check=False,
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """Every CLI run of this module, started in parallel."""
    tmp = tmp_path_factory.mktemp("cli")
    shutil.copy(USER_CODE / "syntax_error.py.txt", tmp / "syntax_error.py")
    commands: dict[str, tuple[str, ...]] = {
        "validate ok": ("validate", "-f", "good_location.py", "-f", "definitions_function.py"),
        "validate isolated": ("validate", "-f", "isolation/a/loc_a.py",
                              "-f", "isolation/b/loc_b.py"),
        "validate mixed": ("validate", "-f", "raises_at_import.py", "-f", "good_location.py",
                           "-f", str(tmp / "syntax_error.py"), "-f", "two_definitions.py"),
        "list table": ("list", "-f", "good_location.py", "-f", "legacy_repositories.py"),
        "list json": ("list", "--json", "-f", "good_location.py", "-f", "raises_at_import.py"),
    }

    def run(item: tuple[str, tuple[str, ...]]) -> tuple[str, subprocess.CompletedProcess[str]]:
        name, args = item
        return name, run_headwater("definitions", *args, cwd=USER_CODE)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(run, commands.items()))


def blocks(output: str) -> dict[str, str]:
    """validate's output split into one block per location (``✓ name`` / ``✗ name``)."""
    found: dict[str, list[str]] = {}
    current: list[str] = []
    for line in output.splitlines():
        if line[:2] in ("✓ ", "✗ "):
            current = found.setdefault(line.split()[1], [])
        current.append(line)
    return {name: "\n".join(lines) for name, lines in found.items()}


def test_validate_exits_0_when_every_location_loads(runs: Runs) -> None:
    completed = runs["validate ok"]
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "✓ good_location (python_file good_location.py) loaded" in completed.stdout
    assert "2 assets, 1 jobs, 1 schedules, 1 sensors, 0 resources" in completed.stdout
    assert "✓ definitions_function" in completed.stdout
    assert completed.stdout.rstrip().endswith("All 2 location(s) loaded.")


def test_each_location_imports_its_own_modules(runs: Runs) -> None:
    # loc_a and loc_b both `import helpers`, each from its own folder, with different
    # content: in one interpreter the second would get the first one's module.
    completed = runs["validate isolated"]
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "✓ loc_a" in completed.stdout and "✓ loc_b" in completed.stdout


def test_validate_reports_every_failing_location_with_its_own_frames(runs: Runs) -> None:
    completed = runs["validate mixed"]
    assert completed.returncode == 1
    output = completed.stdout
    assert HEADWATER_DIR not in output
    by_location = blocks(output)
    assert by_location["good_location"].startswith("✓ good_location")

    raises = by_location["raises_at_import"]
    assert raises.startswith("✗ raises_at_import (python_file raises_at_import.py): failed")
    user_file = USER_CODE / "raises_at_import.py"
    assert f'File "{user_file}", line 10, in <module>' in raises
    assert f'File "{user_file}", line 7, in read_settings' in raises
    assert raises.rstrip().endswith("ValueError: settings.toml has no [orders] section")

    syntax = by_location["syntax_error"]
    assert 'syntax_error.py", line 7' in syntax and "SyntaxError: expected ':'" in syntax

    two = by_location["two_definitions"]
    assert ("Cannot have more than one Definitions object defined at module scope: "
            "defs_ingest, defs_reporting") in two
    assert output.rstrip().endswith("3 of 4 location(s) failed to load.")


def test_list_prints_tables_of_each_location(runs: Runs) -> None:
    completed = runs["list table"]
    assert completed.returncode == 0, completed.stdout + completed.stderr
    output = completed.stdout
    for expected in ("good_location (python_file good_location.py)", "raw_orders",
                     "order_totals", "orders_job", "orders_job_schedule", "0 6 * * *",
                     "new_orders_sensor", "repository shop", "repository marketplace",
                     "shop_job"):
        assert expected in output


def test_list_json_has_locations_with_their_snapshot_or_error(runs: Runs) -> None:
    completed = runs["list json"]
    assert completed.returncode == 1  # one location failed; the JSON is still printed
    payload = json.loads(completed.stdout)
    assert list(payload) == ["locations"]
    good, bad = payload["locations"]
    assert (good["name"], good["status"], good["error"]) == ("good_location", "loaded", None)
    [repository] = good["snapshot"]["repositories"]
    assert good["snapshot"]["location_name"] == "good_location"
    assert sorted(a["key"] for a in repository["assets"]) == [["order_totals"], ["raw_orders"]]
    assert [j["name"] for j in repository["jobs"] if not j.get("is_implicit")] == ["orders_job"]
    assert [s["name"] for s in repository["schedules"]] == ["orders_job_schedule"]
    assert [s["name"] for s in repository["sensors"]] == ["new_orders_sensor"]
    assert (bad["name"], bad["status"], bad["snapshot"]) == ("raises_at_import", "error", None)
    assert bad["error"]["message"] == "ValueError: settings.toml has no [orders] section"
    assert all(HEADWATER_DIR not in frame for frame in bad["error"]["stack"])
