"""Binding the webserver's socket up front, before anything slow starts.

A port in use is then a clear error before any code server is started, and port 0 picks a
free port whose number can be printed. Cheap to import (no web framework).
"""

from __future__ import annotations

import socket

from headwater.errors import HeadwaterError


class BindError(HeadwaterError):
    """The webserver cannot listen on the address it was given."""


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: a free port).

    Raises:
        BindError: the address is in use, not local, or not resolvable.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise BindError(f"Cannot listen on {host}:{port}: {exc}.") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        hint = (" Another program uses that port: pick another with --port."
                if port and "in use" in str(exc) else "")
        raise BindError(f"Cannot listen on {host}:{port}: {exc.strerror or exc}.{hint}") from None
    sock.setblocking(False)
    return sock


def url_of(sock: socket.socket) -> str:
    """``http://host:port`` of a bound socket."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"
