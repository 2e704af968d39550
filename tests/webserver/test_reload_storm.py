"""Many parallel reloads of one slow location coalesce into one reload at a time (plus one
queued), and never take the threads the read endpoints need."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import pytest

from headwater.core.origins import PythonFileOrigin
from headwater.storage.instance import Instance
from headwater.webserver.app import create_app
from headwater.webserver.binding import bind
from headwater.webserver.server import WebServer
from headwater.workspace import Workspace
from polling import wait_for

from .conftest import FAST, HERE

HELD = PythonFileOrigin("held", str(HERE / "held_location.py"), working_directory=str(HERE))
REQUESTS = 42


@pytest.fixture
def held_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    folder = tmp_path / "held"
    folder.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    workspace = Workspace([HELD], settings=FAST,
                          env={**os.environ, "HEADWATER_HOME": str(home),
                               "HW_HELD_DIR": str(folder)})
    instance = Instance(home, auto_migrate=True)
    workspace.start()
    server = WebServer(create_app(workspace, instance), bind("127.0.0.1", 0))
    thread = threading.Thread(target=server.run, daemon=True)
    try:
        workspace.wait_until_settled(60)
        thread.start()
        wait_for(lambda: _answers(server.url), "the webserver to answer")
        yield server.url, folder
    finally:
        (folder / "release").touch()
        server.stop()
        thread.join(timeout=30)
        workspace.stop()
        instance.dispose()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url + "/api/health", timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def test_a_reload_storm_coalesces_and_reads_still_answer(held_server: tuple[str, Path]) -> None:
    url, folder = held_server
    imports = folder / "imports"
    assert len(imports.read_text().splitlines()) == 1
    (folder / "hold").touch()  # from now on an import waits for "release"

    def reload() -> int:
        response = httpx.post(f"{url}/api/locations/held/reload", timeout=120)
        return response.status_code

    with ThreadPoolExecutor(REQUESTS) as pool:
        futures = [pool.submit(reload) for _ in range(REQUESTS)]
        wait_for(lambda: len(imports.read_text().splitlines()) == 2, "the reload to start")
        # Every reload request is in flight, the first one held in its import: the
        # synchronous read endpoints still answer (they used to wait for a free thread).
        for path in ("/api/runs", "/api/locations", "/api/assets", "/api/health"):
            assert httpx.get(url + path, timeout=30).status_code == 200, path
        assert not any(future.done() for future in futures)
        (folder / "release").touch()
        assert [future.result(timeout=120) for future in futures] == [200] * REQUESTS
    # One reload ran; the requests that came during it shared at most one more.
    assert len(imports.read_text().splitlines()) <= 3
