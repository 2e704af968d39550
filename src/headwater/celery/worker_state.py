"""What a Celery worker process keeps between tasks: the instance, the loaded code, run contexts.

``headwater celery worker TARGET`` loads its location once, before the worker forks its pool
processes (:func:`preload`), so every pool process starts with the code imported. Storage
connections and the event writer are opened per pool process, on first use after the fork.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from headwater.core.origins import LocationOrigin, origin_from_dict
from headwater.definitions.config.io_managers import FilesystemIOManager
from headwater.execution.cancellation import Cancellation
from headwater.execution.log_capture import install_capture
from headwater.execution.run_context import RunContext
from headwater.execution.run_job import configure_run_context
from headwater.execution.worker_events import EventWriter
from headwater.execution.worker_setup import build_run_plan, load_run_target
from headwater.loading.discovery import LoadedDefinitions
from headwater.loading.load_origin import load_origin
from headwater.snapshot.runs import RunRecord
from headwater.storage.instance import Instance

#: Run contexts kept per process (a worker usually serves few runs at once).
_CONTEXTS_KEPT = 16

#: Locations loaded by ``headwater celery worker`` before forking, by origin key.
_preloaded: dict[str, LoadedDefinitions] = {}


def origin_key(origin: dict[str, Any]) -> str:
    """A stable key for an origin's plain-data form."""
    return json.dumps(origin, sort_keys=True)


def preload(origin: LocationOrigin, loaded: LoadedDefinitions) -> None:
    """Keep ``loaded`` for runs whose stored origin is ``origin``."""
    _preloaded[origin_key(origin.to_dict())] = loaded


class WorkerState:
    """The state of one worker (pool) process."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.instance = Instance.get(lazy=True)
        self.writer = EventWriter(self.instance.storage).start()
        self.loaded: dict[str, LoadedDefinitions] = dict(_preloaded)
        self.contexts: OrderedDict[str, RunContext] = OrderedDict()
        install_capture()

    def run_context(self, run: RunRecord) -> RunContext:
        """The run's job, plan and config, built once per run in this process."""
        context = self.contexts.get(run.run_id)
        if context is not None:
            self.contexts.move_to_end(run.run_id)
            return context
        if run.origin is None:
            target = load_run_target(run)  # raises the clear "no stored origin" error
        else:
            key = origin_key(run.origin)
            if key not in self.loaded:
                self.loaded[key] = load_origin(origin_from_dict(run.origin))
            target = load_run_target(run, self.loaded[key])
        storage = self.instance.storage
        context = RunContext(
            run_id=run.run_id,
            job=target.job,
            plan=build_run_plan(storage, run, target.job),
            emit_event=self.writer.emit,
            partition_key=run.partition_key,
            tags=dict(run.tags),
            instance=self.instance,
        )
        configure_run_context(
            context, run.run_config, FilesystemIOManager(base_dir=self.instance.storage_dir)
        )
        self.contexts[run.run_id] = context
        while len(self.contexts) > _CONTEXTS_KEPT:
            self.contexts.popitem(last=False)
        return context

    def step_context(self, run: RunContext, cancellation: Cancellation) -> RunContext:
        """A copy of ``run`` for one step: its own cancellation, errors and resources."""
        return dataclasses.replace(
            run, cancellation=cancellation, resources=None, captured_outputs=None,
            step_errors={},
        )


_state: WorkerState | None = None
_state_lock = threading.Lock()


def worker_state() -> WorkerState:
    """This process's state (created after a fork, never inherited)."""
    global _state
    with _state_lock:
        if _state is None or _state.pid != os.getpid():
            _state = WorkerState()
        return _state


@contextmanager
def sigterm_cancels(cancellation: Cancellation) -> Iterator[None]:
    """While the block runs, SIGTERM (Celery's revoke with terminate) cancels it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        cancellation.request()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
