"""``headwater daemon run|status``: schedules, sensors, the run queue, run monitoring, backfills.

``run`` starts a code server per location of the target (like the webserver does) and the
daemon's loops, until SIGINT/SIGTERM; it then stops the loops and the code servers (run
workers carry on). ``status`` says whether a daemon is alive (exit code 1 when none is).
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from typing import Any

import click

from headwater.cli.serving import StopOnSignal, configure_logging, instance_root, start_workspace
from headwater.cli.targets import pop_target, resolve_origins, target_options

logger = logging.getLogger("headwater.daemon")


@click.group("daemon")
def daemon_group() -> None:
    """Run the daemon (schedules, sensors, run queue, run monitor, backfills) or check it."""


@daemon_group.command("run")
@target_options
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages.")
def run_command(verbose: bool, **kwargs: Any) -> None:
    """Run the daemon for the target's code locations until Ctrl-C (or SIGTERM)."""
    from headwater.errors import HeadwaterError

    configure_logging(verbose)
    origins = resolve_origins(pop_target(kwargs))
    try:
        _run(origins)
    except HeadwaterError as exc:
        raise click.ClickException(str(exc)) from None


def _run(origins: list[Any]) -> None:
    from headwater.daemon import Daemon
    from headwater.daemon.status import check_no_other_daemon
    from headwater.storage.config import load_instance_config
    from headwater.storage.instance import Instance

    stopper = StopOnSignal()
    stopper.install()
    root = instance_root()
    config = load_instance_config(root)
    instance = Instance(root, config, auto_migrate=True)
    try:
        # Refuse before any code server starts (and has to be killed again).
        check_no_other_daemon(instance, "", time.time())
    except BaseException:
        instance.dispose()
        raise
    workspace = start_workspace(origins, root, config)
    daemon = Daemon(workspace, instance)
    try:
        daemon.start()
        names = ", ".join(origin.location_name for origin in origins)
        click.echo(f"headwater daemon running (locations: {names}; instance: {root}). Press "
                   "Ctrl-C to stop.", err=True)
        while not stopper.requested.wait(1.0):
            pass
    finally:
        daemon.stop()
        workspace.stop()
        instance.dispose()
        logger.info("Stopped.")


@daemon_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status_command(as_json: bool) -> None:
    """Whether a daemon is alive (exit code 1 if not), its last heartbeat and its loops."""
    from headwater.cli.execute_common import open_existing_instance, storage_errors
    from headwater.daemon import get_daemon_status

    instance = open_existing_instance()
    with storage_errors():
        status = get_daemon_status(instance)
    if as_json:
        import msgspec

        click.echo(json.dumps(msgspec.to_builtins(status), indent=2))
    else:
        _print_status(status)
    if not status.alive:
        raise SystemExit(1)


def _print_status(status: Any) -> None:
    if status.last_heartbeat is None:
        click.echo("No daemon has run against this instance (no heartbeat stored).")
        return
    age = time.time() - status.last_heartbeat
    when = datetime.fromtimestamp(status.last_heartbeat).strftime("%Y-%m-%d %H:%M:%S")
    state = "alive" if status.alive else ("stopped" if status.stopped else "not responding")
    click.echo(f"Daemon {state}: last heartbeat {when} ({age:.0f} s ago), pid {status.pid} "
               f"on {status.hostname}.")
    for loop in status.loops:
        last = ("never" if loop.last_iteration is None
                else f"{time.time() - loop.last_iteration:.0f} s ago")
        line = f"  {loop.name:<12} {loop.iterations} iterations, last {last}"
        if loop.error:
            line += f"; last error: {loop.error}"
        click.echo(line)
