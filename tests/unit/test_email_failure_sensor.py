"""make_email_on_run_failure_sensor sends a real e-mail to a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

import headwater as hw
from headwater.core.run_status import RunStatus
from headwater.definitions.automation.run_status_sensor_context import (
    RunEventView,
    RunRecordView,
    build_run_status_sensor_context,
)
from headwater.errors import InvalidDefinitionError


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], Message]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        content = envelope.content
        text = content.decode() if isinstance(content, bytes) else content
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                              email.message_from_string(text)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp() -> Iterator[tuple[int, _Inbox]]:
    inbox = _Inbox()
    with socket.socket() as probe:  # a free port (the controller checks it by connecting)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def _failed_run() -> Any:
    run = RunRecordView(run_id="run-42", job_name="nightly", status=RunStatus.FAILURE,
                        tags={}, start_time=1.0, end_time=2.0,
                        failure_message="step load failed")
    event = RunEventView(event_type="RUN_FAILURE", message="Steps failed: load.")
    return build_run_status_sensor_context("email_on_run_failure", dagster_event=event,
                                           dagster_run=run)


def test_a_failed_run_sends_an_email(smtp: tuple[int, _Inbox]) -> None:
    port, inbox = smtp
    sensor = hw.make_email_on_run_failure_sensor(
        email_from="headwater@example.com", email_password="", email_to=["oncall@example.com",
                                                                          "team@example.com"],
        smtp_host="127.0.0.1", smtp_port=port, smtp_type="PLAIN",
        webserver_base_url="http://localhost:3000")
    assert sensor.name == "email_on_run_failure"
    sensor(_failed_run())
    [(sender, recipients, message)] = inbox.messages
    assert sender == "headwater@example.com"
    assert recipients == ["oncall@example.com", "team@example.com"]
    assert message["Subject"] == "headwater run failed: nightly"
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "run-42" in body and "Steps failed: load." in body
    assert "http://localhost:3000/runs/run-42" in body


def test_custom_subject_and_body(smtp: tuple[int, _Inbox]) -> None:
    port, inbox = smtp
    sensor = hw.make_email_on_run_failure_sensor(
        email_from="a@example.com", email_password="", email_to=["b@example.com"],
        email_subject_fn=lambda context: f"[{context.dagster_run.run_id}] broke",
        email_body_fn=lambda context: "<b>look</b>", smtp_host="127.0.0.1", smtp_port=port,
        smtp_type="plain", name="pager")
    assert sensor.name == "pager"
    sensor(_failed_run())
    [(_, _, message)] = inbox.messages
    assert message["Subject"] == "[run-42] broke"
    assert message.get_payload(decode=True).decode().strip() == "<b>look</b>"  # type: ignore[union-attr]


def test_bad_arguments_say_what_to_pass() -> None:
    with pytest.raises(InvalidDefinitionError, match="smtp_type"):
        hw.make_email_on_run_failure_sensor("a@x", "", ["b@x"], smtp_type="TLS1")
    with pytest.raises(InvalidDefinitionError, match="email_to"):
        hw.make_email_on_run_failure_sensor("a@x", "", "b@x")  # type: ignore[arg-type]
