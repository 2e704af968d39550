"""Scale-out fixtures: real Redis, RabbitMQ and PostgreSQL, and real Celery worker processes.

Each test gets a fresh PostgreSQL database (migrated), an instance folder whose
``headwater.yaml`` names it, a unique Celery queue, and workers started as
``python -m headwater.cli.main celery worker ...`` processes in their own sessions (stopped,
and killed if need be, at the end). Without a broker or PostgreSQL the tests skip locally and
fail in CI.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml

from headwater.core.origins import PythonFileOrigin
from headwater.core.run_status import RunStatus
from headwater.execution.launch import create_run, launch_run_worker
from headwater.snapshot.events import EventType, RunEvent
from headwater.snapshot.runs import RunRecord
from headwater.storage.instance import Instance
from polling import wait_for
from services import POSTGRES_ADMIN_URL, unavailable

USER_CODE = Path(__file__).resolve().parent / "user_code"
FLEET = USER_CODE / "fleet.py"
REDIS_URL = os.environ.get("HEADWATER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
AMQP_URL = os.environ.get("HEADWATER_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
PG_ADMIN_URL = POSTGRES_ADMIN_URL
HOST = socket.gethostname()


def _unavailable(what: str, exc: BaseException) -> None:
    unavailable(f"{what} is not reachable: {exc}")


def _port_answers(url: str, default_port: int) -> None:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port),
                                  timeout=3):
        pass


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis server (broker and result backend)."""
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means: not usable here
        _unavailable(f"Redis at {REDIS_URL}", exc)
    return REDIS_URL


@pytest.fixture(scope="session")
def amqp_url() -> str:
    """The RabbitMQ server."""
    try:
        _port_answers(AMQP_URL, 5672)
    except OSError as exc:
        _unavailable(f"RabbitMQ at {AMQP_URL}", exc)
    return AMQP_URL


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database (dropped afterwards)."""
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        _unavailable(f"PostgreSQL at {PG_ADMIN_URL}", exc)
        raise
    name = f"hw_scaleout_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Cluster:
    """One test's instance, broker, queue and the worker processes it started."""

    home: Path
    shared: Path
    instance: Instance
    broker: str
    backend: str
    queue: str
    env: dict[str, str]
    logs: Path
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    others: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def app(self) -> Any:
        from headwater.celery.app import celery_app

        return celery_app(self.broker, self.backend)

    def start_worker(self, name: str, *extra: str, concurrency: int = 1) -> str:
        """Start ``headwater celery worker`` named ``name@HOST``; its hostname once it answers."""
        hostname = f"{name}@{HOST}"
        log = open(self.logs / f"worker-{name}.log", "ab")  # noqa: SIM115 - owned by the process
        process = subprocess.Popen(
            [sys.executable, "-m", "headwater.cli.main", "celery", "worker", "-f", str(FLEET),
             "--broker", self.broker, "--backend", self.backend, "-Q", self.queue,
             "-c", str(concurrency), "-n", hostname, "--loglevel", "INFO", *extra],
            env={**self.env, "HW_WORKER_NAME": name}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.workers[hostname] = process
        wait_for(lambda: self._answers(hostname, process), f"worker {hostname} to answer",
                 timeout=60)
        return hostname

    def _answers(self, hostname: str, process: subprocess.Popen[bytes]) -> bool:
        if process.poll() is not None:
            log = (self.logs / f"worker-{hostname.split('@')[0]}.log").read_text()
            raise AssertionError(f"worker {hostname} exited ({process.returncode}):\n{log}")
        replies = self.app.control.ping(destination=[hostname], timeout=0.5) or []
        return any(hostname in reply for reply in replies)

    def kill_worker(self, hostname: str) -> None:
        """SIGKILL a worker and its pool processes, as a host would die."""
        process = self.workers[hostname]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def create_run(self, job_name: str, *, in_process: bool = False,
                   broker_from_instance: bool = False, **kwargs: Any) -> RunRecord:
        """A QUEUED run of the fleet location.

        Its steps go to this cluster's broker and queue, unless ``in_process``, or unless
        ``broker_from_instance`` (then the run worker's headwater.yaml names them).
        """
        execution: dict[str, Any] = {"in_process": {}} if in_process else {"celery": {
            "config": {"broker": self.broker, "backend": self.backend, "queue": self.queue,
                       "worker_lost_timeout": 5}}}
        if broker_from_instance:
            execution = {"celery": {"config": {"worker_lost_timeout": 5}}}
        return create_run(self.instance, origin=PythonFileOrigin(
            "fleet", str(FLEET), working_directory=str(USER_CODE)), job_name=job_name,
            run_config={"execution": execution}, **kwargs)

    def status(self, run_id: str) -> RunStatus:
        run = self.instance.storage.get_run(run_id)
        assert run is not None
        return run.status

    def run_worker(self, run: RunRecord) -> subprocess.Popen[bytes]:
        """Start the run's worker process here (the subprocess launcher)."""
        old = dict(os.environ)
        os.environ.update(self.env)
        try:
            process = launch_run_worker(self.instance, run.run_id)
        finally:
            os.environ.clear()
            os.environ.update(old)
        self.others.append(process)
        return process

    def events(self, run_id: str) -> list[RunEvent]:
        return [record.event for record in self.instance.storage.get_events(run_id)]

    def stop(self) -> None:
        for process in [*self.workers.values(), *self.others]:
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for process in [*self.workers.values(), *self.others]:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=15)


def make_cluster(tmp_path: Path, postgres_url: str, broker: str, backend: str,
                 launch_on_celery: bool = False) -> Cluster:
    home = tmp_path / "home"
    shared = tmp_path / "shared"
    logs = tmp_path / "logs"
    for folder in (home, shared, logs):
        folder.mkdir()
    queue = f"hw-test-{uuid.uuid4().hex[:10]}"
    config: dict[str, Any] = {"storage": {"postgres": {"url": postgres_url}}}
    if launch_on_celery:
        config["run_launcher"] = {"celery": {"broker": broker, "backend": backend,
                                             "queue": queue}}
    (home / "headwater.yaml").write_text(yaml.safe_dump(config))
    instance = Instance.get(lazy=True, environ={"HEADWATER_HOME": str(home)})
    instance.migrate()
    env = {**os.environ, "HEADWATER_HOME": str(home), "HW_SHARED_DIR": str(shared),
           "PYTHONDONTWRITEBYTECODE": "1", "HEADWATER_STEP_TERMINATE_GRACE_SECONDS": "5",
           "HEADWATER_WORKER_HEARTBEAT_SECONDS": "1"}
    return Cluster(home, shared, instance, broker, backend, queue, env, logs)


@pytest.fixture
def cluster(tmp_path: Path, postgres_url: str, redis_url: str,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[Cluster]:
    """Redis broker and backend, PostgreSQL instance, no workers yet."""
    monkeypatch.setenv("HW_SHARED_DIR", str(tmp_path / "shared"))
    created = make_cluster(tmp_path, postgres_url, redis_url, redis_url)
    try:
        yield created
    finally:
        created.stop()
        created.instance.dispose()


def of_type(events: Sequence[RunEvent], kind: EventType, step_key: str | None = None
            ) -> list[RunEvent]:
    """The events of one type (and step)."""
    return [e for e in events
            if e.event_type is kind and (step_key is None or e.step_key == step_key)]


def executing_host(events: Sequence[RunEvent], step_key: str) -> str | None:
    """The Celery worker that last reported executing ``step_key``."""
    hosts = [e.data.values.get("hostname") for e in of_type(events, EventType.ENGINE_EVENT,
                                                             step_key)
             if e.data is not None and hasattr(e.data, "values") and "hostname" in e.data.values]
    return hosts[-1] if hosts else None


@pytest.fixture
def launcher_cluster(tmp_path: Path, postgres_url: str, redis_url: str,
                     monkeypatch: pytest.MonkeyPatch) -> Iterator[Cluster]:
    """Like ``cluster``, with ``run_launcher: {celery: ...}`` in headwater.yaml."""
    monkeypatch.setenv("HW_SHARED_DIR", str(tmp_path / "shared"))
    created = make_cluster(tmp_path, postgres_url, redis_url, redis_url, launch_on_celery=True)
    try:
        yield created
    finally:
        created.stop()
        created.instance.dispose()


@pytest.fixture
def rabbit_cluster(tmp_path: Path, postgres_url: str, redis_url: str, amqp_url: str,
                   monkeypatch: pytest.MonkeyPatch) -> Iterator[Cluster]:
    """RabbitMQ broker, Redis result backend."""
    monkeypatch.setenv("HW_SHARED_DIR", str(tmp_path / "shared"))
    created = make_cluster(tmp_path, postgres_url, amqp_url, redis_url)
    try:
        yield created
    finally:
        created.stop()
        created.instance.dispose()


@pytest.fixture(scope="session", autouse=True)
def _close_celery_connections() -> Iterator[None]:
    yield
    from headwater.celery.app import close_apps

    close_apps()
