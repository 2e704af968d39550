"""Options shared by the commands that launch a run (``asset materialize``, ``job execute``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def run_options(fn: F) -> F:
    """Add ``--location``, ``--partition``, ``--config``, ``--tag`` and ``-v``."""
    options = [
        click.option("--location", help="Which location, when several are defined."),
        click.option("--partition", "partition_key", help="Partition key to run."),
        click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
                     help="YAML or JSON file with run config (ops:, resources:)."),
        click.option("--tag", "tags", multiple=True, help="Run tag as key=value (repeatable)."),
        click.option("-v", "--verbose", is_flag=True, help="Also print DEBUG log lines."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def parse_tags(tags: tuple[str, ...]) -> dict[str, str]:
    """``key=value`` strings as a dict; a malformed one is a usage error."""
    parsed: dict[str, str] = {}
    for tag in tags:
        key, sep, value = tag.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{tag!r} is not key=value", param_hint="--tag")
        parsed[key] = value
    return parsed


def load_repository_or_exit(origin: Any) -> Any:
    """Load the origin in this process (to check the selection or job); exit 1 on failure."""
    from rich.console import Console

    from headwater.cli.execute_common import report_load_error
    from headwater.cli.targets import load_in_process
    from headwater.errors import HeadwaterError

    try:
        return load_in_process(origin).repository
    except HeadwaterError as exc:
        report_load_error(Console(highlight=False, stderr=True), exc)
        raise SystemExit(1) from exc
