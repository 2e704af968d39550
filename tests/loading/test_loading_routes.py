"""Every way of naming code locations, run through ``headwater definitions list --json``.

Each route is one CLI run in a fresh process, started all together in parallel by the
``routes`` fixture; each test then reads the JSON of its own run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

USER_CODE = Path(__file__).resolve().parents[1] / "user_code"

#: route name -> (arguments after ``definitions list --json``, cwd relative to user_code)
ROUTES: dict[str, tuple[tuple[str, ...], str]] = {
    "-f twice": (("-f", "good_location.py", "-f", "same_asset/team_a.py"), "."),
    "-f package file": (("-f", "relative_pkg/definitions.py"), "."),
    "-m twice": (("-m", "relative_pkg.definitions", "-m", "good_location"), "."),
    "--package-name with -d": (("--package-name", "relative_pkg", "-d", str(USER_CODE)),
                               "bad_workspaces"),
    "-f with -d": (("-f", "good_location.py", "-d", str(USER_CODE)), "bad_workspaces"),
    "-a": (("-f", "attribute_choices.py", "-a", "reporting"), "."),
    "-w twice": (("-w", "workspace_project/workspace.yaml",
                  "-w", "workspace_project/second.yaml"), "."),
    "pyproject module_name": ((), "src_project"),
    "pyproject modules": ((), "modules_project"),
    "workspace.yaml default": ((), "workspace_project"),
    "legacy and @definitions": (("-f", "legacy_repositories.py",
                                 "-f", "definitions_function.py"), "."),
    "same asset name": (("-f", "same_asset/team_a.py", "-f", "same_asset/team_b.py"), "."),
}


def run_headwater(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``headwater ARGS`` in a fresh interpreter, from ``cwd``."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "headwater.cli.main", *args], cwd=cwd, env=env,
        capture_output=True, text=True, timeout=60, check=False,
    )


@pytest.fixture(scope="module")
def routes() -> dict[str, subprocess.CompletedProcess[str]]:
    """Every route's ``definitions list --json`` run, started in parallel."""
    def run(item: tuple[str, tuple[tuple[str, ...], str]]
            ) -> tuple[str, subprocess.CompletedProcess[str]]:
        name, (args, cwd) = item
        return name, run_headwater("definitions", "list", "--json", *args, cwd=USER_CODE / cwd)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(run, ROUTES.items()))


def locations(routes: dict[str, subprocess.CompletedProcess[str]], route: str
              ) -> dict[str, dict[str, Any]]:
    """The route's locations by name, after checking the run succeeded."""
    completed = routes[route]
    assert completed.returncode == 0, completed.stdout + completed.stderr
    payload = json.loads(completed.stdout)
    found = {item["name"]: item for item in payload["locations"]}
    assert all(item["status"] == "loaded" for item in found.values()), completed.stdout
    return found


def asset_keys(location: dict[str, Any]) -> list[str]:
    """``a/b`` keys of every asset of every repository of a loaded location."""
    return sorted("/".join(asset["key"]) for repository in location["snapshot"]["repositories"]
                  for asset in repository["assets"])


def test_each_python_file_is_a_location(routes: dict[str, Any]) -> None:
    found = locations(routes, "-f twice")
    assert sorted(found) == ["good_location", "team_a"]
    assert asset_keys(found["good_location"]) == ["order_totals", "raw_orders"]
    assert found["team_a"]["origin"]["python_file"] == str(USER_CODE / "same_asset/team_a.py")


def test_a_file_inside_a_package_keeps_its_relative_imports(routes: dict[str, Any]) -> None:
    found = locations(routes, "-f package file")
    assert asset_keys(found["definitions"]) == ["packaged_orders"]


def test_each_module_is_a_location(routes: dict[str, Any]) -> None:
    found = locations(routes, "-m twice")
    assert sorted(found) == ["good_location", "relative_pkg.definitions"]
    assert asset_keys(found["relative_pkg.definitions"]) == ["packaged_orders"]
    assert found["good_location"]["origin"]["type"] == "python_module"


def test_package_name_with_working_directory(routes: dict[str, Any]) -> None:
    found = locations(routes, "--package-name with -d")
    assert found["relative_pkg"]["origin"] == {
        "type": "python_package", "location_name": "relative_pkg",
        "package_name": "relative_pkg", "attribute": None,
        "working_directory": str(USER_CODE), "executable_path": None,
    }
    assert asset_keys(found["relative_pkg"]) == ["packaged_orders"]


def test_python_file_found_in_the_working_directory(routes: dict[str, Any]) -> None:
    found = locations(routes, "-f with -d")
    assert found["good_location"]["origin"]["working_directory"] == str(USER_CODE)
    assert asset_keys(found["good_location"]) == ["order_totals", "raw_orders"]


def test_attribute_names_the_definitions(routes: dict[str, Any]) -> None:
    found = locations(routes, "-a")
    assert found["attribute_choices"]["origin"]["attribute"] == "reporting"
    assert asset_keys(found["attribute_choices"]) == ["orders"]


def test_several_workspace_files_add_their_locations(routes: dict[str, Any]) -> None:
    found = locations(routes, "-w twice")
    assert list(found) == ["file_loc", "picked_by_attribute", "module_loc", "pkg_loc",
                           "module_loc_again"]
    assert asset_keys(found["picked_by_attribute"]) == ["from_attribute"]
    assert asset_keys(found["pkg_loc"]) == ["from_package"]
    assert asset_keys(found["module_loc_again"]) == ["from_module"]
    assert found["pkg_loc"]["origin"]["type"] == "python_package"


def test_pyproject_module_name_in_a_src_layout(routes: dict[str, Any]) -> None:
    found = locations(routes, "pyproject module_name")
    location = found["src_proj_location"]
    assert location["origin"]["module_name"] == "src_proj.definitions"
    assert location["origin"]["working_directory"] == str(USER_CODE / "src_project" / "src")
    assert asset_keys(location) == ["src_layout_orders"]


def test_pyproject_modules_list(routes: dict[str, Any]) -> None:
    found = locations(routes, "pyproject modules")
    assert list(found) == ["mod_ingest", "reporting"]
    assert asset_keys(found["reporting"]) == ["report"]


def test_workspace_yaml_in_the_current_directory(routes: dict[str, Any]) -> None:
    found = locations(routes, "workspace.yaml default")
    assert list(found) == ["file_loc", "picked_by_attribute", "module_loc", "pkg_loc"]
    assert asset_keys(found["file_loc"]) == ["from_file"]


def test_legacy_repositories_and_definitions_function(routes: dict[str, Any]) -> None:
    found = locations(routes, "legacy and @definitions")
    repositories = found["legacy_repositories"]["snapshot"]["repositories"]
    # Each repository is its own namespace: both hold an asset 'orders'.
    assert sorted(r["name"] for r in repositories) == ["marketplace", "shop"]
    assert all([a["key"] for a in r["assets"]] == [["orders"]] for r in repositories)
    assert asset_keys(found["definitions_function"]) == ["built_by_function"]


def test_two_locations_may_define_the_same_asset(routes: dict[str, Any]) -> None:
    found = locations(routes, "same asset name")
    assert asset_keys(found["team_a"]) == ["orders"]
    assert asset_keys(found["team_b"]) == ["orders", "refunds"]
    [team_b_orders] = [a for a in found["team_b"]["snapshot"]["repositories"][0]["assets"]
                       if a["key"] == ["orders"]]
    assert team_b_orders["group_name"] == "team_b"


def test_nothing_configured_says_what_to_add(tmp_path: Path) -> None:
    completed = run_headwater("definitions", "validate", cwd=tmp_path)
    assert completed.returncode == 2
    message = completed.stderr
    assert str(tmp_path) in message
    for hint in ("-f definitions.py", "-m my_project.definitions", "[tool.headwater]",
                 "pyproject.toml", "workspace.yaml"):
        assert hint in message
