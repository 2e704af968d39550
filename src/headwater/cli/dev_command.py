"""``headwater dev``: code servers, webserver and daemon as one command, for local work."""

from __future__ import annotations

from typing import Any

import click

from headwater.cli.targets import target_options
from headwater.cli.webserver_commands import ServeOptions, run_command, server_options


@click.command("dev")
@target_options
@server_options
def dev_command(host: str, port: int, watch: bool, verbose: bool, **kwargs: Any) -> None:
    """Run every code location, the webserver and the daemon until Ctrl-C.

    The instance is $HEADWATER_HOME, else ./.headwater (created). Ctrl-C or SIGTERM stops
    the webserver, the daemon and the code servers; runs in progress carry on.
    """
    run_command(kwargs, ServeOptions(host=host, port=port, watch=watch, with_daemon=True,
                                     verbose=verbose), "headwater dev")
