"""``headwater schedule list|start|stop|preview`` and ``headwater sensor
list|start|stop|preview|cursor``: schedules and sensors from the terminal.

The location(s) are loaded through code servers (as ``headwater dev`` does); on/off states
and cursors are stored in the instance, where the daemon reads them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from headwater.cli.targets import pop_target, resolve_origins, target_options


@contextmanager
def _loaded(kwargs: dict[str, Any]) -> Iterator[tuple[Any, Any]]:
    """A started workspace of the target's locations and the instance; stopped on exit."""
    from headwater.cli.execute_common import open_instance
    from headwater.workspace import Workspace

    origins = resolve_origins(pop_target(kwargs))
    instance = open_instance()
    settings = instance.config.code_servers
    workspace = Workspace(origins, settings=settings, env={"HEADWATER_HOME": str(instance.root)})
    workspace.start()
    try:
        workspace.wait_until_settled(settings.startup_timeout)
        yield workspace, instance
    finally:
        workspace.stop()
        instance.dispose()


def _kind(kind_name: str) -> Any:
    from headwater.snapshot.runs import InstigatorType

    return InstigatorType.SCHEDULE if kind_name == "schedule" else InstigatorType.SENSOR


def _rows(workspace: Any, instance: Any, kind_name: str) -> list[dict[str, Any]]:
    states = {(state.location_name, state.name): state for state in
              instance.storage.get_instigator_states(instigator_type=_kind(kind_name))}
    rows = []
    for entry in workspace.get_entries():
        if entry.snapshot is None:
            click.echo(f"Location '{entry.name}' did not load: "
                       f"{entry.error.message if entry.error else 'unknown error'}", err=True)
            continue
        for repo in entry.snapshot.repositories:
            for snap in getattr(repo, f"{kind_name}s"):
                state = states.get((entry.name, snap.name))
                status = state.status.value if state is not None else snap.default_status.value
                row = {"location": entry.name, "name": snap.name, "status": status}
                if kind_name == "schedule":
                    row["cron_schedule"] = snap.cron_schedule
                else:
                    row["cursor"] = state.cursor if state is not None else None
                rows.append(row)
    return rows


def _location(workspace: Any, location: str | None, name: str, kind_name: str) -> str:
    """The location defining ``name`` (the one given, or the only one that has it)."""
    from headwater.cli.execute_common import fail

    if location is not None:
        return location
    found = [entry.name for entry in workspace.get_entries() if entry.snapshot is not None
             and any(snap.name == name for repo in entry.snapshot.repositories
                     for snap in getattr(repo, f"{kind_name}s"))]
    if len(found) != 1:
        where = f"several locations ({', '.join(found)}); pick one with --location" if found \
            else "no loaded location"
        fail(f"{kind_name.capitalize()} '{name}' is defined in {where}.")
    return str(found[0])


def _group(kind_name: str) -> click.Group:
    @click.group(kind_name, help=f"List, start, stop and preview {kind_name}s.")
    def group() -> None:
        pass

    _add_list(group, kind_name)
    _add_switches(group, kind_name)
    _add_preview(group, kind_name)
    if kind_name == "sensor":
        _add_cursor(group)
    return group


def _add_list(group: click.Group, kind_name: str) -> None:
    @group.command("list")
    @target_options
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    def list_command(as_json: bool, **kwargs: Any) -> None:
        """Every schedule/sensor of the locations, with its status."""
        with _loaded(kwargs) as (workspace, instance):
            rows = _rows(workspace, instance, kind_name)
        if as_json:
            click.echo(json.dumps(rows, indent=2))
            return
        for row in rows:
            cron = row.get("cron_schedule")
            extra = (" | ".join(cron) if isinstance(cron, list) else cron) or (
                f"cursor={row['cursor']}" if row.get("cursor") else "")
            click.echo(f"{row['status']:<8} {row['location']}/{row['name']}  {extra}".rstrip())
        if not rows:
            click.echo(f"No {kind_name}s.")


def _add_switches(group: click.Group, kind_name: str) -> None:
    def switch(status_name: str) -> Any:
        @target_options
        @click.argument("name")
        @click.option("--location", help="The location defining it (when several do).")
        def command(name: str, location: str | None, **kwargs: Any) -> None:
            from headwater.cli.execute_common import fail
            from headwater.errors import NotFoundError
            from headwater.snapshot.runs import InstigatorStatus
            from headwater.workspace.instigators import find_instigator, set_status

            with _loaded(kwargs) as (workspace, instance):
                where = _location(workspace, location, name, kind_name)
                try:
                    find_instigator(workspace, _kind(kind_name), where, name)
                except NotFoundError as exc:
                    fail(str(exc))
                set_status(instance, _kind(kind_name), where, name,
                           InstigatorStatus(status_name))
            verb = "started" if status_name == "RUNNING" else "stopped"
            click.echo(f"{kind_name.capitalize()} {where}/{name} {verb}.")

        return command

    group.command("start", help=f"Turn a {kind_name} on.")(switch("RUNNING"))
    group.command("stop", help=f"Turn a {kind_name} off.")(switch("STOPPED"))


def _add_preview(group: click.Group, kind_name: str) -> None:
    @group.command("preview")
    @target_options
    @click.argument("name")
    @click.option("--location", help="The location defining it (when several do).")
    def preview_command(name: str, location: str | None, **kwargs: Any) -> None:
        """Evaluate one tick now and print its run requests or skip reason (launches
        nothing, stores nothing)."""
        from headwater.cli.execute_common import fail
        from headwater.errors import HeadwaterError
        from headwater.workspace.instigators import preview_tick

        with _loaded(kwargs) as (workspace, instance):
            where = _location(workspace, location, name, kind_name)
            try:
                answer = preview_tick(workspace, instance, _kind(kind_name), where, name)
            except HeadwaterError as exc:
                fail(str(exc))
        click.echo(json.dumps(answer, indent=2, default=str))
        if answer.get("error"):
            raise SystemExit(1)


def _add_cursor(group: click.Group) -> None:
    @group.command("cursor")
    @target_options
    @click.argument("name")
    @click.option("--location", help="The location defining it (when several do).")
    @click.option("--set", "new_cursor", help="Store this cursor.")
    @click.option("--reset", is_flag=True, help="Forget the cursor.")
    def cursor_command(name: str, location: str | None, new_cursor: str | None,
                       reset: bool, **kwargs: Any) -> None:
        """Show a sensor's cursor, or --set / --reset it."""
        from headwater.snapshot.runs import InstigatorType
        from headwater.workspace.instigators import set_cursor

        if new_cursor is not None and reset:
            raise click.UsageError("Give --set or --reset, not both.")
        with _loaded(kwargs) as (workspace, instance):
            where = _location(workspace, location, name, "sensor")
            if new_cursor is not None or reset:
                set_cursor(instance, where, name, None if reset else new_cursor)
            state = instance.storage.get_instigator_state(where, name, InstigatorType.SENSOR)
        cursor = state.cursor if state is not None else None
        click.echo(cursor if cursor is not None else "(no cursor)")


schedule_group = _group("schedule")
sensor_group = _group("sensor")
