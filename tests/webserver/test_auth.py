"""Optional authentication (a token or HTTP basic credentials from the environment), checked
on every request, and the warning when the webserver listens beyond loopback without it."""

from __future__ import annotations

import base64
import signal
from pathlib import Path

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from headwater.webserver.app import create_app
from headwater.webserver.auth import (
    AuthConfigError,
    Credentials,
    credentials_from_env,
)

from .conftest import Served
from .test_dev_command import Headwater

TOKEN = "s3cret-token-for-tests"
PATHS = ["/api/health", "/api/runs", "/", "/static/app.css", "/api/events?once=1",
         "/openapi.json"]


def basic(user_password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(user_password.encode()).decode()}


@pytest.fixture(scope="module")
def guarded(served: Served) -> TestClient:
    credentials = Credentials(token=TOKEN, basic="admin:pa55word")
    return TestClient(create_app(served.workspace, served.instance, credentials=credentials))


@pytest.mark.parametrize("path", PATHS)
def test_every_request_needs_credentials(guarded: TestClient, path: str) -> None:
    guarded.cookies.clear()
    for headers in ({}, {"Authorization": "Bearer wrong-token"}, basic("admin:wrong"),
                    {"Authorization": "Basic !!!"}, {"Cookie": "headwater_token=nope"}):
        response = guarded.get(path, headers=headers)
        assert response.status_code == 401, (path, headers)
        assert "Authentication required" in response.json()["error"]
        assert response.headers["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize("path", ["/api/health", "/static/app.css", "/"])
def test_a_token_or_basic_credentials_pass(guarded: TestClient, path: str) -> None:
    guarded.cookies.clear()
    assert guarded.get(path, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert guarded.get(path, headers=basic("admin:pa55word")).status_code == 200


def test_the_token_in_the_url_sets_a_cookie_for_later_requests(guarded: TestClient) -> None:
    guarded.cookies.clear()
    first = guarded.get(f"/?token={TOKEN}")
    assert first.status_code == 200
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    # The browser sends the cookie with every later request, streams included.
    assert guarded.get("/api/runs").status_code == 200
    guarded.cookies.clear()
    assert guarded.get("/?token=wrong").status_code == 401


def test_malformed_settings_are_refused() -> None:
    assert credentials_from_env({}) is None
    with pytest.raises(AuthConfigError, match="HEADWATER_WEBSERVER_TOKEN"):
        credentials_from_env({"HEADWATER_WEBSERVER_TOKEN": "short"})
    with pytest.raises(AuthConfigError, match="user:password"):
        credentials_from_env({"HEADWATER_WEBSERVER_BASIC_AUTH": "nopassword"})


def test_binding_beyond_loopback_warns_without_authentication(tmp_path: Path) -> None:
    command = Headwater(tmp_path, "webserver", "--host", "0.0.0.0")
    try:
        url = command.url().replace("0.0.0.0", "127.0.0.1")
        assert httpx.get(url + "/api/health", timeout=30).status_code == 200
        assert "has no authentication" in command.log
        assert "HEADWATER_WEBSERVER_TOKEN" in command.log
    finally:
        command.stop(signal.SIGTERM)


def test_a_token_from_the_environment_is_required(tmp_path: Path) -> None:
    command = Headwater(tmp_path, "webserver", "--host", "0.0.0.0",
                        env={"HEADWATER_WEBSERVER_TOKEN": TOKEN})
    try:
        url = command.url().replace("0.0.0.0", "127.0.0.1")
        assert httpx.get(url + "/api/health", timeout=30).status_code == 401
        authorized = httpx.get(url + "/api/health", timeout=30,
                               headers={"Authorization": f"Bearer {TOKEN}"})
        assert authorized.status_code == 200
        assert "has no authentication" not in command.log
    finally:
        command.stop(signal.SIGTERM)
