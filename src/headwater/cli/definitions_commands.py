"""``headwater definitions validate|list``: load every location in a fresh subprocess."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from headwater.cli.targets import pop_target, resolve_origins, target_options

if TYPE_CHECKING:
    from rich.console import Console

    from headwater.loading.subprocess_load import LocationLoadResult
    from headwater.snapshot.location import LocationSnapshot


@click.group("definitions")
def definitions_group() -> None:
    """Check and inspect code locations."""


def _timeout_option(fn: Any) -> Any:
    return click.option(
        "--timeout", type=click.FloatRange(min=0.1), default=180.0, show_default=True,
        help="Seconds a location may take to load before it is reported as hanging.",
    )(fn)


def _load(target_flags: dict[str, Any], timeout: float) -> list[LocationLoadResult]:
    from headwater.loading.subprocess_load import load_all_in_subprocesses

    return load_all_in_subprocesses(resolve_origins(pop_target(target_flags)), timeout)


@definitions_group.command("validate")
@target_options
@_timeout_option
def validate_command(timeout: float, **target_flags: Any) -> None:
    """Load every location in its own process; exit 1 if any fails, showing why."""
    results = _load(target_flags, timeout)
    for result in results:
        name = result.origin.location_name
        where = click.style(f"({result.origin.describe()})", dim=True)
        if result.snapshot is not None:
            click.echo(f"{click.style('✓', fg='green')} {name} {where} loaded in "
                       f"{result.seconds:.2f} s: {_counts(result.snapshot)}")
        else:
            click.echo(f"{click.style(f'✗ {name}', fg='red')} {where}: failed to load")
            if result.error is not None:
                click.echo(click.style(result.error.to_string().rstrip(), fg="red"))
    failed = [r for r in results if not r.ok]
    if failed:
        click.echo(click.style(f"{len(failed)} of {len(results)} location(s) failed to load.",
                               fg="red"))
        raise SystemExit(1)
    click.echo(f"All {len(results)} location(s) loaded.")


def _counts(snapshot: LocationSnapshot) -> str:
    assets = sum(len(r.assets) for r in snapshot.repositories)
    jobs = sum(len([j for j in r.jobs if not j.is_implicit]) for r in snapshot.repositories)
    schedules = sum(len(r.schedules) for r in snapshot.repositories)
    sensors = sum(len(r.sensors) for r in snapshot.repositories)
    resources = sum(len(r.resources) for r in snapshot.repositories)
    return (f"{assets} assets, {jobs} jobs, {schedules} schedules, {sensors} sensors, "
            f"{resources} resources")


@definitions_group.command("list")
@target_options
@_timeout_option
@click.option("--json", "as_json", is_flag=True, help="Print the snapshots as JSON.")
def list_command(timeout: float, as_json: bool, **target_flags: Any) -> None:
    """List each location's assets, jobs, schedules, sensors and resources."""
    import msgspec

    results = _load(target_flags, timeout)
    if as_json:
        payload = [
            {
                "name": r.origin.location_name,
                "location": r.origin.location_name,
                "origin": r.origin.to_dict(),
                "status": "loaded" if r.ok else "error",
                "snapshot": msgspec.to_builtins(r.snapshot) if r.snapshot else None,
                "error": msgspec.to_builtins(r.error) if r.error else None,
            }
            for r in results
        ]
        click.echo(json.dumps({"locations": payload}, indent=2))
    else:
        from rich.console import Console

        console = Console(highlight=False, soft_wrap=True)
        for result in results:
            _print_location(console, result)
    if any(not r.ok for r in results):
        raise SystemExit(1)


def _print_location(console: Console, result: LocationLoadResult) -> None:
    from rich.markup import escape

    name = escape(result.origin.location_name)
    where = escape(result.origin.describe())
    if result.snapshot is None:
        console.print(f"[bold]{name}[/] [dim]({where})[/] [red]failed to load[/]")
        if result.error is not None:
            console.print(escape(result.error.to_string().rstrip()), style="red")
        return
    console.print(f"[bold]{name}[/] [dim]({where})[/]")
    for repository in result.snapshot.repositories:
        if len(result.snapshot.repositories) > 1:
            console.print(f" repository [bold]{escape(repository.name)}[/]")
        _table(console, "assets", ["key", "group", "deps", "partitions"], [
            ["/".join(a.key), a.group_name, str(len(a.deps)),
             a.partitions.kind if a.partitions else ""] for a in repository.assets])
        _table(console, "jobs", ["name", "kind", "steps"], [
            [j.name, "assets" if j.is_asset_job else "ops", str(len(j.ops))]
            for j in repository.jobs if not j.is_implicit])
        _table(console, "schedules", ["name", "cron", "timezone", "job"], [
            [s.name, " | ".join(s.cron_schedule), s.execution_timezone or "UTC", s.job_name]
            for s in repository.schedules])
        _table(console, "sensors", ["name", "type", "interval (s)", "jobs"], [
            [s.name, str(s.sensor_type.value if hasattr(s.sensor_type, "value") else
                          s.sensor_type), str(s.minimum_interval_seconds), ", ".join(s.job_names)]
            for s in repository.sensors])
        _table(console, "resources", ["name", "type"], [
            [r.name, r.type_name] for r in repository.resources])


def _table(console: Console, title: str, columns: list[str], rows: list[list[str]]) -> None:
    from rich.markup import escape
    from rich.table import Table

    if not rows:
        return
    table = Table(title=title, title_justify="left", show_header=True, header_style="bold")
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    console.print(table)
