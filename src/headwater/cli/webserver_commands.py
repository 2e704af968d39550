"""``headwater webserver``: the HTTP API and UI alone (the daemon runs elsewhere).

Also the serving loop that ``headwater dev`` shares: start the code servers first (they take
longest), then open the instance and import the web stack while they load, bind, serve, and on
SIGINT/SIGTERM stop everything this process started (code servers included; run workers are
independent and carry on).
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from headwater.cli.serving import (
    StopOnSignal,
    configure_logging,
    instance_root,
    log_location_change,
    start_workspace,
)
from headwater.cli.targets import pop_target, resolve_origins, target_options

logger = logging.getLogger("headwater")

#: The host names a webserver listening on a loopback address answers to.
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class ServeOptions:
    """What to serve and how."""

    host: str = "127.0.0.1"
    port: int = 3000
    read_only: bool = False
    watch: bool = False
    with_daemon: bool = False
    verbose: bool = False


def serve(origins: list[Any], options: ServeOptions,
          announce: Callable[[str, Path], None]) -> None:
    """Run code servers, webserver (and daemon) until SIGINT/SIGTERM; then stop them all."""
    from headwater.webserver.binding import bind
    from headwater.webserver.location_feed import LocationFeed

    stopper = StopOnSignal()
    stopper.install()
    root = instance_root()
    sock = bind(options.host, options.port)
    try:
        credentials = _credentials(_is_loopback(sock))  # before anything starts
    except BaseException:
        sock.close()
        raise
    from headwater.storage.config import load_instance_config

    config = load_instance_config(root)
    feed = LocationFeed()

    def on_change(entry: Any) -> None:
        log_location_change(entry)
        feed.publish(entry)

    workspace = start_workspace(origins, root, config, on_change)
    stoppables: list[Callable[[], None]] = [workspace.stop]
    try:
        _serve_workspace(workspace, feed, sock, root, config, options, stopper, stoppables,
                         announce, credentials)
    finally:
        sock.close()
        for stop in reversed(stoppables):
            try:
                stop()
            except Exception:
                logger.exception("Stopping failed")
        logger.info("Stopped.")


def _serve_workspace(workspace: Any, feed: Any, sock: socket.socket, root: Path,
                     config: Any, options: ServeOptions, stopper: StopOnSignal,
                     stoppables: list[Callable[[], None]],
                     announce: Callable[[str, Path], None], credentials: Any) -> None:
    from headwater.cli.background_start import BackgroundStart
    from headwater.storage.instance import Instance
    from headwater.webserver.app import create_app
    from headwater.webserver.server import WebServer

    instance = Instance(root, config, auto_migrate=True, lazy=True)
    stoppables.append(instance.dispose)
    loopback = _is_loopback(sock)
    app = create_app(workspace, instance, read_only=options.read_only,
                     daemon_status=_daemon_status(instance),
                     allowed_hosts=LOOPBACK_NAMES if loopback else None,
                     location_feed=feed, credentials=credentials)
    background = BackgroundStart(workspace, instance, with_daemon=options.with_daemon,
                                 on_failure=lambda: stopper.request())

    def started() -> None:
        announce(url, root)
        background.start()

    server = WebServer(app, sock, on_started=started,
                       log_level="debug" if options.verbose else "warning")
    url = server.url
    stoppables.append(background.stop)
    if options.watch:
        from headwater.workspace import LocationWatcher

        watcher = LocationWatcher(workspace)
        watcher.start()
        stoppables.append(watcher.stop)
    stopper.server = server
    if not stopper.requested.is_set():
        server.run()
    if background.error is not None:
        raise background.error


def _credentials(loopback: bool) -> Any:
    """The credentials of the environment; a warning when beyond loopback without them."""
    import os

    from headwater.webserver.auth import BASIC_AUTH_ENV, TOKEN_ENV, credentials_from_env

    credentials = credentials_from_env(os.environ)
    if credentials is None and not loopback:
        logger.warning(
            "WARNING: the webserver listens beyond this machine and has no authentication: "
            "anyone who can reach it can start runs and read their logs. Set %s (a token) "
            "or %s (user:password) to require credentials, or bind 127.0.0.1.",
            TOKEN_ENV, BASIC_AUTH_ENV)
    elif credentials is not None:
        logger.info("Every request must carry %s.", credentials.describe())
    return credentials


def _is_loopback(sock: socket.socket) -> bool:
    import ipaddress

    return ipaddress.ip_address(sock.getsockname()[0]).is_loopback


def _daemon_status(instance: Any) -> Callable[[], dict[str, Any]]:
    def status() -> dict[str, Any]:
        from headwater.daemon import get_daemon_status

        found = get_daemon_status(instance)
        return {"alive": found.alive, "last_heartbeat": found.last_heartbeat}

    return status


def run_command(kwargs: dict[str, Any], options: ServeOptions, title: str) -> None:
    """Resolve the target flags, serve, and turn startup errors into one-line messages."""
    from headwater.errors import HeadwaterError

    configure_logging(options.verbose)
    origins = resolve_origins(pop_target(kwargs))

    def announce(url: str, root: Path) -> None:
        names = ", ".join(origin.location_name for origin in origins)
        click.echo(f"{title} serving {url} (locations: {names}; instance: {root}). "
                   "Press Ctrl-C to stop.", err=True)

    try:
        serve(origins, options, announce)
    except HeadwaterError as exc:
        raise click.ClickException(str(exc)) from None


def server_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--host, --port, --watch and -v shared by ``dev`` and ``webserver``."""
    options = [
        click.option("--host", default="127.0.0.1", show_default=True,
                     help="Interface to listen on (0.0.0.0 exposes it to the network)."),
        click.option("--port", "-p", default=3000, show_default=True,
                     type=click.IntRange(0, 65535), help="Port to listen on (0: any free)."),
        click.option("--watch", is_flag=True,
                     help="Reload a location when files in its folder change."),
        click.option("-v", "--verbose", is_flag=True, help="Debug logs."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


@click.command("webserver")
@target_options
@server_options
@click.option("--read-only", is_flag=True,
              help="Refuse every change: no runs, reloads or schedule/sensor switches.")
def webserver_command(host: str, port: int, watch: bool, verbose: bool, read_only: bool,
                      **kwargs: Any) -> None:
    """Serve the HTTP API and UI for the given code locations (no daemon).

    In a deployment, point it at code servers with grpc_server entries of a workspace.yaml
    and at the instance the daemon uses ($HEADWATER_HOME/headwater.yaml).
    """
    run_command(kwargs, ServeOptions(host=host, port=port, read_only=read_only, watch=watch,
                                     verbose=verbose), "headwater webserver")
