"""During a storage outage the webserver answers 503 "storage unavailable" (no traceback per
request), ``/api/health`` says so, and the daemon logs one line per outage."""

from __future__ import annotations

import logging

import pytest
from starlette.testclient import TestClient

from headwater.daemon.daemon import Daemon
from headwater.storage.daemon_config import DaemonSettings, RunQueueSettings
from headwater.webserver.app import create_app
from headwater.workspace import Workspace
from polling import wait_for

from .conftest import ProxiedPostgres


def test_the_api_answers_503_while_storage_is_unreachable(
    proxied_postgres: ProxiedPostgres, caplog: pytest.LogCaptureFixture
) -> None:
    instance = proxied_postgres.instance()
    app = create_app(Workspace([]), instance)
    try:
        with TestClient(app) as client:
            assert client.get("/api/runs").status_code == 200
            health = client.get("/api/health")
            assert health.status_code == 200
            assert health.json()["storage"] == {"available": True, "error": None}

            proxied_postgres.proxy.stop()
            for path in ("/api/runs", "/api/runs/some-run", "/api/schedules"):
                response = client.get(path)
                assert response.status_code == 503, (path, response.text)
                message = response.json()["error"]
                assert message.startswith("Storage unavailable:"), message
                assert f"127.0.0.1:{proxied_postgres.proxy.port}" in message
            health = client.get("/api/health")
            assert health.status_code == 503
            body = health.json()
            assert body["status"] == "storage unavailable"
            assert body["storage"]["available"] is False
            assert "PostgreSQL" in body["storage"]["error"]

            proxied_postgres.proxy.start()
            assert client.get("/api/runs").status_code == 200
            assert client.get("/api/health").json()["storage"]["available"] is True
    finally:
        instance.dispose()
    assert not [record for record in caplog.records if record.exc_info], \
        "an outage is not an internal error: no traceback in the log"


def test_the_daemon_logs_one_line_per_storage_outage(
    proxied_postgres: ProxiedPostgres, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="headwater.daemon")
    instance = proxied_postgres.instance()
    settings = DaemonSettings(run_queue=RunQueueSettings(dequeue_interval=0.02),
                              heartbeat_interval=0.05)
    daemon = Daemon(Workspace([]), instance, settings=settings)

    def queue_iterations() -> int:
        return next(s.iterations for s in daemon.loop_statuses() if s.name == "run_queue")

    def outage() -> None:
        proxied_postgres.proxy.stop()
        before = queue_iterations()
        wait_for(lambda: queue_iterations() > before + 20, "20 loop iterations in the outage")
        proxied_postgres.proxy.start()
        after = len(_lines(caplog, "is reachable again after"))
        wait_for(lambda: len(_lines(caplog, "is reachable again after")) > after,
                 "the daemon to see storage back")

    daemon.start()
    try:
        outage()
        outage()
    finally:
        daemon.stop()
        instance.dispose()
    assert len(_lines(caplog, "storage is unreachable")) == 2, caplog.text
    assert len(_lines(caplog, "is reachable again after")) == 2, caplog.text
    assert not [record for record in caplog.records if record.exc_info], caplog.text


def _lines(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    return [record.getMessage() for record in caplog.records if text in record.getMessage()]
