"""The run commands end to end: a real SQLite instance in ``HEADWATER_HOME``, real run workers.

Every command runs as a user would run it, in a fresh ``headwater`` process. Synchronisation
with a live run goes through what the CLI prints (its log lines arrive as they are stored),
never through sleeps.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
USER_CODE = REPO_ROOT / "tests" / "user_code"
QUICKSTART = ("-f", "examples/quickstart/definitions.py")
CONTROL = ("-f", str(USER_CODE / "run_control.py"))
QUICKSTART_STEPS = ("raw_orders", "cleaned_orders", "daily_revenue", "revenue_by_region",
                    "top_customers")
RUN_LINE = re.compile(r"^Run (\S+): ", re.MULTILINE)


def headwater_command() -> list[str]:
    script = Path(sys.executable).with_name("headwater")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "headwater.cli.main"]


def cli_env(home: Path, control: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "HEADWATER_HOME": str(home), "COLUMNS": "200", "NO_COLOR": "1",
           "PYTHONUNBUFFERED": "1"}
    if control is not None:
        env["RUN_CONTROL_DIR"] = str(control)
    return env


def run_cli(
    home: Path, *args: str, control: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*headwater_command(), *args], cwd=REPO_ROOT, env=cli_env(home, control),
        capture_output=True, text=True, timeout=60, check=False,
    )


def start_cli(home: Path, *args: str, control: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*headwater_command(), *args], cwd=REPO_ROOT, env=cli_env(home, control),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def run_id_of(output: str) -> str:
    match = RUN_LINE.search(output)
    assert match is not None, output
    return match.group(1)


def read_until(process: subprocess.Popen[str], needle: str) -> str:
    """What the process prints up to the first line containing ``needle`` (blocking reads)."""
    assert process.stdout is not None
    seen: list[str] = []
    for line in process.stdout:
        seen.append(line)
        if needle in line:
            return "".join(seen)
    raise AssertionError(f"{needle!r} never printed; output:\n{''.join(seen)}")


def output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


# -- a successful run, and reading it back ----------------------------------------------------


@pytest.fixture(scope="module")
def quickstart_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """(home, run id, output) of ``asset materialize --select '*'`` of the quickstart."""
    home = tmp_path_factory.mktemp("home")
    result = run_cli(home, "asset", "materialize", *QUICKSTART, "--select", "*")
    assert result.returncode == 0, output(result)
    return home, run_id_of(result.stdout), result.stdout


def test_materialize_prints_run_instance_and_summary(quickstart_run: tuple[Path, str, str]) -> None:
    home, run_id, stdout = quickstart_run
    assert f"Instance: {home}" in stdout
    for step in QUICKSTART_STEPS:
        assert f"materialized {step}" in stdout
    assert "Read 40 rows" in stdout  # a log line of raw_orders, relayed from storage
    assert f"Run {run_id} SUCCESS" in stdout


def test_run_list_shows_the_run(quickstart_run: tuple[Path, str, str]) -> None:
    home, run_id, _ = quickstart_run
    result = run_cli(home, "run", "list")
    assert result.returncode == 0, output(result)
    [line] = [line for line in result.stdout.splitlines() if run_id in line]
    assert "SUCCESS" in line
    filtered = run_cli(home, "run", "list", "--status", "failure")
    assert filtered.returncode == 0, output(filtered)
    assert run_id not in filtered.stdout


def test_run_show_lists_steps_and_materializations(quickstart_run: tuple[Path, str, str]) -> None:
    home, run_id, _ = quickstart_run
    result = run_cli(home, "run", "show", run_id)
    assert result.returncode == 0, output(result)
    steps = result.stdout.split("steps", 1)[1]
    for step in QUICKSTART_STEPS:
        assert re.search(rf"^\s*{step}\s+SUCCESS\s", steps, re.MULTILINE), result.stdout
    assert "cleaned_orders:no_negative_quantities" in result.stdout
    assert "check passed" in result.stdout
    by_prefix = run_cli(home, "run", "show", run_id[:8])
    assert by_prefix.returncode == 0, output(by_prefix)
    assert run_id in by_prefix.stdout


def test_run_logs_prints_log_lines_and_filters_by_level(
    quickstart_run: tuple[Path, str, str],
) -> None:
    home, run_id, _ = quickstart_run
    result = run_cli(home, "run", "logs", run_id)
    assert result.returncode == 0, output(result)
    assert re.search(r"INFO\s+LOG\s+raw_orders\s+Read 40 rows", result.stdout), result.stdout
    assert "RUN_SUCCESS" in result.stdout
    quiet = run_cli(home, "run", "logs", run_id, "--level", "warning")
    assert quiet.returncode == 0, output(quiet)
    assert "Read 40 rows" not in quiet.stdout


def test_instance_info_and_migrate(quickstart_run: tuple[Path, str, str]) -> None:
    home, _, _ = quickstart_run
    info = run_cli(home, "instance", "info")
    assert info.returncode == 0, output(info)
    assert str(home) in info.stdout
    assert "sqlite" in info.stdout.lower()
    assert re.search(r"runs\s+1\b", info.stdout), info.stdout
    migrate = run_cli(home, "instance", "migrate")
    assert migrate.returncode == 0, output(migrate)


# -- failure and re-execution --------------------------------------------------------------------


def test_failed_run_then_reexecute_from_failure(tmp_path: Path) -> None:
    home, control = tmp_path / "home", tmp_path / "control"
    control.mkdir()
    failed = run_cli(home, "asset", "materialize", *CONTROL, "--select", "*downstream",
                     control=control)
    assert failed.returncode == 1, output(failed)
    assert "flaky failed" in failed.stdout
    assert "the flag file is missing" in failed.stdout
    assert "materialized source" in failed.stdout
    parent = run_id_of(failed.stdout)

    (control / "flag").write_text("go", encoding="utf-8")
    again = run_cli(home, "run", "reexecute", parent, "--from-failure", control=control)
    assert again.returncode == 0, output(again)
    assert "materialized flaky" in again.stdout
    assert "materialized downstream" in again.stdout
    assert "materialized source" not in again.stdout
    child = run_id_of(again.stdout)
    assert child != parent

    shown = run_cli(home, "run", "show", child)
    assert re.search(rf"parent run\s+{parent}", shown.stdout), shown.stdout
    assert not re.search(r"^\s*source\s", shown.stdout.split("steps", 1)[1], re.MULTILINE)


def test_worker_that_dies_without_a_final_event_is_reported(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "asset", "materialize", *CONTROL, "--select", "vanishes",
                     control=tmp_path)
    assert result.returncode == 1, output(result)
    assert "exited with code 3 without recording the end of the run" in result.stdout
    assert "Traceback" not in output(result)


# -- cancellation ------------------------------------------------------------------------------


@pytest.fixture
def blocked_run(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str], str]]:
    """A materialize process whose run is waiting in ``blocked``; killed if a test fails."""
    home, control = tmp_path / "home", tmp_path / "control"
    control.mkdir()
    process = start_cli(home, "asset", "materialize", *CONTROL, "--select", "blocked",
                        control=control)
    try:
        head = read_until(process, "waiting for the barrier")
        yield home, process, run_id_of(head)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        (control / "barrier").write_text("release any orphan", encoding="utf-8")


def test_run_cancel_stops_a_blocked_run(
    blocked_run: tuple[Path, subprocess.Popen[str], str],
) -> None:
    home, process, run_id = blocked_run
    follower = subprocess.Popen(
        [*headwater_command(), "run", "logs", run_id[:8], "--follow"], cwd=REPO_ROOT,
        env=cli_env(home), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    assert "waiting for the barrier" in read_until(follower, "waiting for the barrier")
    cancel = run_cli(home, "run", "cancel", run_id)
    assert cancel.returncode == 0, output(cancel)
    assert f"Run {run_id} CANCELED" in cancel.stdout
    rest, _ = process.communicate(timeout=60)
    assert process.returncode == 1, rest
    assert "CANCELED" in rest
    followed, _ = follower.communicate(timeout=60)
    assert follower.returncode == 0, followed
    assert "RUN_CANCELED" in followed
    listed = run_cli(home, "run", "list", "--status", "CANCELED")
    assert run_id in listed.stdout
    again = run_cli(home, "run", "cancel", run_id)
    assert again.returncode == 1
    assert "already finished" in again.stderr


def test_ctrl_c_while_following_cancels_the_run(
    blocked_run: tuple[Path, subprocess.Popen[str], str],
) -> None:
    home, process, run_id = blocked_run
    process.send_signal(signal.SIGINT)
    rest, _ = process.communicate(timeout=60)
    assert process.returncode == 130, rest
    assert "canceling run" in rest
    shown = run_cli(home, "run", "show", run_id)
    assert re.search(r"status\s+CANCELED", shown.stdout), shown.stdout


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [("show",), ("logs",), ("cancel",),
                                     ("reexecute", "--from-failure")])
def test_unknown_run_id_is_a_usage_error(tmp_path: Path, command: tuple[str, ...]) -> None:
    assert run_cli(tmp_path, "instance", "migrate").returncode == 0  # an instance, with no runs
    result = run_cli(tmp_path, "run", command[0], "no-such-run", *command[1:])
    assert result.returncode == 2, output(result)
    assert "no-such-run" in result.stderr
    assert "Traceback" not in output(result)


def test_malformed_headwater_yaml_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "headwater.yaml").write_text("storage:\n  sqlite: [unclosed\n", encoding="utf-8")
    for args in (("run", "list"), ("instance", "info"),
                 ("asset", "materialize", *QUICKSTART, "--select", "raw_orders")):
        result = run_cli(tmp_path, *args)
        assert result.returncode == 1, output(result)
        assert "headwater.yaml" in result.stderr
        assert "Traceback" not in output(result)


def test_unknown_storage_key_is_named(tmp_path: Path) -> None:
    (tmp_path / "headwater.yaml").write_text("storage:\n  mysql: {}\n", encoding="utf-8")
    result = run_cli(tmp_path, "run", "list")
    assert result.returncode == 1, output(result)
    assert "mysql" in result.stderr
    assert "Traceback" not in output(result)


def test_corrupt_database_file_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "headwater.db").write_bytes(b"this is not a database" * 100)
    result = run_cli(tmp_path, "run", "list")
    assert result.returncode == 1, output(result)
    assert "Traceback" not in output(result)
    assert len(result.stderr.strip().splitlines()) <= 2, result.stderr


def test_unreachable_postgres_names_host_and_port(tmp_path: Path) -> None:
    (tmp_path / "headwater.yaml").write_text(
        "storage:\n  postgres:\n    url: postgresql://nobody@127.0.0.1:1/headwater\n",
        encoding="utf-8",
    )
    result = run_cli(tmp_path, "instance", "info")
    assert result.returncode == 1, output(result)
    assert "127.0.0.1" in result.stderr and "1" in result.stderr
    assert "Traceback" not in output(result)
