"""Benchmarks for code servers (issue 5).

Prints, for generated locations of 10 / 1,000 / 5,000 assets, with one code server each:
- cold start to ready: from starting the server process to ``wait_until_ready`` returning,
- snapshot fetch: time of ``client.snapshot()`` (stream + decode) and its encoded bytes,
- RSS of the server (gRPC front process + location process),
and for the 10-asset location the reload time (request to the new snapshot served), and for
10 locations of 100 assets started together: time until all are ready and their total RSS.

Targets (issue 5): ready under 0.4 s for 10 assets and under 2 s for 5,000; reload under
0.5 s for 10 assets; 10 locations loaded under 2 s.

Every figure is the median of several runs (the machine may be shared). Files are written
under ./.headwater/bench-codeservers (file creation in /tmp is slow on some machines).

Run: PYTHONDONTWRITEBYTECODE= .venv/bin/python benchmarks/codeservers.py
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_env import prepare  # noqa: E402
from generated_location import write_location  # noqa: E402
from headwater.codeserver import protocol as p  # noqa: E402
from headwater.codeserver.client import (  # noqa: E402
    CodeServerClient,
    start_code_server_process,
)
from headwater.core.origins import PythonFileOrigin  # noqa: E402

SIZES = (10, 1000, 5000)
REPEATS = 5
MULTI_REPEATS = 3
FOLDER = Path(".headwater") / "bench-codeservers"


def rss_mb(*pids: int | None) -> float:
    """Total resident memory of these processes, in MB."""
    total = 0
    for pid in pids:
        if pid is None:
            continue
        try:
            with open(f"/proc/{pid}/status", encoding="ascii") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def stop(process: subprocess.Popen[bytes], client: CodeServerClient) -> None:
    """Shut a server down (and make sure it is gone)."""
    try:
        client.shutdown()
        process.wait(timeout=30)
    except Exception:  # noqa: BLE001 - a benchmark cleans up whatever happened
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    client.close()


def start(origin: PythonFileOrigin, env: dict[str, str]
          ) -> tuple[subprocess.Popen[bytes], CodeServerClient, float, p.ServerInfo]:
    """Start a server; its process, client, seconds to ready and info."""
    started = time.perf_counter()
    process, address = start_code_server_process(origin, env=env)
    client = CodeServerClient(address, timeout=120)
    info = client.wait_until_ready(180)
    return process, client, time.perf_counter() - started, info


def one_size(folder: Path, size: int, env: dict[str, str]) -> None:
    """Print the figures of one location size."""
    path = write_location(folder, size)
    origin = PythonFileOrigin(f"loc{size}", str(path), working_directory=str(folder))
    readies, fetches, rss = [], [], 0.0
    nbytes = 0
    reload_done = False
    for _ in range(REPEATS):
        process, client, ready, info = start(origin, env)
        readies.append(ready)
        began = time.perf_counter()
        snapshot = client.snapshot()
        fetches.append(time.perf_counter() - began)
        assert sum(len(r.assets) for r in snapshot.repositories) == size
        method = client._channel.unary_stream(f"/{p.SERVICE_NAME}/{p.GET_SNAPSHOT}")
        nbytes = sum(len(chunk) for chunk in method(p.encode(p.Empty()), timeout=120))
        rss = max(rss, rss_mb(process.pid, info.location_pid))
        if size == SIZES[0] and not reload_done:
            reload_done = True
            reloads = []
            for _ in range(5):
                began = time.perf_counter()
                client.reload()
                client.snapshot()
                reloads.append(time.perf_counter() - began)
            print(f"  reload ({size} assets), request to new snapshot served: median "
                  f"{statistics.median(reloads):.3f} s (target < 0.5 s)")
        stop(process, client)
    print(f"{size:>6} assets: ready median {statistics.median(readies):.3f} s "
          f"(min {min(readies):.3f}); snapshot fetch median {statistics.median(fetches):.3f} s, "
          f"{nbytes / 1024:,.0f} KiB; RSS front+location {rss:.0f} MB")


def _multi_origins(folder: Path, prefix: str) -> list[PythonFileOrigin]:
    origins = []
    for index in range(10):
        sub = folder / f"{prefix}{index}"
        sub.mkdir(exist_ok=True)
        path = write_location(sub, 100)
        origins.append(PythonFileOrigin(f"{prefix}{index}", str(path.resolve()),
                                        working_directory=str(sub.resolve())))
    return origins


def ten_locations(folder: Path, env: dict[str, str]) -> None:
    """Start 10 servers of 100 assets at once; time until all are ready, total RSS."""
    origins = _multi_origins(folder, "multi")
    times, totals = [], []
    for _ in range(MULTI_REPEATS):
        began = time.perf_counter()
        with ThreadPoolExecutor(len(origins)) as pool:  # the host starts them in parallel too
            started = list(pool.map(lambda o: start_code_server_process(o, env=env), origins))
        clients = [CodeServerClient(address, timeout=120) for _, address in started]
        with ThreadPoolExecutor(len(clients)) as pool:
            infos = list(pool.map(lambda client: client.wait_until_ready(180), clients))
        times.append(time.perf_counter() - began)
        totals.append(sum(rss_mb(process.pid, info.location_pid)
                          for (process, _), info in zip(started, infos, strict=True)))
        for (process, _), client in zip(started, clients, strict=True):
            stop(process, client)
    print(f"10 locations x 100 assets: all ready median {statistics.median(times):.3f} s "
          f"(min {min(times):.3f}; target < 2 s); total RSS {statistics.median(totals):.0f} MB")


def workspace_ten_locations(folder: Path, env: dict[str, str]) -> None:
    """The same 10 x 100 assets through a Workspace: until every entry is loaded (snapshot
    fetched), and the total RSS of the code servers (one process each: in-process)."""
    from headwater.workspace import LocationStatus, Workspace

    origins = _multi_origins(folder, "ws")
    times, totals, reloads = [], [], []
    for _ in range(MULTI_REPEATS):
        workspace = Workspace(origins, env=env)
        began = time.perf_counter()
        workspace.start()
        entries = workspace.wait_until_settled(180)
        times.append(time.perf_counter() - began)
        assert all(entry.status is LocationStatus.LOADED for entry in entries), entries
        # A workspace's servers load their code in-process (location_pid == pid).
        totals.append(sum(rss_mb(*{entry.pid, entry.location_pid}) for entry in entries))
        began = time.perf_counter()
        workspace.reload_location(origins[0].location_name)
        reloads.append(time.perf_counter() - began)
        workspace.stop()
    print(f"workspace, 10 locations x 100 assets: all loaded median "
          f"{statistics.median(times):.3f} s (min {min(times):.3f}; target < 2 s); total RSS "
          f"{statistics.median(totals):.0f} MB; reload of one {statistics.median(reloads):.3f} s")


def main() -> None:
    env = prepare()
    print(f"code servers, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    shutil.rmtree(FOLDER, ignore_errors=True)
    FOLDER.mkdir(parents=True)
    folder = FOLDER.resolve()
    try:
        env["HEADWATER_HOME"] = str(folder / "home")
        for size in SIZES:
            one_size(folder, size, env)
        ten_locations(folder, env)
        workspace_ten_locations(folder, env)
    finally:
        shutil.rmtree(FOLDER, ignore_errors=True)


if __name__ == "__main__":
    main()
