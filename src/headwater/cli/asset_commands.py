"""``headwater asset ...``."""

from __future__ import annotations

from typing import Any

import click

from headwater.cli.run_options import load_repository_or_exit, parse_tags, run_options
from headwater.cli.targets import pop_target, single_origin, target_options
from headwater.errors import HeadwaterError


@click.group("asset")
def asset_group() -> None:
    """Work with assets."""


@asset_group.command("materialize")
@target_options
@click.option("--select", "selection", required=True,
              help="Assets to materialize: '*', 'orders', '+orders', 'orders*', 'group:g', ...")
@run_options
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
    from headwater.cli.execute_common import (
        launch_and_follow,
        open_instance,
        plan_size,
        read_config_file,
        storage_errors,
    )
    from headwater.definitions.selection.asset_selection import coerce_selection
    from headwater.execution.launch import create_run

    origin = single_origin(pop_target(target_flags), location)
    run_config = read_config_file(config_file)
    run_tags = parse_tags(tags)
    repository = load_repository_or_exit(origin)
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

