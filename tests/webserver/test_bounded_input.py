"""Request bodies are bounded: refused by Content-Length or while streaming, never buffered
whole; nesting and NUL characters are 400s; a client that goes away mid-body is no error."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from starlette.testclient import TestClient

from headwater.webserver.app import create_app
from headwater.webserver.bodies import MAX_BODY_BYTES

from .conftest import Served

CHUNK = 256 * 1024


class Upload:
    """Calls the ASGI app with a POST whose body arrives in chunks; counts what it read."""

    def __init__(self, served: Served, chunks: int, content_length: int | None,
                 disconnect_after: int | None = None) -> None:
        self.app = create_app(served.workspace, served.instance)
        self.chunks = chunks
        self.content_length = content_length
        self.disconnect_after = disconnect_after
        self.read = 0
        self.status: int | None = None
        self.body = b""

    def run(self, path: str = "/api/runs") -> Upload:
        headers = [(b"host", b"testserver"), (b"content-type", b"application/json")]
        if self.content_length is not None:
            headers.append((b"content-length", str(self.content_length).encode()))
        scope: dict[str, Any] = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
            "query_string": b"", "root_path": "", "headers": headers,
            "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
        }

        async def receive() -> dict[str, Any]:
            if self.disconnect_after is not None and self.read >= self.disconnect_after:
                return {"type": "http.disconnect"}
            self.read += 1
            return {"type": "http.request", "body": b"[" + b" " * (CHUNK - 1),
                    "more_body": self.read < self.chunks}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                self.status = message["status"]
            elif message["type"] == "http.response.body":
                self.body += message.get("body", b"")

        run_in_own_loop(lambda: self.app(scope, receive, send))
        return self


def run_in_own_loop(make_coroutine: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run a coroutine to completion on a fresh event loop in its own thread.

    The browser tests' session-wide Playwright keeps an event loop running in the main thread,
    where ``asyncio.run`` refuses to start another.
    """
    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(make_coroutine())
        except BaseException as exc:  # re-raised in the test's thread
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def test_a_body_declared_too_large_is_refused_unread(served: Served) -> None:
    upload = Upload(served, chunks=200, content_length=200 * CHUNK).run()
    assert upload.status == 413
    assert upload.read == 0
    assert f"{MAX_BODY_BYTES} bytes" in json.loads(upload.body)["error"]


def test_a_streamed_body_is_refused_once_past_the_limit(served: Served) -> None:
    # No Content-Length (chunked): 50 MB arriving; reading stops just past the limit.
    upload = Upload(served, chunks=200, content_length=None).run()
    assert upload.status == 413
    assert upload.read == MAX_BODY_BYTES // CHUNK + 1
    # A client that understates its Content-Length is cut off the same way.
    lying = Upload(served, chunks=200, content_length=100).run()
    assert lying.status == 413 and lying.read <= MAX_BODY_BYTES // CHUNK + 1


def test_a_client_that_disconnects_mid_body_is_not_an_error(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    upload = Upload(served, chunks=10, content_length=10 * CHUNK, disconnect_after=2).run()
    assert upload.read == 2
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


def test_deeply_nested_json_is_a_400(client: TestClient) -> None:
    depth = 100_000
    body = ('{"location": "api", "job": "orders_job", "run_config": {"a": '
            + "[" * depth + "]" * depth + "}}")
    response = client.post("/api/runs", content=body,
                           headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert "nested" in response.json()["error"]


@pytest.mark.parametrize("body", [
    {"location": "api", "job": "orders_job", "run_config": {"ops": {"a\u0000": {}}}},
    {"location": "api", "job": "orders_job", "tags": {"team": "x\u0000y"}},
    {"location": "api\u0000", "job": "orders_job"},
])
def test_a_nul_character_is_a_400(client: TestClient, body: dict[str, Any]) -> None:
    response = client.post("/api/runs", json=body)
    assert response.status_code == 400, response.text
    assert "NUL" in response.json()["error"]
