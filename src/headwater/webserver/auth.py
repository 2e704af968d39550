"""Optional authentication, for a webserver reachable from other machines.

The webserver has no users; when it listens beyond loopback, set one (or both) of

    HEADWATER_WEBSERVER_TOKEN=some-long-random-string
    HEADWATER_WEBSERVER_BASIC_AUTH=user:password

and every request (API, server-sent event streams, UI pages and static files alike) must
carry ``Authorization: Bearer TOKEN`` or HTTP basic credentials. A browser asks for the
basic credentials itself; with a token, open ``/?token=TOKEN`` once and the webserver sets
an HttpOnly, SameSite=Strict cookie that later requests (including ``EventSource`` streams,
which cannot send headers) carry instead. Answers without valid credentials are 401 JSON.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from headwater.errors import HeadwaterError
from headwater.webserver.errors import error_response

TOKEN_ENV = "HEADWATER_WEBSERVER_TOKEN"
BASIC_AUTH_ENV = "HEADWATER_WEBSERVER_BASIC_AUTH"
#: The cookie that carries the token after ``?token=`` was given once.
TOKEN_COOKIE = "headwater_token"


class AuthConfigError(HeadwaterError):
    """The authentication environment variables are malformed."""


@dataclass(frozen=True)
class Credentials:
    """What a request must present: the token, basic ``user:password``, or either."""

    token: str | None = None
    basic: str | None = None

    def describe(self) -> str:
        """``a bearer token``, ``HTTP basic credentials`` or both."""
        kinds = [kind for kind, value in (("a bearer token", self.token),
                                          ("HTTP basic credentials", self.basic)) if value]
        return " or ".join(kinds)


def credentials_from_env(environ: Mapping[str, str]) -> Credentials | None:
    """The credentials the environment sets, or None when it sets none.

    Raises:
        AuthConfigError: a variable is set but empty or (basic) not ``user:password``.
    """
    token = environ.get(TOKEN_ENV)
    basic = environ.get(BASIC_AUTH_ENV)
    if token is None and basic is None:
        return None
    if token is not None and len(token.strip()) < 8:
        raise AuthConfigError(f"{TOKEN_ENV} is set but shorter than 8 characters; use a long "
                              "random string (e.g. `python -c 'import secrets; "
                              "print(secrets.token_urlsafe(32))'`) or unset it.")
    if basic is not None:
        user, colon, password = basic.partition(":")
        if not colon or not user or not password:
            raise AuthConfigError(f"{BASIC_AUTH_ENV} must be 'user:password' with both parts "
                                  "non-empty.")
    return Credentials(token=token.strip() if token is not None else None, basic=basic)


class AuthGuard:
    """ASGI middleware: 401 for any HTTP request without valid credentials."""

    def __init__(self, app: ASGIApp, *, credentials: Credentials) -> None:
        self.app = app
        self.credentials = credentials

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {key.decode("latin-1"): value.decode("latin-1")
                   for key, value in scope.get("headers", ())
                   if key in (b"authorization", b"cookie")}
        if self._valid(headers):
            await self.app(scope, receive, send)
            return
        token = self._query_token(scope)
        if token is not None:
            await self.app(scope, receive, _setting_cookie(send, token))
            return
        response = error_response(401, "Authentication required: this webserver needs "
                                       f"{self.credentials.describe()}.")
        response.headers["WWW-Authenticate"] = (
            'Basic realm="headwater", charset="UTF-8"' if self.credentials.basic
            else 'Bearer realm="headwater"')
        await response(scope, receive, send)

    def _valid(self, headers: dict[str, str]) -> bool:
        token, basic = self.credentials.token, self.credentials.basic
        scheme, _, value = headers.get("authorization", "").partition(" ")
        scheme, value = scheme.lower(), value.strip()
        if token is not None:
            if scheme == "bearer" and _same(value, token):
                return True
            cookie = SimpleCookie()
            try:
                cookie.load(headers.get("cookie", ""))
            except Exception:  # noqa: BLE001 - a malformed cookie header is no credential
                return False
            morsel = cookie.get(TOKEN_COOKIE)
            if morsel is not None and _same(morsel.value, token):
                return True
        if basic is not None and scheme == "basic":
            try:
                given = base64.b64decode(value, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return False
            return _same(given, basic)
        return False

    def _query_token(self, scope: Scope) -> str | None:
        token = self.credentials.token
        if token is None or not scope.get("query_string"):
            return None
        given = parse_qs(scope["query_string"].decode("latin-1")).get("token", [])
        return token if any(_same(value, token) for value in given) else None


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _setting_cookie(send: Send, token: str) -> Send:
    """``send`` that adds the token cookie to the response."""
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            cookie = (f"{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict")
            message = {**message, "headers": [*message.get("headers", []),
                                              (b"set-cookie", cookie.encode("latin-1"))]}
        await send(message)

    return wrapped
