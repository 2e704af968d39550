"""``headwater job ...``."""

from __future__ import annotations

from typing import Any

import click

from headwater.cli.run_options import load_repository_or_exit, parse_tags, run_options
from headwater.cli.targets import pop_target, single_origin, target_options
from headwater.errors import HeadwaterError


@click.group("job")
def job_group() -> None:
    """Work with jobs."""


@job_group.command("execute")
@target_options
@click.option("-j", "--job", "job_name", required=True, help="Name of the job to run.")
@run_options
def execute_command(
    location: str | None,
    job_name: str,
    partition_key: str | None,
    config_file: str | None,
    tags: tuple[str, ...],
    verbose: bool,
    **target_flags: Any,
) -> None:
    """Run a job of a code location in a run worker, following its progress.

    Ctrl-C cancels the run.
    """
    from headwater.cli.execute_common import (
        launch_and_follow,
        open_instance,
        plan_size,
        read_config_file,
        storage_errors,
    )
    from headwater.execution.launch import create_run

    origin = single_origin(pop_target(target_flags), location)
    run_config = read_config_file(config_file)
    run_tags = parse_tags(tags)
    repository = load_repository_or_exit(origin)
    try:
        job = repository.get_job(job_name)
    except HeadwaterError as exc:
        raise click.UsageError(str(exc)) from exc
    instance = open_instance()
    with storage_errors():
        run = create_run(
            instance,
            origin=origin,
            job_name=job.name,
            partition_key=partition_key,
            run_config=run_config,
            tags={**job.run_tags, **run_tags},
        )
    launch_and_follow(instance, run, verbose=verbose, total_steps=plan_size(job))
