"""The Celery app headwater uses: json messages only, late acknowledgement, tracked starts.

Two tasks, both taking plain data (ids and numbers, never pickled objects):

- ``headwater.execute_step(run_id, step_key, first_attempt)``: one step of a stored run.
- ``headwater.execute_run(run_id)``: a whole stored run (the Celery run launcher).

Acknowledgement is late (a message stays with the broker until its task ended) and a task
whose worker process dies is marked failed with ``WorkerLostError`` instead of being put
back on the queue: the celery executor decides whether the step is retried (its
``RetryPolicy``) or fails with the reason. A message the broker redelivers anyway (its worker
vanished with the message unacknowledged) is dropped by the claim in :func:`claim_task`.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from celery import Celery
from celery.exceptions import Ignore

from headwater.celery.settings import MAX_PRIORITY

STEP_TASK = "headwater.execute_step"
RUN_TASK = "headwater.execute_run"
#: How long a claim on a task id is kept in the result backend (seconds).
_CLAIM_SECONDS = 7 * 24 * 3600
#: Seconds before Redis hands an unacknowledged message to another worker.
_VISIBILITY_TIMEOUT = 300

_apps: dict[tuple[str, str], Any] = {}
_apps_lock = threading.Lock()


def celery_app(broker: str, backend: str) -> Any:
    """The (cached) Celery app for ``broker`` and ``backend``, with headwater's tasks."""
    key = (broker, backend)
    with _apps_lock:
        app = _apps.get(key)
        if app is None:
            app = _build(broker, backend)
            _apps[key] = app
        return app


def _build(broker: str, backend: str) -> Any:
    app = Celery("headwater", broker=broker, backend=backend, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=False,
        task_track_started=True,
        worker_prefetch_multiplier=1,
        task_queue_max_priority=MAX_PRIORITY + 1,
        task_default_priority=0,
        broker_transport_options={
            "visibility_timeout": _VISIBILITY_TIMEOUT,
            "priority_steps": list(range(MAX_PRIORITY + 1)),
            "sep": ":",
            "queue_order_strategy": "priority",
        },
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        result_expires=24 * 3600,
        result_extended=False,
    )
    app.task(name=STEP_TASK, bind=True, acks_late=True, track_started=True)(_execute_step)
    app.task(name=RUN_TASK, bind=True, acks_late=True, track_started=True)(_execute_run)
    return app


def celery_priority(broker: str, priority: int) -> int:
    """Celery's priority number for headwater's ``priority`` (0-9, higher first).

    RabbitMQ delivers higher numbers first; the Redis transport lower numbers first.
    """
    if broker.startswith(("redis://", "rediss://")):
        return MAX_PRIORITY - priority
    return priority


def claim_task(app: Any, task_id: str, owner: str) -> bool:
    """Record that ``owner`` executes ``task_id``; False if someone already did.

    Atomic with a Redis result backend (SET NX); other backends cannot claim, so every
    delivery executes.
    """
    client = getattr(app.backend, "client", None)
    setter = getattr(client, "set", None)
    if setter is None:
        return True
    return bool(setter(f"headwater-claim:{task_id}", owner, nx=True, ex=_CLAIM_SECONDS))


def _owner(task: Any) -> str:
    return f"{task.request.hostname} pid {os.getpid()}"


def _execute_step(task: Any, run_id: str, step_key: str, first_attempt: int = 0,
                  dynamic: list[Any] | None = None) -> dict[str, Any]:
    if not claim_task(task.app, task.request.id, _owner(task)):
        raise Ignore()  # a redelivery of a task that a (lost) worker already started
    from headwater.celery.step_task import execute_step_task

    return execute_step_task(
        run_id, step_key, first_attempt, task.request.hostname or "", dynamic
    )


def _execute_run(task: Any, run_id: str) -> dict[str, Any]:
    if not claim_task(task.app, task.request.id, _owner(task)):
        raise Ignore()
    from headwater.celery.run_task import execute_run_task

    return execute_run_task(run_id, task.request.hostname or "")


def close_apps() -> None:
    """Close the broker and backend connections of every app made here."""
    with _apps_lock:
        apps = list(_apps.values())
        _apps.clear()
    for app in apps:
        producers = app.amqp.__dict__.get("_producer_pool")  # control commands use it
        if producers is not None:
            producers.connections.force_close_all()
        app.close()
        backend = app.__dict__.get("backend")  # only if it was ever opened
        client = getattr(backend, "client", None)
        closer = getattr(client, "close", None)
        if closer is not None:
            closer()
