"""The commands a dg user types, with the same meaning: ``check defs``, ``list defs`` and
``launch``. (``scaffold`` is in :mod:`headwater.cli.scaffold_commands`.)"""

from __future__ import annotations

import json
from typing import Any

import click

from headwater.cli.definitions_commands import list_command, validate_command
from headwater.cli.run_options import load_repository_or_exit, parse_tags
from headwater.cli.targets import pop_target, single_origin, target_options
from headwater.errors import HeadwaterError


@click.group("check")
def check_group() -> None:
    """Check code locations (as dg does)."""


check_group.add_command(click.Command(
    "defs", callback=validate_command.callback, params=list(validate_command.params),
    help="Load every location in its own process; exit 1 if any fails (= definitions "
         "validate). With no target, the dg project or workspace around this folder.",
))


@click.group("list")
def list_group() -> None:
    """List what code locations define (as dg does)."""


list_group.add_command(click.Command(
    "defs", callback=list_command.callback, params=list(list_command.params),
    help="List each location's assets, jobs, schedules, sensors and resources "
         "(= definitions list); --json prints them as JSON.",
))


def _run_config(config_json: str | None, config_file: str | None) -> dict[str, Any]:
    from headwater.cli.execute_common import read_config_file

    config = read_config_file(config_file)
    if config_json is None:
        return config
    try:
        loaded = json.loads(config_json)
    except ValueError as exc:
        raise click.BadParameter(f"not JSON: {exc}", param_hint="--config-json") from exc
    if not isinstance(loaded, dict):
        raise click.BadParameter("must be a JSON object (ops:, resources:)",
                                 param_hint="--config-json")
    return {**config, **loaded}


@click.command("launch")
@target_options
@click.option("--assets", "selection", help="Assets to materialize: '*', 'orders', "
              "'+orders', 'group:g', ...")
@click.option("--job", "job_name", help="Job to run.")
@click.option("--partition", "partition_key", help="Partition key to run.")
@click.option("--config-json", "config_json", help="Run config as a JSON string.")
@click.option("-c", "--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="YAML or JSON file with run config.")
@click.option("--location", help="Which location, when several are defined.")
@click.option("--tag", "tags", multiple=True, help="Run tag as key=value (repeatable).")
@click.option("-v", "--verbose", is_flag=True, help="Also print DEBUG log lines.")
def launch_command(
    selection: str | None, job_name: str | None, partition_key: str | None,
    config_json: str | None, config_file: str | None, location: str | None,
    tags: tuple[str, ...], verbose: bool, **target_flags: Any,
) -> None:
    """Run assets (--assets) or a job (--job) of a code location, following the run.

    The run is stored in the instance ($HEADWATER_HOME, or ./.headwater) and executed by a
    run worker. Ctrl-C cancels it.
    """
    from headwater.cli.execute_common import (
        launch_and_follow,
        open_instance,
        plan_size,
        storage_errors,
    )
    from headwater.definitions.selection.asset_selection import coerce_selection
    from headwater.execution.launch import create_run

    if (selection is None) == (job_name is None):
        raise click.UsageError("Give exactly one of --assets SELECTION or --job NAME.")
    origin = single_origin(pop_target(target_flags), location)
    run_config = _run_config(config_json, config_file)
    run_tags = parse_tags(tags)
    repository = load_repository_or_exit(origin)
    keys: Any = None
    checks: Any = ()
    try:
        if selection is not None:
            chosen = coerce_selection(selection)
            graph = repository.asset_graph
            keys = chosen.resolve(graph) & graph.executable_asset_keys
            if not keys:
                raise click.UsageError(f"--assets {selection!r} matches no materializable asset.")
            checks = chosen.resolve_checks(graph)
            job = repository.job_for_selection(keys, checks)
        else:
            job = repository.get_job(job_name)
    except HeadwaterError as exc:
        raise click.UsageError(str(exc)) from exc
    instance = open_instance()
    with storage_errors():
        run = create_run(
            instance, origin=origin, job_name=job.name,
            asset_selection=sorted(list(key.path) for key in keys) if keys else None,
            asset_check_selection=(sorted([*c.asset_key.path, c.name] for c in checks) if keys
                                   else None),
            partition_key=partition_key, run_config=run_config,
            tags={**job.run_tags, **run_tags},
        )
    description = (f"materializing {len(keys)} asset(s): "
                   f"{', '.join(sorted(k.to_user_string() for k in keys))}" if keys
                   else f"running job {job.name}")
    launch_and_follow(instance, run, verbose=verbose, total_steps=plan_size(job),
                      description=description)
