"""``headwater scaffold project`` and ``scaffold defs``: a new project that loads and tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def headwater(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HEADWATER_HOME": str(cwd / ".hw-home")}
    return subprocess.run([sys.executable, "-m", "headwater.cli.main", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=180)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    done = headwater(tmp_path, "scaffold", "project", "sales-reports")
    assert done.returncode == 0, done.stderr
    return tmp_path / "sales-reports"


def test_a_scaffolded_project_loads_and_its_test_passes(project: Path) -> None:
    package = project / "src" / "sales_reports"
    assert (package / "defs" / "assets.py").is_file()
    assert 'root_module = "sales_reports"' in (project / "pyproject.toml").read_text()
    for kind, path in [("asset", "ingest/orders.py"), ("dagster.schedule", "nightly"),
                       ("sensor", "watch.py"), ("resources", "resources.py")]:
        done = headwater(project, "scaffold", "defs", kind, path)
        assert done.returncode == 0, done.stderr
    assert (package / "defs" / "ingest" / "orders.py").is_file()
    check = headwater(package, "check", "defs")
    assert check.returncode == 0, check.stdout + check.stderr
    assert "✓ sales-reports" in check.stdout
    assert "3 assets, 1 jobs, 1 schedules, 1 sensors, 0 resources" in check.stdout
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                           cwd=project, capture_output=True, text=True, timeout=180)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    launched = headwater(project, "launch", "--assets", "orders")
    assert launched.returncode == 0 and "1 materialized" in launched.stdout, launched.stdout


def test_scaffold_refuses_bad_input(project: Path, tmp_path: Path) -> None:
    again = headwater(tmp_path, "scaffold", "project", "sales-reports")
    assert again.returncode == 2 and "not empty" in again.stderr
    kind = headwater(project, "scaffold", "defs", "dbt", "x.py")
    assert kind.returncode == 2 and "use one of asset, schedule, sensor, resources" in kind.stderr
    name = headwater(project, "scaffold", "defs", "asset", "my-asset.py")
    assert name.returncode == 2 and "Python identifier" in name.stderr
    duplicate = headwater(project, "scaffold", "defs", "asset", "assets.py")
    assert duplicate.returncode == 2 and "already exists" in duplicate.stderr
    outside = headwater(tmp_path, "scaffold", "defs", "asset", "a.py")
    assert outside.returncode == 2 and "No dg project configuration" in outside.stderr
