"""``headwater asset ...``."""

from __future__ import annotations

from typing import Any

import click

from headwater.cli.targets import load_in_process, pop_target, single_origin, target_options
from headwater.errors import HeadwaterError


@click.group("asset")
def asset_group() -> None:
    """Work with assets."""


@asset_group.command("materialize")
@target_options
@click.option("--location", help="Which location, when several are defined.")
@click.option("--select", "selection", required=True,
              help="Assets to materialize: '*', 'orders', '+orders', 'orders*', 'group:g', ...")
@click.option("--partition", "partition_key", help="Partition key to materialize.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="YAML or JSON file with run config (ops:, resources:).")
@click.option("--tag", "tags", multiple=True, help="Run tag as key=value (repeatable).")
@click.option("-v", "--verbose", is_flag=True, help="Also print DEBUG log lines.")
def materialize_command(
    location: str | None,
    selection: str,
    partition_key: str | None,
    config_file: str | None,
    tags: tuple[str, ...],
    verbose: bool,
    **target_flags: Any,
) -> None:
    """Materialize the selected assets of a code location in a run worker.

    The run is stored in the instance ($HEADWATER_HOME, or ./.headwater) and executed by
    ``python -m headwater.execution.worker``; this command follows its events until it ends.
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
    from headwater.definitions.asset_selection import coerce_selection
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
        chosen = coerce_selection(selection)
        keys = chosen.resolve(repository.asset_graph) & repository.asset_graph.executable_asset_keys
        if not keys:
            raise click.UsageError(f"--select {selection!r} matches no materializable asset.")
        checks = chosen.resolve_checks(repository.asset_graph)
        job = repository.job_for_selection(keys, checks)
    except HeadwaterError as exc:
        raise click.UsageError(str(exc)) from exc
    instance = open_instance()
    with storage_errors():
        run = create_run(
            instance,
            origin=origin,
            job_name=job.name,
            asset_selection=sorted(list(key.path) for key in keys),
            asset_check_selection=sorted([*c.asset_key.path, c.name] for c in checks),
            partition_key=partition_key,
            run_config=run_config,
            tags=run_tags,
        )
    names = ", ".join(sorted(key.to_user_string() for key in keys))
    launch_and_follow(instance, run, verbose=verbose, total_steps=plan_size(job),
                      description=f"materializing {len(keys)} asset(s): {names}")


def parse_tags(tags: tuple[str, ...]) -> dict[str, str]:
    """``key=value`` strings as a dict; a malformed one is a usage error."""
    parsed: dict[str, str] = {}
    for tag in tags:
        key, sep, value = tag.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{tag!r} is not key=value", param_hint="--tag")
        parsed[key] = value
    return parsed
