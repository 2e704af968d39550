"""``headwater code-server start``: serve one code location over gRPC.

Also ``python -m headwater.codeserver.cli --origin JSON ...``, which is how the host starts
code servers (in the location's own environment).
"""

from __future__ import annotations

import functools
import json
from typing import Any


def __getattr__(name: str) -> Any:
    """``code_server_group``, the click group, built on first access.

    Building it lazily keeps click out of ``python -m headwater.codeserver.cli``, which the
    host runs for every code server it starts.
    """
    if name == "code_server_group":
        return _build_group()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.lru_cache(maxsize=1)
def _build_group() -> Any:
    import click

    from headwater.cli.targets import (
        pop_target,
        resolve_origins,
        single_origin,
        target_options,
    )

    @click.group("code-server")
    def code_server_group() -> None:
        """Run code servers."""


    @code_server_group.command("start")
    @target_options
    @click.option("--origin", "origin_json", hidden=True,
                  help="JSON of the location's origin (used by headwater itself).")
    @click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
    @click.option("--port", type=click.IntRange(min=0, max=65535), default=None,
                  help="Port to bind; 0 (the default) picks a free one and prints it.")
    @click.option("--socket", "socket_path", type=click.Path(dir_okay=False),
                  help="Unix domain socket to listen on instead of a port.")
    @click.option("--location-name",
                  help="Name of the location (renames a single target; picks one of several).")
    @click.option("--startup-timeout", type=click.FloatRange(min=0.1), default=180.0,
                  show_default=True, help="Seconds the location may take to load.")
    @click.option("--heartbeat-timeout", type=click.FloatRange(min=0.1), default=None,
                  help="Exit when no Heartbeat call arrives for this many seconds.")
    def start_command(origin_json: str | None, host: str, port: int | None,
                      socket_path: str | None, location_name: str | None,
                      startup_timeout: float, heartbeat_timeout: float | None,
                      **target_flags: Any) -> None:
        """Serve one code location over gRPC until shut down."""
        import dataclasses

        from headwater.codeserver.location_process import LocationProcess
        from headwater.errors import LoadError
        from headwater.loading.origins import GrpcServerOrigin, origin_from_dict

        if port is not None and socket_path is not None:
            raise click.UsageError("Give either --port or --socket, not both.")
        target = pop_target(target_flags)
        if origin_json is not None:
            try:
                origin = origin_from_dict(json.loads(origin_json))
            except (ValueError, LoadError) as exc:
                raise click.UsageError(f"--origin: {exc}") from exc
        else:
            origins = resolve_origins(target)
            origin = origins[0] if len(origins) == 1 else single_origin(target, location_name)
        if isinstance(origin, GrpcServerOrigin):
            raise click.UsageError(f"Location '{origin.location_name}' is itself a gRPC server; "
                                   "a code server serves a file, module or package.")
        if location_name is not None and origin_json is None:
            origin = dataclasses.replace(origin, location_name=location_name)
        # Start loading the user's code now, so that it loads while gRPC is imported here.
        pending = LocationProcess.spawn(origin)
        from headwater.codeserver.server import serve

        raise SystemExit(serve(origin, host=host, port=port or 0, socket_path=socket_path,
                               startup_timeout=startup_timeout,
                               heartbeat_timeout=heartbeat_timeout, pending=pending))

    return code_server_group


def main(argv: list[str] | None = None) -> int:
    """``python -m headwater.codeserver.cli --origin JSON ...``: the host's quick entry.

    It skips click and the target resolution, and spawns the location process before
    importing gRPC, so that the user's code loads while the front process starts.
    """
    import argparse

    from headwater.codeserver.location_process import LocationProcess
    from headwater.loading.origins import origin_from_dict

    parser = argparse.ArgumentParser(prog="python -m headwater.codeserver.cli")
    parser.add_argument("--origin", required=True, help="JSON of the location's origin")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--socket", dest="socket_path")
    parser.add_argument("--startup-timeout", type=float, default=180.0)
    parser.add_argument("--heartbeat-timeout", type=float, default=None)
    args = parser.parse_args(argv)
    origin = origin_from_dict(json.loads(args.origin))
    pending = LocationProcess.spawn(origin)
    from headwater.codeserver.server import serve

    return serve(origin, host=args.host, port=args.port, socket_path=args.socket_path,
                 startup_timeout=args.startup_timeout,
                 heartbeat_timeout=args.heartbeat_timeout, pending=pending)


if __name__ == "__main__":
    raise SystemExit(main())
