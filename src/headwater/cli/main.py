"""The ``headwater`` command."""

from __future__ import annotations

import click

from headwater import __version__
from headwater.cli.asset_commands import asset_group
from headwater.cli.definitions_commands import definitions_group
from headwater.cli.job_commands import job_group


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="headwater")
def cli() -> None:
    """headwater: an asset-oriented data orchestrator."""


cli.add_command(asset_group)
cli.add_command(job_group)
cli.add_command(definitions_group)


def main() -> None:
    """Entry point of the ``headwater`` console script."""
    cli(prog_name="headwater")


if __name__ == "__main__":
    main()
