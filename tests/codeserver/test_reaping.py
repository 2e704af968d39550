"""Run workers that a code server started are reaped as they exit: no ``<defunct>`` children."""

from __future__ import annotations

from pathlib import Path

from headwater.core.run_status import RunStatus
from headwater.execution.launch import create_run
from headwater.storage.instance import Instance
from process_tree import child_pids, zombie_children

from .conftest import USER_CODE, ServerFactory, origin_of, wait_for


def test_finished_run_workers_leave_no_zombies(start_server: ServerFactory, home: Path) -> None:
    origin = origin_of(USER_CODE / "small.py")
    process, client = start_server(origin, in_process=True)
    client.wait_until_ready(30)
    instance = Instance.ephemeral(home)
    try:
        runs = [create_run(instance, origin=origin, job_name="everything") for _ in range(3)]
        pids = {client.launch_run(run.run_id) for run in runs}
        assert pids <= child_pids(process.pid)

        def all_finished() -> bool:
            records = [instance.storage.get_run(run.run_id) for run in runs]
            return all(r is not None and r.status.is_finished for r in records)

        wait_for(all_finished, "the three runs to finish", timeout=60)
        for run in runs:
            record = instance.storage.get_run(run.run_id)
            assert record is not None and record.status is RunStatus.SUCCESS
        # Nothing lists the runs: the server reaps each worker by itself when it exits.
        wait_for(lambda: not (pids & child_pids(process.pid)),
                 "the code server to reap its finished run workers", timeout=10)
        assert zombie_children(process.pid) == set()
        # It still knows which runs it started, and that they ended.
        listed = client.list_runs()
        assert {info.run_id for info in listed} == {run.run_id for run in runs}
        assert {info.pid for info in listed} == pids
        assert not any(info.alive for info in listed)
    finally:
        instance.dispose()
