"""``headwater backfill`` and ``headwater daemon status`` from the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from headwater.snapshot.runs import BackfillStatus
from headwater.storage.instance import Instance

from .conftest import USER_CODE

LOCATION_FILE = str(USER_CODE / "daemon_location.py")


def headwater(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "headwater.cli.main", *args],
                          env={**os.environ, "HEADWATER_HOME": str(home)}, capture_output=True,
                          text=True, timeout=90, check=False)


@pytest.mark.slow
def test_backfill_launch_list_show_cancel(tmp_path: Path) -> None:
    home = tmp_path / "home"
    launched = headwater(home, "backfill", "launch", "-f", LOCATION_FILE, "--job",
                         "letters_job", "--from", "a", "--to", "b", "--tag", "team=data")
    assert launched.returncode == 0, launched.stderr
    assert "2 partitions of letters_job in location 'daemon_location'" in launched.stdout
    assert "No daemon is running" in launched.stderr
    with Instance(home) as instance:
        [backfill] = instance.storage.get_backfills()
    assert (backfill.partition_keys, backfill.tags) == (["a", "b"], {"team": "data"})
    listed = headwater(home, "backfill", "list")
    assert backfill.backfill_id in listed.stdout and "REQUESTED" in listed.stdout
    shown = headwater(home, "backfill", "show", backfill.backfill_id)
    assert "NOT SUBMITTED" in shown.stdout and shown.stdout.count("\n") == 3
    canceled = headwater(home, "backfill", "cancel", backfill.backfill_id)
    assert canceled.returncode == 0 and "CANCELED" in canceled.stdout
    with Instance(home) as instance:
        stored = instance.storage.get_backfill(backfill.backfill_id)
    assert stored is not None and stored.status is BackfillStatus.CANCELED


def test_backfill_launch_mistakes_are_clear(tmp_path: Path) -> None:
    home = tmp_path / "home"
    both = headwater(home, "backfill", "launch", "-f", LOCATION_FILE, "--job", "letters_job",
                     "--asset", "letter_asset", "--partitions", "a")
    assert both.returncode == 2 and "exactly one of --job or --asset" in both.stderr
    half = headwater(home, "backfill", "launch", "-f", LOCATION_FILE, "--job", "letters_job",
                     "--from", "a")
    assert half.returncode == 2 and "needs both --from and --to" in half.stderr
    assert headwater(home, "instance", "migrate").returncode == 0  # an instance, no backfills
    missing = headwater(home, "backfill", "show", "nope")
    assert missing.returncode == 1 and "No backfill with id 'nope'" in missing.stderr


@pytest.mark.slow
def test_backfill_launch_of_an_unknown_partition_names_it(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bad = headwater(home, "backfill", "launch", "-f", LOCATION_FILE, "--job", "letters_job",
                    "--partitions", "a,zz")
    assert bad.returncode == 1 and "Partition key 'zz' is not in" in bad.stderr


def test_daemon_status_without_a_daemon(tmp_path: Path) -> None:
    assert headwater(tmp_path / "home", "instance", "migrate").returncode == 0
    result = headwater(tmp_path / "home", "daemon", "status")
    assert result.returncode == 1
    assert "No daemon has run against this instance" in result.stdout
    as_json = headwater(tmp_path / "home", "daemon", "status", "--json")
    assert as_json.returncode == 1 and '"alive": false' in as_json.stdout
