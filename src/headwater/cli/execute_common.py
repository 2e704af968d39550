"""What the run-launching commands share: config files, the instance, launching and following."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.markup import escape

from headwater.cli.follow import (
    EXIT_INTERRUPTED,
    describe_worker_error,
    follow_run,
    wait_for_exit,
)
from headwater.cli.run_output import RunPrinter
from headwater.definitions.ops.jobs import JobDefinition
from headwater.errors import HeadwaterError, UserCodeError
from headwater.snapshot.runs import RunRecord


def read_config_file(path: str | None) -> dict[str, Any]:
    """Run config from a YAML or JSON file (empty when no file is given)."""
    if path is None:
        return {}
    text = Path(path).read_text(encoding="utf-8")
    try:
        if path.endswith(".json"):
            loaded = json.loads(text)
        else:
            import yaml

            loaded = yaml.safe_load(text)
    except (ValueError, ImportError) as exc:
        raise click.BadParameter(f"cannot parse {path}: {exc}", param_hint="--config") from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise click.BadParameter(
            f"{path} must hold a mapping (ops:, resources:), not {type(loaded).__name__}",
            param_hint="--config",
        )
    return loaded


def report_load_error(console: Console, exc: BaseException) -> None:
    """Print why a location failed to load, with the user's traceback when there is one."""
    console.print(f"[red]Could not load the code location:[/] {escape(str(exc))}", soft_wrap=True)
    cause = exc.__cause__
    if isinstance(exc, UserCodeError):
        console.print(escape(exc.user_traceback), style="red", highlight=False)
    elif cause is not None:
        import traceback

        text = "".join(traceback.format_exception(type(cause), cause, cause.__traceback__))
        console.print(escape(text), style="red", highlight=False)


def open_instance() -> Any:
    """The instance of ``$HEADWATER_HOME`` (or ``./.headwater``); a one-line error if unusable."""
    from headwater.storage.instance import Instance

    with storage_errors():
        return Instance.get()


def open_existing_instance(*, lazy: bool = False) -> Any:
    """The instance of ``$HEADWATER_HOME`` (or ``./.headwater``) if one is there; never creates it.

    For the commands that only read (``run list``, ``instance info``, ``daemon status``, ...):
    with no instance folder, or a SQLite instance without its database, they say where they
    looked and exit 1 instead of leaving a new empty instance behind.
    """
    from headwater.storage.config import SqliteStorageConfig, instance_root, load_instance_config
    from headwater.storage.instance import Instance

    with storage_errors():
        root = instance_root()
        hint = ("Set $HEADWATER_HOME to the instance folder, or run this where `headwater dev` "
                "(or a run) created .headwater.")
        if not root.is_dir():
            fail(f"No headwater instance at {root}. {hint}")
        config = load_instance_config(root)
        storage = config.storage
        if isinstance(storage, SqliteStorageConfig) and not storage.db_path.is_file():
            fail(f"No headwater instance at {root}: {storage.db_path} does not exist. {hint}")
        return Instance(root, config, lazy=lazy)


@contextmanager
def storage_errors() -> Iterator[None]:
    """Turn storage and instance errors into a one-line message and exit code 1."""
    try:
        yield
    except (click.ClickException, SystemExit, KeyboardInterrupt):
        raise
    except (HeadwaterError, OSError) as exc:
        fail(str(exc))
    except Exception as exc:
        if type(exc).__module__.split(".")[0] not in ("sqlalchemy", "alembic", "psycopg"):
            raise
        fail(f"Storage error: {_first_line(str(exc))}")


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``message`` in red on stderr and exit with ``code``."""
    Console(stderr=True, highlight=False, soft_wrap=True).print(f"[red]Error:[/] {escape(message)}")
    raise SystemExit(code)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def plan_size(job: JobDefinition) -> int | None:
    """How many steps a run of ``job`` executes (None when the plan cannot be built here)."""
    from headwater.execution.plan import build_plan

    try:
        return len(build_plan(job).steps)
    except HeadwaterError:
        return None


def launch_and_follow(
    instance: Any,
    run: RunRecord,
    *,
    verbose: bool,
    description: str | None = None,
    total_steps: int | None = None,
) -> None:
    """Start a worker for the stored ``run``, print its progress; exit 1 unless it succeeds.

    Ctrl-C cancels the run and exits with code 130.
    """
    from headwater.execution.launch import cancel_run, launch_run_worker

    console = Console(highlight=False, soft_wrap=True)
    printer = RunPrinter(console, verbose=verbose)
    console.print(f"Run [bold]{run.run_id}[/]: {escape(description or f'job {run.job_name}')}")
    console.print(f"[dim]Instance: {escape(str(instance.root))}[/]")
    with storage_errors():
        process = launch_run_worker(instance, run.run_id)
    try:
        with storage_errors():
            result = follow_run(
                instance.storage, run.run_id, console=console, printer=printer,
                process=process, total_steps=total_steps,
            )
    except KeyboardInterrupt:
        console.print(f"[yellow]Interrupted: canceling run {run.run_id}...[/]")
        try:
            cancel_run(instance, run.run_id)
            wait_for_exit(process, timeout=30.0)
        except KeyboardInterrupt:
            pass
        stored = instance.storage.get_run(run.run_id)
        status = stored.status.value if stored is not None else "unknown"
        console.print(f"Run {run.run_id} {status}.")
        raise SystemExit(EXIT_INTERRUPTED) from None
    wait_for_exit(process, timeout=10.0)
    if result.worker_error is not None:
        describe_worker_error(console, result.worker_error)
    printer.print_summary(run.run_id, result.success, result.status)
    if not result.success:
        raise SystemExit(1)
