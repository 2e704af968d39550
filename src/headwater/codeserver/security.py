"""TLS and a shared token for code servers reached over a network.

A code server started with ``--tls-cert``/``--tls-key`` serves over TLS only; one started
with ``--token-env VAR`` answers ``headwater.CodeServer`` calls only when they carry the
token held in ``$VAR`` (``authorization: Bearer <token>`` metadata), and UNAUTHENTICATED
otherwise. The standard health service stays open (it says only whether the server serves),
so load balancers and Kubernetes probes need no token.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from headwater.errors import HeadwaterError

#: The metadata key carrying the token (gRPC metadata keys are lower case).
TOKEN_METADATA_KEY = "authorization"
_BEARER = "Bearer "


class SecurityConfigError(HeadwaterError):
    """A certificate, key or token for a code server connection is missing or unreadable."""


@dataclass(frozen=True)
class ServerTls:
    """The server's certificate chain and private key (PEM)."""

    certificate_chain: bytes
    private_key: bytes


def read_pem(path: str, what: str) -> bytes:
    """The bytes of a PEM file; :class:`SecurityConfigError` naming ``what`` and the path."""
    try:
        with open(os.path.expanduser(path), "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise SecurityConfigError(f"Cannot read the {what} {path}: {exc.strerror}.") from None
    if b"-----BEGIN" not in data:
        raise SecurityConfigError(f"The {what} {path} is not a PEM file (no -----BEGIN line).")
    return data


def token_from_env(variable: str, who: str) -> str:
    """The token in ``$variable``; :class:`SecurityConfigError` when it is unset or empty."""
    token = os.environ.get(variable, "")
    if not token.strip():
        raise SecurityConfigError(
            f"{who} reads its code server token from the environment variable {variable}, "
            "which is not set (or empty). Set it to the token the code server was started "
            "with (code-server start --token-env).")
    return token.strip()


def token_metadata(token: str | None) -> tuple[tuple[str, str], ...] | None:
    """The call metadata carrying ``token`` (``None`` without a token)."""
    return None if token is None else ((TOKEN_METADATA_KEY, f"{_BEARER}{token}"),)


def token_interceptor(token: str, service_name: str) -> Any:
    """A gRPC server interceptor that refuses ``service_name`` calls without ``token``."""
    import grpc

    expected = token.encode()
    prefix = f"/{service_name}/"

    def refuse(message: str) -> Any:
        def abort(_request: Any, context: Any) -> Any:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, message)
        return abort

    class _TokenInterceptor(grpc.ServerInterceptor):  # type: ignore[misc]
        def intercept_service(self, continuation: Callable[[Any], Any],
                              details: Any) -> Any:
            if not details.method.startswith(prefix):
                return continuation(details)
            sent = dict(details.invocation_metadata or ()).get(TOKEN_METADATA_KEY)
            if sent is None:
                problem = ("This code server requires a token and the call carried none. "
                           "Give the location token_env: VAR in workspace.yaml, with $VAR "
                           "holding the server's token.")
            elif not (sent.startswith(_BEARER)
                      and hmac.compare_digest(sent[len(_BEARER):].encode(), expected)):
                problem = ("The token sent to this code server is wrong. Check the variable "
                           "named by token_env on the host against the server's "
                           "--token-env variable.")
            else:
                return continuation(details)
            handler = continuation(details)
            if handler is not None and handler.unary_stream is not None:
                return grpc.unary_stream_rpc_method_handler(refuse(problem))
            return grpc.unary_unary_rpc_method_handler(refuse(problem))

    return _TokenInterceptor()
