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
    @click.option("--tls-cert", type=click.Path(dir_okay=False),
                  help="PEM certificate (chain) to serve TLS with; needs --tls-key.")
    @click.option("--tls-key", type=click.Path(dir_okay=False),
                  help="PEM private key of --tls-cert.")
    @click.option("--in-process", is_flag=True,
                  help="Load the location in this process instead of a child process: half "
                       "the memory, but a Reload starts a child process for the new code.")
    @click.option("--token-env", metavar="VAR",
                  help="Require every call to carry the token held in environment variable "
                       "VAR (hosts set token_env: VAR on the grpc_server entry). Health "
                       "checks stay open.")
    def start_command(origin_json: str | None, host: str, port: int | None,
                      socket_path: str | None, location_name: str | None,
                      startup_timeout: float, heartbeat_timeout: float | None,
                      tls_cert: str | None, tls_key: str | None, token_env: str | None,
                      in_process: bool, **target_flags: Any) -> None:
        """Serve one code location over gRPC until shut down.

        \b
        Listening beyond this machine (--host 0.0.0.0), protect it:
          headwater code-server start -f defs.py --host 0.0.0.0 --port 4266 \\
            --tls-cert server.pem --tls-key server.key --token-env HEADWATER_TOKEN
        and in the host's workspace.yaml:
          - grpc_server: {host: myhost, port: 4266, location_name: defs, ssl: true,
                          ca_cert: ca.pem, token_env: HEADWATER_TOKEN}
        """
        import dataclasses
        import gc

        gc.disable()  # serve() switches it back on once listening

        from headwater.codeserver.location_process import LocationProcess
        from headwater.core.origins import GrpcServerOrigin, origin_from_dict
        from headwater.errors import LoadError

        if port is not None and socket_path is not None:
            raise click.UsageError("Give either --port or --socket, not both.")
        tls, token = _security_options(tls_cert, tls_key, token_env)
        if socket_path is None and host not in ("127.0.0.1", "localhost", "::1") and (
                tls is None or token is None):
            missing = " or ".join(
                what for what, value in (("TLS", tls), ("a token", token)) if value is None)
            click.echo(f"Warning: listening on {host} without {missing}: anyone who can "
                       "reach it can load the code's snapshot and launch runs. See "
                       "--tls-cert and --token-env.", err=True)
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
        if in_process:
            from headwater.codeserver.in_process import InProcessLocation, exit_in_process_server

            pending: Any = InProcessLocation(origin)
        else:
            # Start loading the user's code now, so that it loads while gRPC is imported here.
            pending = LocationProcess.spawn(origin)
        from headwater.codeserver.server import serve

        code = serve(origin, host=host, port=port or 0, socket_path=socket_path,
                     startup_timeout=startup_timeout, heartbeat_timeout=heartbeat_timeout,
                     pending=pending, tls=tls, token=token)
        if in_process:
            exit_in_process_server(code)
        raise SystemExit(code)

    return code_server_group


def _security_options(tls_cert: str | None, tls_key: str | None,
                      token_env: str | None) -> tuple[Any, str | None]:
    """The server's TLS files and token from the command's options (UsageError if bad)."""
    import click

    from headwater.codeserver.security import (
        SecurityConfigError,
        ServerTls,
        read_pem,
        token_from_env,
    )

    if (tls_cert is None) != (tls_key is None):
        raise click.UsageError("Give both --tls-cert and --tls-key, or neither.")
    try:
        tls = None
        if tls_cert is not None and tls_key is not None:
            tls = ServerTls(read_pem(tls_cert, "TLS certificate (--tls-cert)"),
                            read_pem(tls_key, "TLS private key (--tls-key)"))
        token = (token_from_env(token_env, "This code server (--token-env)")
                 if token_env is not None else None)
    except SecurityConfigError as exc:
        raise click.UsageError(str(exc)) from None
    return tls, token


def main(argv: list[str] | None = None) -> int:
    """``python -m headwater.codeserver.cli --origin JSON ...``: the host's quick entry.

    It skips click and the target resolution, and starts the location process first of
    all (before msgspec, gRPC and the rest of headwater are imported here), so that the
    user's code loads while the front process starts. With ``--in-process`` it loads the
    location itself once listening, and exits without waiting for the user's threads.
    """
    import argparse
    import gc
    import time

    gc.disable()  # serve() switches it back on; see there
    parser = argparse.ArgumentParser(prog="python -m headwater.codeserver.cli")
    parser.add_argument("--origin", required=True, help="JSON of the location's origin")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--socket", dest="socket_path")
    parser.add_argument("--startup-timeout", type=float, default=180.0)
    parser.add_argument("--heartbeat-timeout", type=float, default=None)
    parser.add_argument("--in-process", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    early = None if args.in_process else _start_child_early(args.origin)

    from headwater.codeserver.location_process import LocationProcess
    from headwater.core.origins import origin_from_dict

    try:
        origin = origin_from_dict(json.loads(args.origin))
    except BaseException:
        if isinstance(early, tuple):
            early[1].close()  # the child exits when its socket closes
            early[0].kill()
            early[0].wait()
        raise
    if args.in_process:
        return _serve_in_process(origin, args)
    if isinstance(early, OSError):
        pending = LocationProcess.failed_to_start(origin, early)
    elif early is None:
        pending = LocationProcess.spawn(origin)
    else:
        process, sock = early
        pending = LocationProcess(origin, process, sock, started=started)
    from headwater.codeserver.server import serve

    return serve(origin, host=args.host, port=args.port, socket_path=args.socket_path,
                 startup_timeout=args.startup_timeout,
                 heartbeat_timeout=args.heartbeat_timeout, pending=pending)


def _serve_in_process(origin: Any, args: Any) -> int:
    """Serve ``origin`` loaded in this process; never returns (see ``exit_in_process_server``)."""
    from headwater.codeserver.in_process import InProcessLocation, exit_in_process_server
    from headwater.codeserver.server import serve

    code = serve(origin, host=args.host, port=args.port, socket_path=args.socket_path,
                 startup_timeout=args.startup_timeout,
                 heartbeat_timeout=args.heartbeat_timeout, pending=InProcessLocation(origin))
    exit_in_process_server(code)
    return code  # not reached


def _start_child_early(origin_json: str) -> Any:
    """The started child ``(process, socket)``, the ``OSError`` starting it, or ``None``
    when the origin is not one to start here (the checked path then reports why)."""
    from headwater.codeserver.child_spawn import start_child

    try:
        data = json.loads(origin_json)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("type") == "grpc_server" or not all(
            isinstance(data.get(key), (str, type(None)))
            for key in ("executable_path", "working_directory")):
        return None
    try:
        return start_child(data, origin_json)
    except OSError as exc:
        return exc


if __name__ == "__main__":
    raise SystemExit(main())
