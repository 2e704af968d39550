"""Separate "hosts" on this machine: Linux network namespaces joined to this one by veth pairs.

Each :class:`NetworkHost` is a namespace with its own address (10.213.N.2), reachable from
here at that address; this side of the pair is 10.213.N.1. PostgreSQL and Redis listen on
127.0.0.1 only, so a :class:`Relay` forwards this side's address (ports 5432, 6379, ...) to
them: processes in the namespace reach the services at 10.213.N.1, as another host would.
"""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import threading
import uuid
from contextlib import suppress


def netns_unavailable() -> str | None:
    """Why namespaces cannot be made here (None: they can)."""
    if shutil.which("ip") is None:
        return "the ip tool is missing"
    name = f"hwprobe{uuid.uuid4().hex[:6]}"
    made = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True,
                          check=False)
    if made.returncode != 0:
        return f"ip netns add failed: {made.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", name], check=False)
    return None


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


class NetworkHost:
    """A network namespace with one veth link to this namespace."""

    def __init__(self) -> None:
        tag = uuid.uuid4().hex[:6]
        self.name = f"hw{tag}"
        self.subnet = random.randint(1, 250)
        self.local_ip = f"10.213.{self.subnet}.1"
        self.address = f"10.213.{self.subnet}.2"
        self._outside = f"hwo{tag}"
        self._inside = f"hwi{tag}"

    def create(self) -> NetworkHost:
        _ip("netns", "add", self.name)
        try:
            _ip("link", "add", self._outside, "type", "veth", "peer", "name", self._inside)
            _ip("link", "set", self._inside, "netns", self.name)
            _ip("addr", "add", f"{self.local_ip}/30", "dev", self._outside)
            _ip("link", "set", self._outside, "up")
            inside = ["netns", "exec", self.name, "ip"]
            _ip(*inside, "addr", "add", f"{self.address}/30", "dev", self._inside)
            _ip(*inside, "link", "set", self._inside, "up")
            _ip(*inside, "link", "set", "lo", "up")
        except subprocess.CalledProcessError:
            self.delete()
            raise
        return self

    def command(self, argv: list[str]) -> list[str]:
        """``argv`` run inside the namespace."""
        return ["ip", "netns", "exec", self.name, *argv]

    def delete(self) -> None:
        subprocess.run(["ip", "link", "del", self._outside], capture_output=True, check=False)
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True, check=False)


class Relay:
    """Forwards TCP connections from ``listen_host:port`` to ``127.0.0.1:port``."""

    def __init__(self, listen_host: str, port: int) -> None:
        self.port = port
        self._server = socket.create_server((listen_host, port))
        self._server.settimeout(0.2)
        self._stop = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True,
                                        name=f"relay-{port}")

    def start(self) -> Relay:
        self._thread.start()
        return self

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except (TimeoutError, OSError):
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            client.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        with suppress(OSError):
            target.shutdown(socket.SHUT_WR)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._server.close()
        with self._lock:
            for sock in self._sockets:
                with suppress(OSError):
                    sock.close()
