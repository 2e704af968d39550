"""The ``headwater`` command.

Subcommands are imported only when invoked, so ``headwater --help`` and the light commands
start fast.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from headwater.core.version import __version__

#: Subcommand name -> "module:attribute" of its click command or group.
SUBCOMMANDS = {
    "asset": "headwater.cli.asset_commands:asset_group",
    "backfill": "headwater.cli.backfill_commands:backfill_group",
    "celery": "headwater.cli.celery_commands:celery_group",
    "check": "headwater.cli.dg_commands:check_group",
    "code-server": "headwater.codeserver.cli:code_server_group",
    "daemon": "headwater.cli.daemon_commands:daemon_group",
    "definitions": "headwater.cli.definitions_commands:definitions_group",
    "dev": "headwater.cli.dev_command:dev_command",
    "instance": "headwater.cli.instance_commands:instance_group",
    "job": "headwater.cli.job_commands:job_group",
    "launch": "headwater.cli.dg_commands:launch_command",
    "list": "headwater.cli.dg_commands:list_group",
    "run": "headwater.cli.run_commands:run_group",
    "scaffold": "headwater.cli.scaffold_commands:scaffold_group",
    "schedule": "headwater.cli.instigator_commands:schedule_group",
    "sensor": "headwater.cli.instigator_commands:sensor_group",
    "webserver": "headwater.cli.webserver_commands:webserver_command",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *SUBCOMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = SUBCOMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, attribute = target.split(":")
        command: Any = getattr(importlib.import_module(module_name), attribute)
        return command if isinstance(command, click.Command) else None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="headwater")
def cli() -> None:
    """headwater: an asset-oriented data orchestrator."""


def main() -> None:
    """Entry point of the ``headwater`` console script."""
    cli(prog_name="headwater")


if __name__ == "__main__":
    main()
