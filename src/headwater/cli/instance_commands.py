"""``headwater instance info|migrate``: the instance folder and its storage."""

from __future__ import annotations

from typing import Any

import click


@click.group("instance")
def instance_group() -> None:
    """Inspect and upgrade the instance ($HEADWATER_HOME, or ./.headwater)."""


def _lazy_instance() -> Any:
    """The instance without opening its storage (so a schema mismatch can be shown or fixed)."""
    from headwater.cli.execute_common import storage_errors
    from headwater.storage.instance import Instance

    with storage_errors():
        return Instance.get(lazy=True)


def _existing_lazy_instance() -> Any:
    """Like :func:`_lazy_instance`, but only an instance that is there (never creates one)."""
    from headwater.cli.execute_common import open_existing_instance

    return open_existing_instance(lazy=True)


@instance_group.command("info")
def info_command() -> None:
    """Where the instance is, its storage backend and URL, schema revision and run count."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from headwater.cli.execute_common import storage_errors

    instance = _existing_lazy_instance()
    with storage_errors():
        info: dict[str, Any] = instance.info()
    rows = [
        ("root", info.get("root")),
        ("config file", info.get("config_file") or "(none: defaults)"),
        ("backend", info.get("backend")),
        ("url", info.get("url")),
        ("schema revision", info.get("schema_revision") or "(none)"),
        ("code revision", info.get("head_revision")),
        ("schema", info.get("schema_status")),
        ("runs", "" if info.get("runs") is None else info.get("runs")),
        ("outputs", info.get("storage_dir")),
    ]
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    for name, value in rows:
        table.add_row(name, escape(str(value)))
    Console(highlight=False, soft_wrap=True).print(table)
    instance.dispose()


@instance_group.command("migrate")
def migrate_command() -> None:
    """Upgrade the storage schema to this headwater's newest revision."""
    from headwater.cli.execute_common import storage_errors

    instance = _lazy_instance()
    with storage_errors():
        result = instance.migrate()
    instance.dispose()
    where = f"{instance.backend} storage of the instance at {instance.root}"
    if result.before == result.after:
        click.echo(f"The {where} is already at revision {result.after}.")
    else:
        click.echo(f"Migrated the {where} from revision {result.before or '(empty)'} to "
                   f"{result.after}.")
