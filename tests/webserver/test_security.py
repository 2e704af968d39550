"""Cross-origin mutations, read-only mode and server errors that never leak a traceback."""

from __future__ import annotations

import logging

import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.testclient import TestClient

from headwater.webserver.app import create_app
from headwater.webserver.errors import INTERNAL_ERROR

from .conftest import Served

MUTATIONS = [
    ("/api/runs", {"location": "api", "job": "orders_job"}),
    ("/api/reload", None),
    ("/api/locations/api/reload", None),
    ("/api/schedules/api/orders_job_schedule/start", None),
    ("/api/sensors/api/orders_sensor/stop", None),
    ("/api/runs/some-run/cancel", None),
    ("/api/runs/some-run/reexecute", {"from_failure": True}),
    ("/api/backfills", {"location": "api", "job": "orders_job", "partitions": ["a"]}),
    ("/api/backfills/some-backfill/cancel", None),
]


@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example"},
    {"Origin": "http://testserver.evil.example"},
    {"Origin": "null"},
    {"Referer": "http://evil.example/page"},
    {"Origin": "http://testserver:8080"},
])
@pytest.mark.parametrize(("path", "body"), MUTATIONS)
def test_cross_origin_mutations_are_refused(client: TestClient, headers: dict[str, str],
                                            path: str, body: object) -> None:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 403
    assert "Cross-origin request refused" in response.json()["error"]


def test_same_origin_and_non_browser_mutations_pass(client: TestClient) -> None:
    for headers in ({"Origin": "http://testserver"},
                    {"Referer": "http://testserver/assets"}, {}):
        response = client.post("/api/sensors/api/orders_sensor/stop", headers=headers)
        assert response.status_code == 200, (headers, response.text)


def test_cross_origin_reads_are_answered(client: TestClient) -> None:
    response = client.get("/api/locations", headers={"Origin": "http://evil.example"})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


@pytest.fixture(scope="module")
def read_only(served: Served) -> TestClient:
    return TestClient(create_app(served.workspace, served.instance, read_only=True))


@pytest.mark.parametrize(("path", "body"), MUTATIONS)
def test_read_only_refuses_every_mutation(read_only: TestClient, path: str,
                                          body: object) -> None:
    response = read_only.post(path, json=body)
    assert response.status_code == 403
    assert "read-only" in response.json()["error"]


def test_read_only_still_reads(read_only: TestClient) -> None:
    assert read_only.get("/api/health").json()["read_only"] is True
    assert read_only.get("/api/assets").status_code == 200
    assert read_only.get("/api/runs").status_code == 200


def test_unexpected_errors_answer_500_without_traceback(
        served: Served, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(served.workspace, served.instance)

    def boom(request: Request) -> Response:
        raise RuntimeError("secret detail of the failure")

    app.add_route("/api/boom", boom)
    with caplog.at_level(logging.ERROR, logger="headwater.webserver"):
        response = TestClient(app, raise_server_exceptions=False).get("/api/boom")
    assert response.status_code == 500
    assert response.json() == {"error": INTERNAL_ERROR}
    assert "secret" not in response.text and "Traceback" not in response.text
    assert "secret detail of the failure" in caplog.text


def test_daemon_status_provider_failure_is_not_an_error(served: Served) -> None:
    def broken() -> dict[str, object]:
        raise RuntimeError("storage is gone")

    app = create_app(served.workspace, served.instance, daemon_status=broken)
    body = TestClient(app).get("/api/health").json()
    assert body["daemon"] == {"alive": False, "last_heartbeat": None}


@pytest.mark.parametrize(("host", "status"), [
    ("localhost:3000", 200), ("127.0.0.1:3000", 200), ("[::1]:3000", 200), ("LOCALHOST", 200),
    ("evil.example", 403), ("evil.example:3000", 403), ("127.0.0.1.evil.example", 403),
])
def test_a_loopback_webserver_answers_only_loopback_host_names(served: Served, host: str,
                                                                status: int) -> None:
    app = create_app(served.workspace, served.instance,
                     allowed_hosts=("localhost", "127.0.0.1", "::1"))
    response = TestClient(app).get("/api/locations", headers={"Host": host})
    assert response.status_code == status
    if status == 403:
        assert "listens on a local address" in response.json()["error"]
