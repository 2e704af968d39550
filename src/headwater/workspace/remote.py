"""A ``grpc_server`` location: a code server someone else runs, which the workspace polls."""

from __future__ import annotations

import time

from headwater.codeserver.client import CodeServerClient, ServerInfo
from headwater.loading.origins import GrpcServerOrigin
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
    """The client of a remote code server and whether it was last seen reachable."""

    def __init__(self, origin: GrpcServerOrigin, settings: CodeServerSettings) -> None:
        self.origin = origin
        self.address = origin_address(origin)
        self.client = CodeServerClient(self.address, timeout=settings.rpc_timeout)
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

    def fetch(self, *, reload: bool) -> tuple[ServerInfo, LocationSnapshot | None,
                                              ErrorInfo | None]:
        """(Reload, then) the server's info, its snapshot (``None`` when its code failed to
        load) and the reload's load error (the server then keeps serving its previous code).
        """
        if self.origin.ssl:
            raise WorkspaceError(
                f"Location '{self.origin.location_name}' asks for TLS (ssl: true), which "
                "headwater's code server client does not support yet; remove ssl or put the "
                "server behind a local TLS-terminating proxy."
            )
        reload_error = self.client.reload().load_error if reload else None
        info = self.client.server_info()
        snapshot = self.client.snapshot() if info.load_error is None else None
        return info, snapshot, reload_error

    def close(self) -> None:
        """Close the channel."""
        self.client.close()
