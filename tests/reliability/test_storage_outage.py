"""A PostgreSQL outage longer than the event writer's spool time during a run: nothing is
lost, the run monitor leaves the live worker's run alone, the run ends SUCCESS once storage is
back, and the worker says so in one line per outage (not one per retry)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from headwater.core.origins import PythonFileOrigin
from headwater.core.run_status import RunStatus
from headwater.daemon.monitor import RunMonitor
from headwater.definitions.asset_graph.keys import AssetKey
from headwater.execution.launch import create_run, launch_run_worker
from headwater.snapshot.events import EventType
from headwater.storage.daemon_config import RunMonitoringSettings
from headwater.storage.instance import Instance
from polling import wait_for

from .conftest import ProxiedPostgres

RUNS_CODE = Path(__file__).resolve().parents[1] / "runs" / "user_code"
BARRIER = PythonFileOrigin("barrier", str(RUNS_CODE / "barrier.py"),
                           working_directory=str(RUNS_CODE))


def direct_instance(proxied: ProxiedPostgres, tmp_path: Path) -> Instance:
    """The same database, not through the proxy: what the test sees during the outage."""
    home = tmp_path / "direct"
    home.mkdir()
    config = {"storage": {"postgres": {"url": proxied.direct_url}}}
    (home / "headwater.yaml").write_text(yaml.safe_dump(config))
    return Instance.get(environ={"HEADWATER_HOME": str(home)})


def test_a_run_keeps_every_event_through_a_storage_outage(
    proxied_postgres: ProxiedPostgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    monkeypatch.setenv("HW_RUNS_TEST_DIR", str(shared))
    monkeypatch.setenv("HEADWATER_WORKER_HEARTBEAT_SECONDS", "0.2")
    # Past this long unreachable, the worker moves its queued events to local disk.
    monkeypatch.setenv("HEADWATER_EVENT_SPOOL_AFTER_SECONDS", "0.5")
    instance = proxied_postgres.instance()
    direct = direct_instance(proxied_postgres, tmp_path)
    try:
        run = create_run(instance, origin=BARRIER, job_name="__ASSET_JOB",
                         asset_selection=[AssetKey(n) for n in ("before", "blocker", "after")])
        worker = launch_run_worker(instance, run.run_id)
        try:
            wait_for(lambda: list(shared.glob("started-*")), "the blocking step to start", 60)
            proxied_postgres.proxy.stop()  # the outage begins
            (shared / "release").touch()  # the rest of the run happens during it

            spool = proxied_postgres.home / "spool"
            wait_for(lambda: spool.is_dir() and any(spool.iterdir()),
                     "the worker to spool its events to disk", 30)

            def beat_age() -> float:
                record = direct.storage.get_run(run.run_id)
                assert record is not None and record.worker_heartbeat is not None
                return time.time() - record.worker_heartbeat

            wait_for(lambda: beat_age() > 1.0, "the worker's heartbeat to go stale", 30)
            monitor = RunMonitor(direct, RunMonitoringSettings(worker_heartbeat_timeout=0.5))
            assert monitor.iterate() == []  # its worker is alive on this host
            stored = direct.storage.get_run(run.run_id)
            assert stored is not None and stored.status is RunStatus.STARTED
            assert worker.poll() is None

            proxied_postgres.proxy.start()  # the outage ends
            assert worker.wait(timeout=60) == 0
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()

        record = direct.storage.get_run(run.run_id)
        assert record is not None and record.status is RunStatus.SUCCESS
        assert record.failure_message is None
        kinds = [(e.event.event_type, e.event.step_key)
                 for e in direct.storage.get_events(run.run_id)]
        for step in ("before", "blocker", "after"):
            assert kinds.count((EventType.STEP_SUCCESS, step)) == 1, step
            assert kinds.count((EventType.STEP_START, step)) == 1, step
        assert [kind for kind, _ in kinds].count(EventType.RUN_SUCCESS) == 1
        assert kinds[-1] == (EventType.RUN_SUCCESS, None)
        assert not any(spool.iterdir())  # replayed, then removed

        err = capfd.readouterr().err
        assert err.count("storage is unreachable") == 1, err
        assert err.count("storage is reachable again") == 1, err
        assert "could not store" not in err
    finally:
        instance.dispose()
        direct.dispose()
