"""``headwater schedule ...`` and ``headwater sensor ...`` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

API_LOCATION = Path(__file__).resolve().parent.parent / "webserver" / "api_location.py"


def _headwater(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("headwater")
    env = {**os.environ, "HEADWATER_HOME": str(tmp_path / "home"), "NO_COLOR": "1"}
    return subprocess.run([str(script), *args, "-f", str(API_LOCATION)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_schedule_and_sensor_commands(tmp_path: Path) -> None:
    listed = _headwater(tmp_path, "schedule", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [schedule] = json.loads(listed.stdout)
    assert (schedule["name"], schedule["status"]) == ("orders_job_schedule", "STOPPED")

    started = _headwater(tmp_path, "schedule", "start", "orders_job_schedule")
    assert started.returncode == 0 and "started" in started.stdout, started.stderr
    assert json.loads(_headwater(tmp_path, "schedule", "list", "--json").stdout)[0][
        "status"] == "RUNNING"
    assert _headwater(tmp_path, "schedule", "stop", "orders_job_schedule").returncode == 0

    preview = _headwater(tmp_path, "schedule", "preview", "orders_job_schedule")
    assert preview.returncode == 0, preview.stderr
    [request] = json.loads(preview.stdout)["run_requests"]
    assert request["job_name"] == "orders_job"

    assert _headwater(tmp_path, "sensor", "cursor", "orders_sensor", "--set", "41"
                      ).stdout.strip() == "41"
    assert _headwater(tmp_path, "sensor", "cursor", "orders_sensor").stdout.strip() == "41"
    [sensor] = json.loads(_headwater(tmp_path, "sensor", "list", "--json").stdout)
    assert sensor["cursor"] == "41"
    assert _headwater(tmp_path, "sensor", "cursor", "orders_sensor", "--reset"
                      ).stdout.strip() == "(no cursor)"
    sensor_preview = _headwater(tmp_path, "sensor", "preview", "orders_sensor")
    assert sensor_preview.returncode == 0 and json.loads(sensor_preview.stdout)[
        "run_requests"] == []

    missing = _headwater(tmp_path, "sensor", "start", "nope")
    assert missing.returncode == 1 and "'nope'" in missing.stderr
