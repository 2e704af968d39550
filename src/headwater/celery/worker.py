"""``headwater celery worker``: a Celery worker that executes headwater steps and runs.

Start it in the code location's own environment (its Python, its working directory) with
``HEADWATER_HOME`` pointing at an instance whose ``headwater.yaml`` names the shared
storage (PostgreSQL). Given a target (``-f``/``-m``/``-w``...), it loads those locations once,
before Celery forks its pool processes, so each pool process starts with the code imported;
runs of other locations are loaded on first use and kept.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from headwater.celery.app import celery_app
from headwater.celery.settings import CeleryConnection
from headwater.celery.worker_state import preload
from headwater.core.origins import LocationOrigin


def preload_locations(origins: Sequence[LocationOrigin]) -> None:
    """Import each location now (the worker's start-up), reporting what was loaded."""
    from headwater.loading.load_origin import load_origin

    for origin in origins:
        loaded = load_origin(origin)
        preload(origin, loaded)
        print(f"headwater: loaded location '{origin.location_name}' ({origin.describe()}) "
              f"with {len(loaded.repositories)} repository(ies).", file=sys.stderr)


def worker_argv(connection: CeleryConnection, queues: Sequence[str], concurrency: int,
                hostname: str | None, loglevel: str, pool: str) -> list[str]:
    """The ``celery worker`` arguments."""
    argv = ["worker", f"--loglevel={loglevel}", f"--concurrency={concurrency}",
            f"--queues={','.join(queues or [connection.queue])}", f"--pool={pool}",
            "--without-gossip", "--without-mingle", "--prefetch-multiplier=1"]
    if hostname:
        argv.append(f"--hostname={hostname}")
    return argv


def start_worker(connection: CeleryConnection, origins: Sequence[LocationOrigin],
                 queues: Sequence[str], concurrency: int, hostname: str | None,
                 loglevel: str = "INFO", pool: str = "prefork") -> None:
    """Load ``origins`` and run the Celery worker until it is stopped (SIGTERM, Ctrl-C)."""
    preload_locations(origins)
    app: Any = celery_app(connection.broker, connection.backend)
    app.worker_main(worker_argv(connection, queues, concurrency, hostname, loglevel, pool))
