"""``headwater backfill launch|list|show|cancel``: run a partitioned job or assets per partition.

``launch`` checks the request against the location (through a code server) and stores the
backfill; the daemon then submits one run per partition through its run queue.
"""

from __future__ import annotations

import json
from typing import Any

import click

from headwater.cli.targets import pop_target, resolve_origins, target_options

_STATUSES = ("REQUESTED", "COMPLETED", "FAILED", "CANCELING", "CANCELED")


@click.group("backfill")
def backfill_group() -> None:
    """Launch, list, inspect and cancel backfills."""


def _split_tag(value: str) -> tuple[str, str]:
    key, sep, tag_value = value.partition("=")
    if not sep or not key:
        raise click.BadParameter(f"expected KEY=VALUE, got {value!r}.", param_hint="--tag")
    return key, tag_value


@backfill_group.command("launch")
@target_options
@click.option("--location", help="The code location (needed when the target has several).")
@click.option("--job", "job_name", help="The partitioned job to backfill.")
@click.option("--asset", "assets", multiple=True,
              help="An asset key to backfill, parts joined by '/' (repeatable).")
@click.option("--partitions", help="Comma-separated partition keys.")
@click.option("--from", "start", help="First partition key of a range (with --to).")
@click.option("--to", "end", help="Last partition key of a range (with --from).")
@click.option("--tag", "tags", multiple=True, help="A tag for every run, KEY=VALUE.")
@click.option("--json", "as_json", is_flag=True, help="Print the backfill as JSON.")
def launch_command(location: str | None, job_name: str | None, assets: tuple[str, ...],
                   partitions: str | None, start: str | None, end: str | None,
                   tags: tuple[str, ...], as_json: bool, **kwargs: Any) -> None:
    """Store a backfill over --partitions or --from/--to; the daemon runs it."""
    if bool(job_name) == bool(assets):
        raise click.UsageError("Give exactly one of --job or --asset.")
    if (partitions is None) == (start is None and end is None):
        raise click.UsageError("Give either --partitions or --from and --to.")
    if partitions is None and (start is None or end is None):
        raise click.UsageError("A range needs both --from and --to.")
    origins = resolve_origins(pop_target(kwargs))
    names = [origin.location_name for origin in origins]
    if location is None:
        if len(names) != 1:
            raise click.UsageError(f"Several locations ({', '.join(names)}); pick one with "
                                   "--location.")
        location = names[0]
    keys = [key.strip() for key in partitions.split(",") if key.strip()] if partitions else None
    backfill = _launch(origins, location, job_name=job_name,
                       asset_selection=[key.split("/") for key in assets] or None,
                       partition_keys=keys,
                       partition_range=(start, end) if start is not None and end is not None
                       else None, tags=dict(_split_tag(tag) for tag in tags))
    if as_json:
        import msgspec

        click.echo(json.dumps(msgspec.to_builtins(backfill), indent=2))
        return
    click.echo(f"Backfill {backfill.backfill_id}: {len(backfill.partition_keys)} partitions "
               f"of {job_name or ', '.join(assets)} in location '{location}'.")
    _warn_without_daemon()


def _launch(origins: list[Any], location: str, **request: Any) -> Any:
    from headwater.cli.execute_common import fail, open_instance, storage_errors
    from headwater.workspace import Workspace
    from headwater.workspace.backfills import create_backfill

    instance = open_instance()
    chosen = [origin for origin in origins if origin.location_name == location]
    if not chosen:
        raise click.UsageError(f"No location named '{location}'; locations: "
                               f"{', '.join(o.location_name for o in origins)}.")
    settings = instance.config.code_servers
    workspace = Workspace(chosen, settings=settings,
                          env={"HEADWATER_HOME": str(instance.root)})
    workspace.start()
    try:
        [entry] = workspace.wait_until_settled(settings.startup_timeout)
        if entry.snapshot is None:
            why = entry.error.message if entry.error is not None else "it did not load in time"
            fail(f"Location '{location}' could not be loaded: {why}")
        with storage_errors():
            return create_backfill(workspace, instance, location=location, **request)
    finally:
        workspace.stop()
        instance.dispose()


def _warn_without_daemon() -> None:
    from headwater.cli.execute_common import open_instance
    from headwater.daemon import get_daemon_status

    instance = open_instance()
    try:
        if not get_daemon_status(instance).alive:
            click.echo("No daemon is running: its runs start once `headwater daemon run` (or "
                       "`headwater dev`) runs.", err=True)
    finally:
        instance.dispose()


@backfill_group.command("list")
@click.option("--status", type=click.Choice(_STATUSES, case_sensitive=False),
              help="Only backfills with this status.")
@click.option("--limit", default=50, show_default=True, help="At most this many.")
def list_command(status: str | None, limit: int) -> None:
    """Backfills, newest first."""
    from headwater.cli.execute_common import open_existing_instance, storage_errors
    from headwater.snapshot.runs import BackfillStatus

    instance = open_existing_instance()
    with storage_errors():
        backfills = instance.storage.get_backfills(
            BackfillStatus(status.upper()) if status else None, limit=limit)
    if not backfills:
        click.echo("No backfills.")
    for backfill in backfills:
        target = backfill.job_name or ", ".join("/".join(k) for k in backfill.asset_selection or [])
        click.echo(f"{backfill.backfill_id}  {backfill.status.value:<10} "
                   f"{len(backfill.partition_keys):>5} partitions  {backfill.location_name}: "
                   f"{target}")


@backfill_group.command("show")
@click.argument("backfill_id")
def show_command(backfill_id: str) -> None:
    """A backfill and the status of each partition's run."""
    from headwater.cli.execute_common import fail, open_existing_instance, storage_errors
    from headwater.workspace.backfills import partition_statuses

    instance = open_existing_instance()
    with storage_errors():
        backfill = instance.storage.get_backfill(backfill_id)
        if backfill is None:
            fail(f"No backfill with id '{backfill_id}'.")
        statuses = partition_statuses(instance, backfill)
    click.echo(f"Backfill {backfill.backfill_id}: {backfill.status.value}")
    if backfill.error is not None:
        click.echo(f"  error: {backfill.error.message}")
    for key, (status, run_id) in statuses.items():
        click.echo(f"  {key:<24} {status.value if status else 'NOT SUBMITTED':<14} "
                   f"{run_id or ''}")


@backfill_group.command("cancel")
@click.argument("backfill_id")
def cancel_command(backfill_id: str) -> None:
    """Cancel a backfill: queued runs now, running ones through the daemon."""
    from headwater.cli.execute_common import open_existing_instance, storage_errors
    from headwater.workspace.backfills import cancel_backfill

    instance = open_existing_instance()
    with storage_errors():
        backfill = cancel_backfill(instance, backfill_id)
    click.echo(f"Backfill {backfill.backfill_id}: {backfill.status.value}")
