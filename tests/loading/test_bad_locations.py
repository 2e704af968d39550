"""Every kind of broken location gets a clear error naming what and where.

Broken modules are loaded together by ``headwater.loading.subprocess_load`` (each in its own
fresh interpreter, in parallel); malformed workspace files and a module that hangs go
through the CLI.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType

import pytest

import headwater
from headwater import Definitions, LoadError, repository
from headwater.core.origins import LocationOrigin, PythonFileOrigin, PythonModuleOrigin
from headwater.loading.discovery import MULTIPLE_DEFINITIONS_ERROR, find_definitions
from headwater.loading.subprocess_load import LocationLoadResult, load_all_in_subprocesses
from headwater.snapshot.errors import ErrorInfo

USER_CODE = Path(__file__).resolve().parents[1] / "user_code"
HEADWATER_DIR = str(Path(headwater.__file__).resolve().parent)


def run_headwater(*args: str, cwd: Path, env: dict[str, str] | None = None
                  ) -> subprocess.CompletedProcess[str]:
    """``headwater ARGS`` in a fresh interpreter, from ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", "headwater.cli.main", *args], cwd=cwd,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})},
        capture_output=True, text=True, timeout=60, check=False,
    )


def file_origin(name: str, path: Path, attribute: str | None = None,
                working_directory: Path = USER_CODE, executable: str | None = None
                ) -> PythonFileOrigin:
    return PythonFileOrigin(name, str(path), attribute, str(working_directory), executable)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, LocationLoadResult]:
    """One load per broken location, all in parallel subprocesses, by location name."""
    tmp = tmp_path_factory.mktemp("bad_locations")
    syntax_error = tmp / "syntax_error.py"
    shutil.copy(USER_CODE / "syntax_error.py.txt", syntax_error)
    # An interpreter that cannot import headwater: no site-packages, no PYTHONPATH.
    no_headwater = tmp / "python-without-headwater"
    no_headwater.write_text(f'#!/bin/sh\nexec "{sys.executable}" -I -S "$@"\n')
    no_headwater.chmod(0o755)
    origins: list[LocationOrigin] = [
        file_origin("syntax_error", syntax_error, working_directory=tmp),
        file_origin("missing_import", USER_CODE / "missing_import.py"),
        file_origin("raises", USER_CODE / "raises_at_import.py"),
        file_origin("exits", USER_CODE / "exits_at_import.py"),
        file_origin("two_definitions", USER_CODE / "two_definitions.py"),
        file_origin("no_definitions", USER_CODE / "no_definitions.py"),
        file_origin("missing_attribute", USER_CODE / "attribute_choices.py", "nope"),
        file_origin("dict_attribute", USER_CODE / "attribute_choices.py", "settings"),
        file_origin("asset_attribute", USER_CODE / "attribute_choices.py", "orders"),
        file_origin("duplicate_assets", USER_CODE / "duplicate_assets.py"),
        file_origin("thread_at_import", USER_CODE / "thread_at_import.py"),
        file_origin("gone_directory", USER_CODE / "good_location.py",
                    working_directory=tmp / "removed"),
        file_origin("gone_python", USER_CODE / "good_location.py",
                    executable=str(tmp / "venv" / "bin" / "python")),
        file_origin("no_headwater", USER_CODE / "good_location.py",
                    executable=str(no_headwater)),
        PythonModuleOrigin("missing_module", "no_such_project.definitions",
                           working_directory=str(USER_CODE)),
    ]
    return {r.origin.location_name: r for r in load_all_in_subprocesses(origins, timeout=60)}


def error_of(results: dict[str, LocationLoadResult], name: str) -> ErrorInfo:
    result = results[name]
    assert result.error is not None and result.snapshot is None, result
    return result.error


def tmp_dir(results: dict[str, LocationLoadResult]) -> Path:
    """The temporary folder the ``results`` fixture made (the syntax error file's folder)."""
    origin = results["syntax_error"].origin
    assert isinstance(origin, PythonFileOrigin)
    return Path(origin.python_file).parent


def assert_only_user_frames(error: ErrorInfo, user_file: Path, *lines: int) -> None:
    """The stack shows the user's file at ``lines`` and none of headwater's own frames."""
    text = error.to_string()
    assert HEADWATER_DIR not in text, text
    assert "importlib" not in text, text
    for line in lines:
        assert f'File "{user_file}", line {line}' in text, text


def test_syntax_error_names_the_file_and_line(results: dict[str, LocationLoadResult]) -> None:
    error = error_of(results, "syntax_error")
    assert error.class_name == "SyntaxError"
    path = tmp_dir(results) / "syntax_error.py"
    assert error.message.startswith(f'  File "{path}", line 7\n')
    assert "def orders() -> int" in error.message
    assert "expected ':'" in error.message
    assert error.stack == []  # only import machinery and headwater were on the stack
    assert HEADWATER_DIR not in error.to_string()


def test_import_error_names_the_missing_module(results: dict[str, LocationLoadResult]) -> None:
    error = error_of(results, "missing_import")
    assert error.message == "ModuleNotFoundError: No module named 'headwater_fixture_not_installed'"
    assert_only_user_frames(error, USER_CODE / "missing_import.py", 3)


def test_exception_at_import_keeps_the_users_traceback(
    results: dict[str, LocationLoadResult],
) -> None:
    error = error_of(results, "raises")
    assert error.message == "ValueError: settings.toml has no [orders] section"
    assert_only_user_frames(error, USER_CODE / "raises_at_import.py", 10, 7)
    assert len(error.stack) == 2


def test_exit_during_import_reports_the_exit_code(
    results: dict[str, LocationLoadResult],
) -> None:
    error = error_of(results, "exits")
    assert "location 'exits'" in error.message
    assert "exits_at_import.py" in error.message
    assert "exited with code 3" in error.message


def test_two_definitions_are_named(results: dict[str, LocationLoadResult]) -> None:
    error = error_of(results, "two_definitions")
    assert error.message.startswith(
        f"LoadError: {MULTIPLE_DEFINITIONS_ERROR}: defs_ingest, defs_reporting "
    )
    assert str(USER_CODE / "two_definitions.py") in error.message
    assert error.stack == []


def test_no_definitions_names_the_module_and_what_was_looked_for(
    results: dict[str, LocationLoadResult],
) -> None:
    error = error_of(results, "no_definitions")
    assert "No Definitions found in module 'no_definitions'" in error.message
    assert str(USER_CODE / "no_definitions.py") in error.message
    for looked_for in ("Definitions", "@repository", "@definitions", "--attribute"):
        assert looked_for in error.message


def test_missing_attribute_lists_the_definitions_there_are(
    results: dict[str, LocationLoadResult],
) -> None:
    error = error_of(results, "missing_attribute")
    assert "has no attribute 'nope'" in error.message
    assert "Its module-scope Definitions: reporting." in error.message


def test_attribute_that_is_not_definitions(results: dict[str, LocationLoadResult]) -> None:
    error = error_of(results, "dict_attribute")
    assert "attribute 'settings' is dict, not Definitions" in error.message
    assert "attribute_choices.py" in error.message


def test_attribute_naming_an_asset_is_not_called(results: dict[str, LocationLoadResult]) -> None:
    error = error_of(results, "asset_attribute")
    assert "attribute 'orders' is AssetsDefinition, not Definitions" in error.message


def test_duplicate_asset_names_in_one_location(results: dict[str, LocationLoadResult]) -> None:
    error = error_of(results, "duplicate_assets")
    assert error.class_name == "DuplicateDefinitionError"
    assert "Asset 'orders' is defined twice" in error.message
    assert HEADWATER_DIR not in error.to_string()


def test_thread_left_running_at_import_does_not_block_the_load(
    results: dict[str, LocationLoadResult],
) -> None:
    result = results["thread_at_import"]
    assert result.error is None and result.snapshot is not None


def test_working_directory_that_does_not_exist(results: dict[str, LocationLoadResult]) -> None:
    error = error_of(results, "gone_directory")
    assert error.message.startswith("Location 'gone_directory' (python_file ")
    assert f"working_directory {tmp_dir(results) / 'removed'} does not exist" in error.message


def test_executable_path_that_does_not_exist(results: dict[str, LocationLoadResult]) -> None:
    error = error_of(results, "gone_python")
    assert error.message.startswith("Location 'gone_python' (python_file good_location.py)")
    python = tmp_dir(results) / "venv" / "bin" / "python"
    assert f"executable_path {python} does not exist" in error.message


def test_executable_without_headwater_says_to_install_it(
    results: dict[str, LocationLoadResult],
) -> None:
    error = error_of(results, "no_headwater")
    assert "exited with code 1" in error.message
    assert "headwater is not installed for" in error.message
    assert "python-without-headwater" in error.message


def test_module_that_cannot_be_found(results: dict[str, LocationLoadResult]) -> None:
    error = error_of(results, "missing_module")
    assert "Module 'no_such_project.definitions' cannot be found" in error.message
    assert "no module 'no_such_project'" in error.message
    assert str(USER_CODE) in error.message
    assert error.stack == [] and error.cause is None


# -- workspace files, through the CLI ----------------------------------------------------------


@pytest.fixture(scope="module")
def workspace_runs() -> dict[str, subprocess.CompletedProcess[str]]:
    names = ["duplicate_names", "missing_working_directory", "missing_executable"]

    def run(name: str) -> tuple[str, subprocess.CompletedProcess[str]]:
        return name, run_headwater("definitions", "validate", "-w",
                                   f"bad_workspaces/{name}.yaml", cwd=USER_CODE)

    with ThreadPoolExecutor(max_workers=3) as pool:
        return dict(pool.map(run, names))


def workspace_error(runs: dict[str, subprocess.CompletedProcess[str]], name: str) -> str:
    completed = runs[name]
    assert completed.returncode == 2, completed.stdout + completed.stderr
    message = " ".join(completed.stderr.split())  # click may wrap long lines
    assert f"{USER_CODE / 'bad_workspaces' / name}.yaml:" in message
    return message


def test_duplicate_location_names_in_a_workspace(
    workspace_runs: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    message = workspace_error(workspace_runs, "duplicate_names")
    assert "load_from[0]" in message and "load_from[1]" in message
    assert "location 'orders'" in message


def test_workspace_working_directory_that_does_not_exist(
    workspace_runs: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    message = workspace_error(workspace_runs, "missing_working_directory")
    assert "load_from[0]" in message and "'working_directory'" in message
    assert "no_such_folder does not exist" in message


def test_workspace_executable_path_that_does_not_exist(
    workspace_runs: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    message = workspace_error(workspace_runs, "missing_executable")
    assert "load_from[0]" in message and "'executable_path'" in message
    assert "/no/such/venv/bin/python does not exist" in message


# -- a module that never finishes importing ----------------------------------------------------


@pytest.fixture
def pid_file(tmp_path: Path) -> Iterator[Path]:
    """Where the hanging fixture writes its pid and its helper's; both are killed after."""
    path = tmp_path / "pids"
    yield path
    for pid in read_pids(path):
        try:  # only if the test failed: never leave them running
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def read_pids(path: Path) -> list[int]:
    return [int(pid) for pid in path.read_text().split()] if path.is_file() else []


def assert_exited(pid: int) -> None:
    """``pid`` has ended (a zombie counts): wait for it with a pidfd, not a sleep."""
    if not hasattr(os, "pidfd_open"):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        pytest.fail(f"process {pid} is still running")
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    try:
        ready, _, _ = select.select([fd], [], [], 10.0)
    finally:
        os.close(fd)
    assert ready, f"process {pid} is still running"


def test_hang_at_import_times_out_and_is_killed(pid_file: Path) -> None:
    completed = run_headwater(
        "definitions", "validate", "-f", "hangs_at_import.py", "-f", "good_location.py",
        "--timeout", "2", cwd=USER_CODE, env={"HEADWATER_TEST_PID_FILE": str(pid_file)},
    )
    assert completed.returncode == 1, completed.stdout + completed.stderr
    output = " ".join(completed.stdout.split())
    assert "✓ good_location" in output
    where = "(python_file hangs_at_import.py)"
    assert (f"✗ hangs_at_import {where}: failed to load Loading location 'hangs_at_import' "
            f"{where} did not finish within 2 s") in output
    assert "--timeout" in output
    pids = read_pids(pid_file)
    assert len(pids) == 2, "the hanging module did not start within the 2 s timeout"
    loader, helper = pids
    assert f"pid {loader}" in output
    assert_exited(loader)
    assert_exited(helper)  # started by the user's module; its process group was killed too


# -- discovery rules, in process ---------------------------------------------------------------


def module_with(name: str, **variables: object) -> ModuleType:
    module = ModuleType(name)
    module.__file__ = f"/project/{name}.py"
    vars(module).update(variables)
    return module


def test_one_definitions_under_two_names_is_not_ambiguous() -> None:
    defs = Definitions()
    loaded = find_definitions(module_with("aliased", defs=defs, alias=defs))
    assert loaded.definitions is defs


def test_two_repositories_with_one_name_are_an_error() -> None:
    @repository(name="shop")
    def first() -> list[object]:
        return []

    @repository(name="shop")
    def second() -> list[object]:
        return []

    with pytest.raises(LoadError) as caught:
        find_definitions(module_with("legacy", first=first, second=second))
    message = str(caught.value)
    assert "Two repositories are named 'shop' in module 'legacy' (/project/legacy.py)" in message
    assert "variables 'first' and 'second'" in message
