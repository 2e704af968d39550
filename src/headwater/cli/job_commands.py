"""``headwater job ...``."""

from __future__ import annotations

from typing import Any

import click

from headwater.cli.asset_commands import parse_tags
from headwater.cli.targets import load_in_process, pop_target, single_origin, target_options
from headwater.errors import HeadwaterError


@click.group("job")
def job_group() -> None:
    """Work with jobs."""


@job_group.command("execute")
@target_options
@click.option("--location", help="Which location, when several are defined.")
@click.option("-j", "--job", "job_name", required=True, help="Name of the job to run.")
@click.option("--partition", "partition_key", help="Partition key to run.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="YAML or JSON file with run config (ops:, resources:).")
@click.option("--tag", "tags", multiple=True, help="Run tag as key=value (repeatable).")
@click.option("-v", "--verbose", is_flag=True, help="Also print DEBUG log lines.")
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
    from rich.console import Console

    from headwater.cli.execute_common import (
        launch_and_follow,
        open_instance,
        plan_size,
        read_config_file,
        report_load_error,
        storage_errors,
    )
    from headwater.execution.launch import create_run

    origin = single_origin(pop_target(target_flags), location)
    run_config = read_config_file(config_file)
    run_tags = parse_tags(tags)
    console = Console(highlight=False, stderr=True)
    try:
        repository = load_in_process(origin).repository
    except HeadwaterError as exc:
        report_load_error(console, exc)
        raise SystemExit(1) from exc
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
            tags=run_tags,
        )
    launch_and_follow(instance, run, verbose=verbose, total_steps=plan_size(job))
