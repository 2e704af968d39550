"""The documented deployment shape (docs/deploying.md), on one machine.

- "host A" (this test process): the webserver/daemon side, a ``Workspace`` that reaches the
  code location only over the network, and the shared instance.
- "host B" (a network namespace): ``headwater code-server start --host <its address>``, with
  ``run_launcher: {celery: ...}`` in its headwater.yaml.
- "host C" (another namespace): ``headwater celery worker``, executing the run and its steps.

Every process shares PostgreSQL and the Redis broker; those listen on 127.0.0.1 only, so a
relay forwards each namespace's gateway address to them. Without network namespaces (not
root, no ``ip``) the test skips locally and fails in CI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from headwater.core.origins import GrpcServerOrigin
from headwater.core.run_status import RunStatus
from headwater.snapshot.events import EventType
from headwater.storage.config import CodeServerSettings
from headwater.workspace import LocationStatus, Workspace
from polling import wait_for
from services import unavailable

from .conftest import FLEET, Cluster, executing_host, of_type
from .netns import NetworkHost, Relay, netns_unavailable

pytestmark = pytest.mark.slow

CODE_SERVER_PORT = 4266
SERVICES = (5432, 6379)


@pytest.fixture
def hosts(cluster: Cluster) -> Iterator[tuple[NetworkHost, NetworkHost]]:
    """Two namespaces ("hosts"), each reaching PostgreSQL and Redis through a relay."""
    why = netns_unavailable()
    if why is not None:
        unavailable(f"no network namespaces here: {why}")
    made: list[NetworkHost] = []
    relays: list[Relay] = []
    try:
        for _ in range(2):
            host = NetworkHost().create()
            made.append(host)
            relays += [Relay(host.local_ip, port).start() for port in SERVICES]
        yield made[0], made[1]
    finally:
        cluster.stop()  # before their network goes away
        for relay in relays:
            relay.stop()
        for host in made:
            host.delete()


def _home(cluster: Cluster, host: NetworkHost, name: str) -> Path:
    """An instance folder for ``host``: the shared database and broker at its gateway."""
    home = cluster.home.parent / f"home-{name}"
    home.mkdir()
    pg_url = cluster.instance.config.storage.url.set(  # type: ignore[union-attr]
        host=host.local_ip, drivername="postgresql").render_as_string(hide_password=False)
    broker = f"redis://{host.local_ip}:6379/0"
    (home / "headwater.yaml").write_text(yaml.safe_dump({
        "storage": {"postgres": {"url": pg_url}},
        "run_launcher": {"celery": {"broker": broker, "backend": broker,
                                    "queue": cluster.queue}},
    }))
    return home


def _start(cluster: Cluster, host: NetworkHost, argv: list[str], home: Path,
           log_name: str) -> subprocess.Popen[bytes]:
    log = open(cluster.logs / f"{log_name}.log", "ab")  # noqa: SIM115 - owned by the process
    process = subprocess.Popen(
        host.command([sys.executable, "-m", "headwater.cli.main", *argv]),
        env={**cluster.env, "HEADWATER_HOME": str(home)}, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    cluster.others.append(process)
    return process


def test_runs_flow_from_host_a_through_a_remote_code_server_to_a_remote_celery_worker(
        cluster: Cluster, hosts: tuple[NetworkHost, NetworkHost]) -> None:
    code_host, worker_host = hosts
    cluster.env["HW_FLEET_LEAVES"] = "10"
    _start(cluster, code_host, ["code-server", "start", "-f", str(FLEET), "--host",
                                code_host.address, "--port", str(CODE_SERVER_PORT)],
           _home(cluster, code_host, "code"), "code-server")
    worker_name = f"remote@{os.uname().nodename}"
    worker = _start(cluster, worker_host, [
        "celery", "worker", "-f", str(FLEET), "-c", "2", "-n", worker_name,
        "--loglevel", "INFO"], _home(cluster, worker_host, "worker"), "worker-remote")
    wait_for(lambda: worker.poll() is None and any(
        worker_name in reply
        for reply in cluster.app.control.ping(destination=[worker_name], timeout=0.5) or []),
        "the remote Celery worker to answer", timeout=60)

    workspace = Workspace(
        [GrpcServerOrigin("fleet", host=code_host.address, port=CODE_SERVER_PORT)],
        settings=CodeServerSettings(startup_timeout=60, rpc_timeout=20,
                                    heartbeat_interval=0.5, heartbeat_timeout=5))
    workspace.start()
    try:
        wait_for(lambda: workspace.get("fleet").status is LocationStatus.LOADED,
                 "the remote location to load", timeout=60)
        # Host C's headwater.yaml names the broker (at its gateway) for the run's steps.
        run = cluster.create_run("fleet", broker_from_instance=True)
        assert workspace.client("fleet").launch_run(run.run_id) == 0
        stored = wait_for(lambda: _finished(cluster, run.run_id), "the run to finish",
                          timeout=90)
    finally:
        workspace.stop()
    assert stored.status is RunStatus.SUCCESS
    events = cluster.events(run.run_id)
    steps = [f"leaf_{index}" for index in range(10)] + ["total"]
    assert sorted(e.step_key or "" for e in of_type(events, EventType.STEP_SUCCESS)) == \
        sorted(steps)
    assert {executing_host(events, key) for key in steps} == {worker_name}
    assert stored.worker_pid is not None and stored.worker_pid > 0
    # The run executed in host C's network namespace, not here.
    assert os.readlink(f"/proc/{stored.worker_pid}/ns/net") != os.readlink("/proc/self/ns/net")


def _finished(cluster: Cluster, run_id: str) -> object:
    run = cluster.instance.storage.get_run(run_id)
    return run if run is not None and run.status.is_finished else None
