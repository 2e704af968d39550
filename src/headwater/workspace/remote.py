"""A ``grpc_server`` location: a code server someone else runs, which the workspace polls."""

from __future__ import annotations

import time

from headwater.codeserver.client import CodeServerClient, ServerInfo
from headwater.codeserver.security import SecurityConfigError, read_pem, token_from_env
from headwater.core.origins import GrpcServerOrigin
from headwater.snapshot.errors import ErrorInfo
from headwater.snapshot.location import LocationSnapshot
from headwater.storage.config import CodeServerSettings
from headwater.workspace.process_manager import WorkspaceError


def origin_address(origin: GrpcServerOrigin) -> str:
    """``unix:/path`` for a socket, else ``host:port`` (host defaults to localhost)."""
    if origin.socket:
        return f"unix:{origin.socket}"
    return f"{origin.host or 'localhost'}:{origin.port}"


class RemoteLocation:
    """The client of a remote code server and whether it was last seen reachable.

    TLS (``ssl``, ``ca_cert``) and the token (``token_env``) come from the origin; when the
    certificate file or the token variable is missing, every call fails with that problem
    (the location shows it as its error).
    """

    def __init__(self, origin: GrpcServerOrigin, settings: CodeServerSettings) -> None:
        self.origin = origin
        self.address = origin_address(origin)
        self.problem: str | None = None
        roots: bytes | None = None
        token: str | None = None
        who = f"Location '{origin.location_name}'"
        try:
            if origin.ca_cert is not None:
                roots = read_pem(origin.ca_cert, f"CA certificate (ca_cert) of {who}")
            if origin.token_env is not None:
                token = token_from_env(origin.token_env, f"{who} (token_env)")
        except SecurityConfigError as exc:
            self.problem = str(exc)
        self.client = CodeServerClient(self.address, timeout=settings.rpc_timeout,
                                       ssl=origin.ssl, root_certificates=roots, token=token)
        self.unreachable = False
        self._interval = settings.heartbeat_interval
        self._next_poll = 0.0

    def due(self) -> bool:
        """Whether it is time to poll the server again (every ``heartbeat_interval``)."""
        now = time.monotonic()
        if now < self._next_poll:
            return False
        self._next_poll = now + self._interval
        return True

    def server_info(self) -> ServerInfo:
        """The server's info (``WorkspaceError`` if the connection is misconfigured)."""
        if self.problem is not None:
            raise WorkspaceError(self.problem)
        return self.client.server_info()

    def fetch(self, *, reload: bool) -> tuple[ServerInfo, LocationSnapshot | None,
                                              ErrorInfo | None]:
        """(Reload, then) the server's info, its snapshot (``None`` when its code failed to
        load) and the reload's load error (the server then keeps serving its previous code).
        """
        if self.problem is not None:
            raise WorkspaceError(self.problem)
        reload_error = self.client.reload().load_error if reload else None
        info = self.client.server_info()
        snapshot = self.client.snapshot() if info.load_error is None else None
        return info, snapshot, reload_error

    def close(self) -> None:
        """Close the channel."""
        self.client.close()
