"""``headwater celery worker``: run steps and runs of the Celery executor and launcher."""

from __future__ import annotations

from typing import Any

import click

from headwater.cli.targets import pop_target, resolve_origins, target_options


@click.group("celery")
def celery_group() -> None:
    """Scale out on Celery: workers that execute steps and runs."""


def _has_target(target: Any) -> bool:
    return any((target.python_files, target.module_names, target.package_names,
                target.workspace_files))


@celery_group.command("worker")
@target_options
@click.option("--broker", help="Broker URL (default: run_launcher.celery.broker of the "
              "instance's headwater.yaml, else $HEADWATER_CELERY_BROKER).")
@click.option("--backend", help="Result backend URL (default: as for --broker; a Redis "
              "broker is its own backend).")
@click.option("-Q", "--queue", "queues", multiple=True,
              help="Queue to consume (repeatable; default: the configured queue, 'headwater').")
@click.option("-c", "--concurrency", type=click.IntRange(min=1), default=1, show_default=True,
              help="Pool processes: steps executed at once.")
@click.option("-n", "--hostname", help="Worker name, e.g. w1@%h (default: celery@HOST).")
@click.option("--loglevel", default="INFO", show_default=True, help="Celery's log level.")
@click.option("--pool", type=click.Choice(["prefork", "solo", "threads"]), default="prefork",
              show_default=True, help="Celery pool (prefork: one process per concurrent step).")
def worker_command(broker: str | None, backend: str | None, queues: tuple[str, ...],
                   concurrency: int, hostname: str | None, loglevel: str, pool: str,
                   **target_flags: Any) -> None:
    """Start a Celery worker in this code location's environment.

    TARGET flags (-f/-m/--package-name/-w) name the locations to load once at start-up.
    """
    from headwater.celery.settings import resolve_connection
    from headwater.celery.worker import start_worker
    from headwater.errors import HeadwaterError
    from headwater.storage.instance import Instance

    target = pop_target(target_flags)
    origins = resolve_origins(target) if _has_target(target) else []
    try:
        instance = Instance.get(lazy=True)
        options = {key: value for key, value in (("broker", broker), ("backend", backend))
                   if value}
        connection = resolve_connection(options, instance.config.run_launcher)
    except HeadwaterError as exc:
        raise click.UsageError(str(exc)) from exc
    start_worker(connection, origins, list(queues), concurrency, hostname, loglevel, pool)
