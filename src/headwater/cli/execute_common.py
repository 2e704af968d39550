"""What ``asset materialize`` and ``job execute`` share: loading, config files, running."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from headwater.cli.run_output import RunPrinter
from headwater.definitions.jobs import JobDefinition
from headwater.errors import HeadwaterError, UserCodeError


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


def run_job_and_report(
    job: JobDefinition,
    *,
    run_config: dict[str, Any],
    partition_key: str | None,
    tags: dict[str, str],
    verbose: bool,
    description: str | None = None,
) -> None:
    """Run ``job`` in this process, printing progress; exit 1 when the run fails."""
    from headwater.definitions.io_managers import FilesystemIOManager
    from headwater.execution.run_job import execute_job, new_run_id

    console = Console(highlight=False, soft_wrap=True)
    printer = RunPrinter(console, verbose=verbose)
    run_id = new_run_id()
    console.print(f"Run [bold]{run_id}[/]: {escape(description or f'job {job.name}')}")
    all_tags = dict(tags)
    if partition_key is not None:
        all_tags["headwater/partition"] = partition_key
    try:
        outcome = execute_job(
            job,
            event_sink=printer,
            run_id=run_id,
            run_config=run_config,
            partition_key=partition_key,
            tags=all_tags,
            default_io_manager=FilesystemIOManager(),
        )
    except HeadwaterError as exc:
        console.print(f"[red]{escape(str(exc))}[/]")
        raise SystemExit(1) from exc
    printer.print_summary(run_id, outcome.success)
    if not outcome.success:
        raise SystemExit(1)
