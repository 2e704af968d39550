"""Refuse mutations the webserver must not perform: cross-origin requests, and any in read-only.

A browser sends ``Origin`` (or at least ``Referer``) with a cross-site ``POST``; a request whose
origin host differs from its ``Host`` header comes from another site's page and is refused, so
a page elsewhere cannot start runs on a local webserver. Clients that send neither header
(curl, scripts) are not browsers acting for another site and pass.

A webserver listening on a loopback address also only answers requests addressed to a loopback
name (``allowed_hosts``): a page of another site cannot rebind its own domain name to
127.0.0.1 and read the API as if it were the same origin (DNS rebinding).
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from headwater.webserver.errors import error_response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

READ_ONLY_MESSAGE = ("This webserver is read-only (started with --read-only): it does not "
                     "start runs, reload locations or change schedules and sensors.")


class MutationGuard:
    """ASGI middleware answering 403 JSON to cross-origin or read-only mutations."""

    def __init__(self, app: ASGIApp, *, read_only: bool = False,
                 allowed_hosts: Collection[str] | None = None) -> None:
        self.app = app
        self.read_only = read_only
        self.allowed_hosts = (frozenset(host.lower() for host in allowed_hosts)
                              if allowed_hosts is not None else None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = self.host_refusal(scope)
            if refusal is None and scope["method"] not in SAFE_METHODS:
                refusal = self.refusal(scope)
            if refusal is not None:
                await error_response(403, refusal)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def host_refusal(self, scope: Scope) -> str | None:
        """Why a request addressed to another host name is refused, or None."""
        if self.allowed_hosts is None:
            return None
        host = next((value.decode("latin-1") for key, value in scope.get("headers", ())
                     if key == b"host"), "")
        if _host_name(host) in self.allowed_hosts:
            return None
        allowed = ", ".join(sorted(self.allowed_hosts))
        return (f"Requests for host {host!r} are refused: this webserver listens on a local "
                f"address and answers only {allowed}.")

    def refusal(self, scope: Scope) -> str | None:
        """Why this mutating request is refused, or None to let it through."""
        if self.read_only:
            return READ_ONLY_MESSAGE
        headers = {key.decode("latin-1"): value.decode("latin-1")
                   for key, value in scope.get("headers", ())
                   if key in (b"host", b"origin", b"referer")}
        source = headers.get("origin") or headers.get("referer")
        if source is None:
            return None
        host = headers.get("host", "")
        source_host = _host_of(source)
        if source_host is None or source_host.lower() != host.lower():
            return (f"Cross-origin request refused: it comes from {source!r}, not from this "
                    f"webserver ({host or 'unknown host'}). Use the webserver's own pages.")
        return None


def _host_name(host: str) -> str:
    """The name of a ``Host`` header without its port (``[::1]:3000`` -> ``::1``)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _host_of(url: str) -> str | None:
    """``host[:port]`` of a URL (``None`` for ``null`` or a malformed value)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return parts.netloc.rsplit("@", 1)[-1]
