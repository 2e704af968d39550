"""Job tags on runs: ``tags`` go onto every run unless ``run_tags`` is given (Dagster 1.8+),
and a run's own tags override them."""

from __future__ import annotations

from headwater import Definitions, asset, define_asset_job, graph, job, op
from headwater.snapshot.build import build_location_snapshot
from headwater.storage.instance import Instance


@op
def hello() -> str:
    return "hello"


@job(tags={"team": "ops", "tier": "gold"})
def plain_job() -> None:
    hello()


@job(tags={"team": "ops"}, run_tags={"cost": "low"})
def split_job() -> None:
    hello()


@asset
def numbers() -> list[int]:
    return [1, 2]


def test_run_tags_default_to_tags_and_replace_them_when_given() -> None:
    assert plain_job.run_tags == {"team": "ops", "tier": "gold"}
    assert split_job.tags == {"team": "ops"} and split_job.run_tags == {"cost": "low"}

    @graph
    def greet() -> None:
        hello()

    assert greet.to_job(tags={"a": "1"}, run_tags={}).run_tags == {}
    assert greet.to_job(tags={"a": "1"}).run_tags == {"a": "1"}


def test_execute_in_process_puts_the_job_tags_under_the_runs_own(tmp_path: object) -> None:
    result = plain_job.execute_in_process(tags={"tier": "adhoc", "ticket": "T-1"})
    assert result.dagster_run.tags == {"team": "ops", "tier": "adhoc", "ticket": "T-1"}
    assert split_job.execute_in_process().dagster_run.tags == {"cost": "low"}


def test_execute_in_process_stores_the_tags_on_the_instance_run(tmp_path: object) -> None:
    from pathlib import Path

    with Instance(Path(str(tmp_path))) as instance:
        result = split_job.execute_in_process(instance=instance)
        stored = instance.storage.get_run(result.run_id)
        assert stored is not None and stored.tags == {"cost": "low"}


def test_asset_jobs_and_the_snapshot_carry_run_tags() -> None:
    tagged = define_asset_job("tagged", selection=[numbers], tags={"team": "assets"})
    split = define_asset_job("split", selection=[numbers], tags={"shown": "yes"},
                             run_tags={"team": "runs"})
    defs = Definitions(assets=[numbers], jobs=[tagged, split, plain_job, split_job])
    repository = defs.get_repository_def()
    assert repository.get_job("tagged").run_tags == {"team": "assets"}
    assert repository.get_job("split").run_tags == {"team": "runs"}
    assert repository.get_job("split").tags == {"shown": "yes"}
    result = repository.get_job("split").execute_in_process(tags={"extra": "1"})
    assert result.dagster_run.tags == {"team": "runs", "extra": "1"}

    snapshot = build_location_snapshot("loc", {"defs": repository})
    jobs = {j.name: j for j in snapshot.repositories[0].jobs}
    assert jobs["tagged"].run_tags is None
    assert jobs["tagged"].tags_for_runs == {"team": "assets"}
    assert jobs["split"].run_tags == {"team": "runs"}
    assert jobs["split"].tags_for_runs == {"team": "runs"}
    assert jobs["split_job"].tags == {"team": "ops"}
    assert jobs["split_job"].tags_for_runs == {"cost": "low"}
