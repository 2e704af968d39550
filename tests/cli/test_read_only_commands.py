"""Commands that only read the instance never create one where there is none.

Each runs as a user would, in a fresh ``headwater`` process, in an empty folder: with
``$HEADWATER_HOME`` unset (so ``./.headwater`` is meant) and with it naming a missing folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

READ_ONLY_COMMANDS = [
    ("run", "list"),
    ("run", "show", "0123456789ab"),
    ("run", "logs", "0123456789ab"),
    ("instance", "info"),
    ("daemon", "status"),
    ("backfill", "list"),
    ("backfill", "show", "someid"),
]


def _headwater() -> list[str]:
    script = Path(sys.executable).with_name("headwater")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "headwater.cli.main"]


def _run(cwd: Path, env: dict[str, str], args: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*_headwater(), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60, check=False)


def _env_without_home() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "HEADWATER_HOME"}
    return {**env, "COLUMNS": "200", "NO_COLOR": "1"}


@pytest.mark.parametrize("args", READ_ONLY_COMMANDS, ids=" ".join)
def test_without_an_instance_the_command_says_so_and_creates_nothing(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    result = _run(tmp_path, _env_without_home(), args)
    assert result.returncode == 1, result.stdout + result.stderr
    message = " ".join(result.stderr.split())
    assert f"No headwater instance at {tmp_path / '.headwater'}" in message
    assert "HEADWATER_HOME" in message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [("run", "list"), ("instance", "info")], ids=" ".join)
def test_a_headwater_home_that_does_not_exist_is_not_created(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    home = tmp_path / "nowhere"
    result = _run(tmp_path, {**_env_without_home(), "HEADWATER_HOME": str(home)}, args)
    assert result.returncode == 1
    assert f"No headwater instance at {home}" in " ".join(result.stderr.split())
    assert not home.exists()


def test_an_instance_folder_without_its_database_is_left_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = _run(tmp_path, {**_env_without_home(), "HEADWATER_HOME": str(home)},
                  ("run", "list"))
    assert result.returncode == 1
    assert "does not exist" in result.stderr
    assert list(home.iterdir()) == []


def test_an_existing_instance_is_read(tmp_path: Path) -> None:
    """The check does not refuse a real instance: one made by `instance migrate` lists no runs."""
    env = {**_env_without_home(), "HEADWATER_HOME": str(tmp_path / "home")}
    created = _run(tmp_path, env, ("instance", "migrate"))
    assert created.returncode == 0, created.stderr
    listed = _run(tmp_path, env, ("run", "list"))
    assert listed.returncode == 0, listed.stderr
    info = _run(tmp_path, env, ("instance", "info"))
    assert info.returncode == 0, info.stderr
    assert "current" in info.stdout
