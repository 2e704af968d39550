"""A project exactly as ``create-dagster project`` writes it (imports changed to headwater)
loads with no arguments: ``definitions validate``, ``check defs``, ``list defs`` and ``dev``."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from polling import wait_for

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "dg_project" / "my-project"
URL = re.compile(r"serving (http://\S+)")
ASSETS = ["greeting", "order_total", "raw_customers", "raw_orders", "run_marker"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the fixture project (so nothing is written into the checkout)."""
    copy = tmp_path / "my-project"
    shutil.copytree(FIXTURE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def headwater(cwd: Path, *args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HEADWATER_HOME": str(home or cwd / ".headwater-test")}
    return subprocess.run([sys.executable, "-m", "headwater.cli.main", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=180)


def test_the_fixture_is_what_create_dagster_writes_with_headwater_imports() -> None:
    definitions = (FIXTURE / "src" / "my_project" / "definitions.py").read_text()
    assert "from headwater import definitions, load_from_defs_folder" in definitions
    assert "dagster" not in definitions
    pyproject = (FIXTURE / "pyproject.toml").read_text()
    assert '[tool.dg]\ndirectory_type = "project"' in pyproject
    assert "[tool.headwater]" not in pyproject and "[tool.dagster]" not in pyproject


@pytest.mark.parametrize("folder", [".", "src/my_project/defs/ingest"], ids=["root", "inside"])
def test_validate_with_no_arguments_from_the_project_or_inside_it(project: Path,
                                                                  folder: str) -> None:
    done = headwater(project / folder, "definitions", "validate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "✓ my-project (python_module my_project.definitions)" in done.stdout
    assert "5 assets, 1 jobs, 1 schedules, 1 sensors, 1 resources" in done.stdout
    check = headwater(project / folder, "check", "defs")
    assert check.returncode == 0 and "All 1 location(s) loaded." in check.stdout


def test_list_defs_json_shows_every_module_of_the_defs_folder(project: Path) -> None:
    done = headwater(project, "list", "defs", "--json")
    assert done.returncode == 0, done.stderr
    [location] = json.loads(done.stdout)["locations"]
    assert location["name"] == "my-project"
    [repository] = location["snapshot"]["repositories"]
    assert sorted("/".join(a["key"]) for a in repository["assets"]) == ASSETS
    assert [s["name"] for s in repository["schedules"]] == ["everything_schedule"]
    assert [s["name"] for s in repository["sensors"]] == ["new_orders_sensor"]
    assert [r["name"] for r in repository["resources"]] == ["greeter"]


def test_launch_assets_and_job(project: Path, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    done = headwater(project, "launch", "--assets", "raw_orders+", home=home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS" in done.stdout and "2 materialized" in done.stdout
    marker = tmp_path / "marker.json"
    monkeypatch.setenv("DG_PROJECT_MARKER", str(marker))
    done = headwater(project, "launch", "--job", "everything", "--config-json", "{}", home=home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 materialized" in done.stdout and marker.is_file()
    both = headwater(project, "launch", "--job", "everything", "--assets", "*", home=home)
    assert both.returncode == 2 and "exactly one of --assets" in both.stderr
    bad = headwater(project, "launch", "--assets", "*", "--config-json", "[1", home=home)
    assert bad.returncode == 2 and "--config-json" in bad.stderr


class Dev:
    """``headwater dev`` in the background, its stderr collected."""

    def __init__(self, cwd: Path, home: Path) -> None:
        env = {**os.environ, "HEADWATER_HOME": str(home)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "headwater.cli.main", "dev", "--port", "0"], cwd=cwd,
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def url(self) -> str:
        def found() -> str | None:
            match = URL.search("".join(self.lines))
            if match is None and self.process.poll() is not None:
                raise AssertionError("headwater dev exited early:\n" + "".join(self.lines))
            return match.group(1) if match else None

        return wait_for(found, "the URL to be printed", 60)

    def get(self, path: str) -> Any:
        return httpx.get(self.url() + path, timeout=30).json()

    def close(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=10)
        assert self.process.stderr is not None
        self.process.stderr.close()
        return self.process.returncode


@pytest.fixture
def dev(project: Path, tmp_path: Path) -> Iterator[Dev]:
    command = Dev(project, tmp_path / "home")
    yield command
    command.close()


@pytest.mark.slow
def test_headwater_dev_loads_the_project_with_no_arguments(dev: Dev) -> None:
    def loaded() -> dict[str, Any] | None:
        items = dev.get("/api/locations")["locations"]
        if items and items[0]["status"] == "error":
            raise AssertionError(f"the location failed to load: {items[0]}")
        return items[0] if items and items[0]["status"] == "loaded" else None

    location = wait_for(loaded, "the location to load", 60)
    assert location["name"] == "my-project"
    assert location["counts"]["assets"] == 5
    assets = sorted("/".join(a["key"]) for a in dev.get("/api/assets")["assets"])
    assert assets == ASSETS
    assert dev.close() == 0
