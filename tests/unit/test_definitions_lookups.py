"""Definitions lookups (resolve_* and the older get_* names), the repository's Dagster names,
create_repository_using_definitions_args and file_relative_path."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest

from headwater import (
    AssetCheckKey,
    AssetCheckResult,
    AssetKey,
    AssetSpec,
    Definitions,
    JobDefinition,
    RepositoryDefinition,
    ScheduleDefinition,
    asset,
    asset_check,
    build_schedule_from_partitioned_job,
    create_repository_using_definitions_args,
    define_asset_job,
    file_relative_path,
    job,
    op,
    sensor,
)
from headwater.definitions.partitions import DailyPartitionsDefinition
from headwater.errors import DuplicateDefinitionError, InvalidDefinitionError, NotFoundError

USER_CODE = Path(__file__).resolve().parents[1] / "user_code"


@asset
def source() -> int:
    return 2


@asset
def doubled(source: int) -> int:
    return source * 2


@asset_check(asset=source)
def source_positive(source: int) -> AssetCheckResult:
    return AssetCheckResult(passed=source > 0)


@op
def ping() -> str:
    return "pong"


@job
def ping_job() -> None:
    ping()


all_assets = define_asset_job("all_assets", selection="*")
every_morning = ScheduleDefinition(name="every_morning", cron_schedule="0 6 * * *",
                                   job=all_assets)


@sensor(job=ping_job)
def ping_sensor() -> None:
    return None


def _defs() -> Definitions:
    return Definitions(
        assets=[source, doubled, AssetSpec("landed")],
        asset_checks=[source_positive],
        jobs=[ping_job, all_assets],
        schedules=[every_morning],
        sensors=[ping_sensor],
        resources={"token": "abc"},
    )


# resolve_* --------------------------------------------------------------------------------------


def test_resolve_job_def_resolves_asset_jobs() -> None:
    defs = _defs()
    resolved = defs.resolve_job_def("all_assets")
    assert isinstance(resolved, JobDefinition)
    assert resolved.execute_in_process().asset_value("doubled") == 4
    assert defs.get_job_def("all_assets") is resolved
    assert defs.resolve_job_def("ping_job").execute_in_process().output_for_node("ping") == "pong"
    assert resolved.resource_defs["token"] == "abc"


def test_unknown_job_names_it_and_lists_the_jobs() -> None:
    with pytest.raises(NotFoundError) as caught:
        _defs().resolve_job_def("all_asset")
    message = str(caught.value)
    assert message.startswith("No job named 'all_asset' in these Definitions.")
    assert "Jobs defined: 'all_assets', 'ping_job'." in message
    assert "Did you mean: all_assets?" in message


def test_unknown_schedule_sensor_and_asset_list_what_exists() -> None:
    defs = _defs()
    with pytest.raises(NotFoundError, match="Schedules defined: 'every_morning'"):
        defs.resolve_schedule_def("nightly")
    with pytest.raises(NotFoundError, match="No sensor named 'pong_sensor'.*Did you mean: "
                                            "ping_sensor"):
        defs.resolve_sensor_def("pong_sensor")
    with pytest.raises(NotFoundError, match="No asset 'dubled'.*'doubled', 'landed', 'source'"):
        defs.resolve_assets_def("dubled")
    empty = Definitions()
    with pytest.raises(NotFoundError, match="Sensors defined: none"):
        empty.resolve_sensor_def("any")


def test_long_listings_are_cut() -> None:
    many = [define_asset_job(f"job_{i:02}") for i in range(30)]
    with pytest.raises(NotFoundError, match="'job_19' and 10 more"):
        Definitions(jobs=many).resolve_job_def("nope")


def test_resolve_schedule_sensor_and_assets_def() -> None:
    defs = _defs()
    assert defs.resolve_schedule_def("every_morning") is every_morning
    assert defs.get_schedule_def("every_morning") is every_morning
    assert defs.resolve_sensor_def("ping_sensor") is ping_sensor
    assert defs.get_sensor_def("ping_sensor") is ping_sensor
    assert defs.resolve_assets_def("doubled") is doubled
    assert defs.get_assets_def(["source"]) is source
    assert not defs.resolve_assets_def(AssetKey("landed")).is_executable


def test_partitioned_schedule_is_resolved_but_unresolved_lookup_gives_what_was_passed() -> None:
    daily_job = define_asset_job(
        "daily_job", partitions_def=DailyPartitionsDefinition(start_date="2024-01-01")
    )
    schedule = build_schedule_from_partitioned_job(daily_job, hour_of_day=3)
    defs = Definitions(schedules=[schedule])
    resolved = defs.resolve_schedule_def(schedule.name)
    assert isinstance(resolved, ScheduleDefinition)
    assert resolved.cron_schedule == "0 3 * * *"
    assert defs.get_unresolved_schedule_def(schedule.name) is schedule
    with pytest.raises(NotFoundError, match="No schedule named 'x'"):
        defs.get_unresolved_schedule_def("x")
    assert _defs().get_unresolved_sensor_def("ping_sensor") is ping_sensor


def test_implicit_global_asset_job() -> None:
    defs = _defs()
    implicit = defs.resolve_implicit_global_asset_job_def()
    assert implicit.name == "__ASSET_JOB"
    assert defs.get_implicit_global_asset_job_def() is implicit
    assert defs.has_implicit_global_asset_job_def()
    assert not Definitions(assets=[AssetSpec("only_external")]).has_implicit_global_asset_job_def()
    result = implicit.execute_in_process()
    assert result.asset_value("doubled") == 4
    assert [e.passed for e in result.get_asset_check_evaluations()] == [True]


def test_asset_graph_specs_and_checks() -> None:
    defs = _defs()
    assert defs.resolve_asset_graph().parents(AssetKey("doubled")) == {AssetKey("source")}
    assert [s.key.to_user_string() for s in defs.resolve_all_asset_specs()] == [
        "source", "doubled", "landed"
    ]
    key = AssetCheckKey(AssetKey("source"), "source_positive")
    assert defs.get_asset_checks_def(key) is source_positive
    with pytest.raises(NotFoundError, match="Standalone checks defined: source:source_positive"):
        defs.get_asset_checks_def(AssetCheckKey(AssetKey("source"), "other"))


def test_resolving_invalid_definitions_raises_the_definition_error() -> None:
    defs = Definitions(assets=[source, source.with_attributes(group_name="x")])
    with pytest.raises(DuplicateDefinitionError, match="Asset 'source' is defined twice"):
        defs.resolve_job_def("anything")


# The repository's Dagster names ----------------------------------------------------------------


def test_repository_lookups_by_dagster_names() -> None:
    repository = _defs().get_repository_def()
    assert isinstance(repository, RepositoryDefinition)
    assert repository.name == "__repository__"
    assert repository.has_job("ping_job") and repository.has_job("__ASSET_JOB")
    assert not repository.has_job("nope")
    assert repository.has_schedule_def("every_morning") and not repository.has_sensor_def("x")
    assert repository.get_schedule_def("every_morning") is every_morning
    assert repository.get_sensor_def("ping_sensor") is ping_sensor
    assert sorted(repository.job_names) == ["all_assets", "ping_job"]
    assert sorted(j.name for j in repository.get_all_jobs()) == ["all_assets", "ping_job"]
    assert repository.schedule_defs == [every_morning]
    assert repository.sensor_defs == [ping_sensor]
    assert repository.get_top_level_resources() == {"token": "abc"}
    assert repository.get_implicit_global_asset_job_def().name == "__ASSET_JOB"


# create_repository_using_definitions_args ------------------------------------------------------


def test_create_repository_using_definitions_args() -> None:
    repository = create_repository_using_definitions_args(
        name="analytics", assets=[source, doubled], jobs=[all_assets], schedules=[every_morning],
        resources={"token": "abc"}, asset_checks=[source_positive],
    )
    assert isinstance(repository, RepositoryDefinition)
    assert repository.name == "analytics"
    assert repository.get_job("all_assets").execute_in_process().asset_value("doubled") == 4
    assert repository.get_schedule_def("every_morning") is every_morning
    with pytest.raises(NotFoundError, match="in repository 'analytics'"):
        repository.get_job("nope")


def test_create_repository_checks_name_and_definitions_at_once() -> None:
    with pytest.raises(InvalidDefinitionError, match="Repository name 'bad name!' is not valid"):
        create_repository_using_definitions_args(name="bad name!")
    with pytest.raises(DuplicateDefinitionError, match="Asset 'source' is defined twice"):
        create_repository_using_definitions_args(
            name="dupes", assets=[source, source.with_attributes(group_name="x")]
        )


def test_repositories_made_from_definitions_args_load_as_a_location(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from headwater.loading.discovery import find_definitions

    monkeypatch.syspath_prepend(str(USER_CODE))
    try:
        import loader_repositories

        found = find_definitions(loader_repositories)
    finally:
        sys.modules.pop("loader_repositories", None)
    assert sorted(found.repositories) == ["finance", "sales"]
    sales, finance = found.repositories["sales"], found.repositories["finance"]
    assert sales.get_job("sales_job").execute_in_process().asset_value("shared_name") == 1
    finance_job = finance.get_implicit_global_asset_job_def()
    assert finance_job.execute_in_process().asset_value("shared_name") == 2
    assert finance.resources == {"rate": 3}


# file_relative_path ---------------------------------------------------------------------------


def test_file_relative_path_is_relative_to_the_file_not_the_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp_path = tmp_path.resolve()  # the expected paths are resolved, like the results
    project = tmp_path / "project" / "pkg"
    project.mkdir(parents=True)
    dunderfile = str(project / "definitions.py")
    monkeypatch.chdir(tmp_path)
    assert file_relative_path(dunderfile, "data/seed.csv") == str(project / "data" / "seed.csv")
    assert file_relative_path(dunderfile, "../sql/q.sql") == str(
        tmp_path / "project" / "sql" / "q.sql"
    )
    assert file_relative_path(dunderfile, str(tmp_path / "abs.txt")) == str(tmp_path / "abs.txt")
    assert os.path.isabs(file_relative_path("relative/file.py", "x"))


def test_file_relative_path_follows_a_symlinked_file(tmp_path: Path) -> None:
    tmp_path = tmp_path.resolve()
    real = tmp_path / "real"
    real.mkdir()
    (real / "defs.py").write_text("")
    (tmp_path / "link.py").symlink_to(real / "defs.py")
    assert file_relative_path(str(tmp_path / "link.py"), "data") == str(real / "data")


def test_file_relative_path_rejects_non_paths() -> None:
    bad: Any = None
    with pytest.raises(TypeError, match="dunderfile must be a path string"):
        file_relative_path(bad, "x")
