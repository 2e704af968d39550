"""``headwater job execute`` puts the job's run tags on the run, under the ``--tag`` ones."""

from __future__ import annotations

from pathlib import Path

from headwater.snapshot.runs import RunsFilter
from headwater.storage.instance import Instance

from .test_run_cli import REPO_ROOT, run_cli

LOCATION = ("-f", str(REPO_ROOT / "tests" / "webserver" / "check_runs_location.py"))


def test_job_execute_copies_the_jobs_run_tags(tmp_path: Path) -> None:
    plain = run_cli(tmp_path, "job", "execute", *LOCATION, "-j", "tagged_job",
                    "--tag", "tier=cli")
    assert plain.returncode == 0, plain.stdout + plain.stderr
    split = run_cli(tmp_path, "job", "execute", *LOCATION, "-j", "run_tagged_job")
    assert split.returncode == 0, split.stdout + split.stderr
    with Instance(tmp_path) as instance:
        runs = {run.job_name: run for run in instance.storage.get_runs(RunsFilter())}
    assert runs["tagged_job"].tags == {"team": "ops", "tier": "cli"}
    assert runs["run_tagged_job"].tags == {"team": "runs", "cost": "low"}
