"""``make_email_on_run_failure_sensor``: a run-failure sensor that sends an e-mail per failed run.

The mail goes out over SMTP from the code location's process (``smtplib``, standard library):
``smtp_type="SSL"`` (implicit TLS, port 465 by default), ``"STARTTLS"`` (port 587) or
``"PLAIN"`` (no encryption, port 25; for a relay on the local network), logging in as
``smtp_user`` (default ``email_from``) with ``email_password`` unless the password is empty.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from typing import Any

from headwater.definitions.automation.run_status_sensor_context import RunFailureSensorContext
from headwater.definitions.automation.run_status_sensors import (
    RunStatusSensorDefinition,
    run_failure_sensor,
)
from headwater.definitions.automation.sensors import DefaultSensorStatus
from headwater.errors import InvalidDefinitionError

_DEFAULT_PORTS = {"SSL": 465, "STARTTLS": 587, "PLAIN": 25}


def _default_subject(context: RunFailureSensorContext) -> str:
    return f"headwater run failed: {context.dagster_run.job_name}"


def _default_body(context: RunFailureSensorContext, base_url: str | None = None) -> str:
    run = context.dagster_run
    event = context.failure_event
    reason = (event.message if event is not None else None) or run.failure_message or ""
    lines = [f"Job: {html.escape(run.job_name)}", f"Run ID: {html.escape(run.run_id)}",
             f"Error: {html.escape(reason)}"]
    if base_url:
        link = f"{base_url.rstrip('/')}/runs/{run.run_id}"
        lines.append(f'<a href="{html.escape(link)}">{html.escape(link)}</a>')
    return "<br>".join(lines)


def make_email_on_run_failure_sensor(
    email_from: str,
    email_password: str,
    email_to: Sequence[str],
    email_body_fn: Callable[[RunFailureSensorContext], str] | None = None,
    email_subject_fn: Callable[[RunFailureSensorContext], str] = _default_subject,
    smtp_host: str = "smtp.gmail.com",
    smtp_type: str = "SSL",
    smtp_port: int | None = None,
    name: str | None = None,
    webserver_base_url: str | None = None,
    monitored_jobs: Sequence[object] | None = None,
    monitor_all_code_locations: bool = False,
    default_status: DefaultSensorStatus = DefaultSensorStatus.STOPPED,
    smtp_user: str | None = None,
) -> RunStatusSensorDefinition:
    """A sensor that e-mails ``email_to`` when a monitored run fails.

    Args:
        email_from: the sender address (and the SMTP login unless ``smtp_user`` is given).
        email_password: the SMTP password; empty to send without logging in.
        email_to: the recipients.
        email_body_fn: ``fn(context) -> str``, the HTML body (default: job, run id, error
            and, with ``webserver_base_url``, a link to the run).
        email_subject_fn: ``fn(context) -> str``, the subject.
        smtp_host: the SMTP server.
        smtp_type: ``"SSL"``, ``"STARTTLS"`` or ``"PLAIN"``.
        smtp_port: the server's port (default 465, 587 or 25 by ``smtp_type``).
        name: the sensor's name (default ``email_on_run_failure``).
        webserver_base_url: the UI's address, for links to the failed run.
        monitored_jobs: the jobs watched (default: every job of the location).
        monitor_all_code_locations: watch every location's runs.
        default_status: whether the sensor runs as soon as its location is loaded.
        smtp_user: the SMTP login, when it is not ``email_from``.
    """
    kind = smtp_type.upper() if isinstance(smtp_type, str) else smtp_type
    if kind not in _DEFAULT_PORTS:
        raise InvalidDefinitionError(
            f"make_email_on_run_failure_sensor got smtp_type={smtp_type!r}; use 'SSL', "
            "'STARTTLS' or 'PLAIN'.")
    if isinstance(email_to, str) or not email_to:
        raise InvalidDefinitionError(
            f"make_email_on_run_failure_sensor got email_to={email_to!r}; pass a non-empty "
            "list of addresses, e.g. ['oncall@example.com'].")
    port = smtp_port or _DEFAULT_PORTS[kind]
    recipients = list(email_to)

    def body_of(context: RunFailureSensorContext) -> str:
        if email_body_fn is not None:
            return email_body_fn(context)
        return _default_body(context, webserver_base_url)

    @run_failure_sensor(name=name or "email_on_run_failure", monitored_jobs=monitored_jobs,
                        monitor_all_code_locations=monitor_all_code_locations,
                        default_status=default_status)
    def email_on_run_failure(context: RunFailureSensorContext) -> None:
        message = EmailMessage()
        message["From"] = email_from
        message["To"] = ", ".join(recipients)
        message["Subject"] = email_subject_fn(context)
        message.set_content(body_of(context), subtype="html")
        _send(message, smtp_host, port, kind, smtp_user or email_from, email_password)

    return email_on_run_failure


def _send(message: EmailMessage, host: str, port: int, kind: str, user: str,
          password: str) -> None:
    import smtplib
    import ssl

    server: Any
    if kind == "SSL":
        server = smtplib.SMTP_SSL(host, port, context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(host, port)
    with server:
        if kind == "STARTTLS":
            server.starttls(context=ssl.create_default_context())
        if password:
            server.login(user, password)
        server.send_message(message)
