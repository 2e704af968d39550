"""TLS and a shared token: a real code server on TCP, real gRPC, a generated certificate."""

from __future__ import annotations

import datetime
import ipaddress
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
from cryptography import x509

from headwater.codeserver import protocol as p
from headwater.codeserver.client import CodeServerClient, CodeServerError
from headwater.core.origins import GrpcServerOrigin
from headwater.loading.workspace_file import WorkspaceFileError, load_workspace_file
from headwater.storage.config import CodeServerSettings
from headwater.workspace import LocationStatus, Workspace

from .conftest import USER_CODE, wait_for

TOKEN = "s3cret-token"


@dataclass(frozen=True)
class Pki:
    ca: Path
    cert: Path
    key: Path


def _name(common_name: str) -> object:
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A CA and a server certificate for localhost / 127.0.0.1 signed by it."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    folder = tmp_path_factory.mktemp("pki")
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (x509.CertificateBuilder().subject_name(_name("headwater test CA"))
          .issuer_name(_name("headwater test CA")).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(_name("localhost"))
            .issuer_name(ca.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .sign(ca_key, hashes.SHA256()))
    pki = Pki(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    pki.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    pki.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pki.key.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return pki


def _start(home: Path, *extra: str, token: str | None = TOKEN
           ) -> tuple[subprocess.Popen[bytes], str]:
    env = {**os.environ, "HEADWATER_HOME": str(home)}
    if token is not None:
        env["HW_TEST_TOKEN"] = token
    process = subprocess.Popen(
        [sys.executable, "-m", "headwater.cli.main", "code-server", "start",
         "-f", str(USER_CODE / "small.py"), "--host", "127.0.0.1", "--port", "0", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    assert process.stdout is not None
    line = process.stdout.readline().decode()
    if not line:
        _, errors = process.communicate(timeout=30)  # also closes the pipes
        return process, errors.decode()
    return process, line.split()[1]


@pytest.fixture
def secure_server(pki: Pki, home: Path) -> Iterator[str]:
    """A code server with TLS and a token; its address (``127.0.0.1:port``)."""
    process, address = _start(home, "--tls-cert", str(pki.cert), "--tls-key", str(pki.key),
                              "--token-env", "HW_TEST_TOKEN")
    try:
        yield address
    finally:
        process.terminate()
        process.wait(timeout=20)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_tls_and_token_protect_the_server(pki: Pki, secure_server: str) -> None:
    roots = pki.ca.read_bytes()
    with CodeServerClient(secure_server, timeout=30, ssl=True, root_certificates=roots,
                          token=TOKEN) as client:
        assert client.wait_until_ready(30).location_name == "small"
        assert {a.key[0] for r in client.snapshot().repositories for a in r.assets} == {
            "numbers", "total"}
        assert client.evaluate_sensor("counter").cursor == "1"
    with CodeServerClient(secure_server, timeout=30, ssl=True, root_certificates=roots
                          ) as no_token:
        assert no_token.health()  # health checks need no token
        with pytest.raises(CodeServerError, match="UNAUTHENTICATED.*requires a token"):
            no_token.server_info()
    with CodeServerClient(secure_server, timeout=30, ssl=True, root_certificates=roots,
                          token="wrong") as wrong:
        with pytest.raises(CodeServerError, match="token sent to this code server is wrong"):
            wrong.snapshot()
        raw = wrong._channel.unary_unary(f"/{p.SERVICE_NAME}/{p.SERVER_INFO}")
        with pytest.raises(grpc.RpcError) as caught:
            raw(p.encode(p.Empty()), timeout=10)
        assert caught.value.code() == grpc.StatusCode.UNAUTHENTICATED
    with CodeServerClient(secure_server, timeout=5) as plaintext:
        with pytest.raises(CodeServerError):
            plaintext.server_info()


def test_a_workspace_connects_with_ca_cert_and_token_env(
    pki: Pki, secure_server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    host, _, port = secure_server.rpartition(":")
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "ca.pem").write_bytes(pki.ca.read_bytes())
    workspace_yaml = tmp_path / "workspace.yaml"
    workspace_yaml.write_text(textwrap.dedent(f"""\
        load_from:
          - grpc_server:
              host: localhost
              port: {port}
              location_name: secure
              ssl: true
              ca_cert: certs/ca.pem
              token_env: HW_HOST_TOKEN
          - grpc_server:
              host: {host}
              port: {port}
              location_name: tokenless
              ssl: true
              ca_cert: certs/ca.pem
              token_env: HW_UNSET_TOKEN
        """))
    origins = load_workspace_file(workspace_yaml)
    assert origins[0] == GrpcServerOrigin(
        "secure", host="localhost", port=int(port), ssl=True,
        ca_cert=str(tmp_path / "certs" / "ca.pem"), token_env="HW_HOST_TOKEN")
    monkeypatch.setenv("HW_HOST_TOKEN", TOKEN)
    monkeypatch.delenv("HW_UNSET_TOKEN", raising=False)
    settings = CodeServerSettings(rpc_timeout=10.0, heartbeat_interval=0.25)
    workspace = Workspace(origins, settings=settings)
    workspace.start()
    try:
        entries = {entry.name: entry for entry in workspace.wait_until_settled(30)}
        secure = wait_for(lambda: (e := workspace.get("secure")).status
                          is LocationStatus.LOADED and e, "the secure location to load")
        assert secure.snapshot is not None and secure.error is None
        missing = entries["tokenless"]
        assert missing.status is LocationStatus.ERROR and missing.error is not None
        assert "HW_UNSET_TOKEN" in missing.error.message
    finally:
        workspace.stop()


def test_ca_cert_without_ssl_is_refused(tmp_path: Path) -> None:
    workspace_yaml = tmp_path / "workspace.yaml"
    workspace_yaml.write_text("load_from:\n  - grpc_server: {port: 4266, location_name: x, "
                              "ca_cert: ca.pem}\n")
    with pytest.raises(WorkspaceFileError, match="ca_cert is only used with ssl: true"):
        load_workspace_file(workspace_yaml)


def test_bad_security_options_are_usage_errors(pki: Pki, home: Path) -> None:
    process, message = _start(home, "--tls-cert", str(pki.cert))
    assert process.returncode == 2 and "Give both --tls-cert and --tls-key" in message
    process, message = _start(home, "--token-env", "HW_TEST_TOKEN", token=None)
    assert process.returncode == 2 and "HW_TEST_TOKEN, which is not set" in message
    process, message = _start(home, "--tls-cert", str(pki.ca.parent / "nope.pem"),
                              "--tls-key", str(pki.key))
    assert process.returncode == 2 and "Cannot read the TLS certificate" in message
