"""Printing a run's events to the terminal as they happen, and its summary at the end."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from headwater.core.run_status import RunStatus
from headwater.snapshot.events import (
    AssetCheckData,
    AssetEventData,
    RunEvent,
    StepFailureData,
    StepSuccessData,
)

#: Most successful steps the summary lists (the slowest ones); failures are always listed.
SUMMARY_ROWS = 20

_LEVEL_STYLE = {
    logging.DEBUG: "dim",
    logging.INFO: "",
    logging.WARNING: "yellow",
    logging.ERROR: "red",
    logging.CRITICAL: "bold red",
}


@dataclass
class RunPrinter:
    """An event sink that prints each step's outcome and keeps the tallies."""

    console: Console
    verbose: bool = False
    succeeded: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    materialized: list[str] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)
    run_error: str | None = None

    def __call__(self, event: RunEvent) -> None:
        handler = getattr(self, f"_on_{event.event_type.value.lower()}", None)
        if handler is not None:
            handler(event)

    def _on_step_success(self, event: RunEvent) -> None:
        step = event.step_key or "?"
        self.succeeded.append(step)
        data = event.data
        duration = data.duration_ms if isinstance(data, StepSuccessData) else 0.0
        self.durations[step] = duration
        self.console.print(f"[green]✓[/] {escape(step)} [dim]({duration:.1f} ms)[/]")

    def _on_step_failure(self, event: RunEvent) -> None:
        step = event.step_key or "?"
        self.failed.append(step)
        self.console.print(f"[red]✗ {escape(step)} failed[/]")
        data = event.data
        if not isinstance(data, StepFailureData):
            return
        if data.user_code or self.verbose:
            # -v shows headwater's own frames too (the default hides them, as the UI does).
            text = escape(data.error.to_string(full=self.verbose).rstrip())
            self.console.print(text, style="red", highlight=False)
        else:
            self.console.print(escape(data.error.message), style="red", highlight=False)

    def _on_step_skipped(self, event: RunEvent) -> None:
        self.skipped.append(event.step_key or "?")
        self.console.print(f"[yellow]↷ {escape(event.message)}[/]")

    def _on_step_up_for_retry(self, event: RunEvent) -> None:
        self.console.print(f"[yellow]↻ {escape(event.message)}[/]")

    def _on_asset_materialization(self, event: RunEvent) -> None:
        data = event.data
        if isinstance(data, AssetEventData):
            key = "/".join(data.asset_key)
            self.materialized.append(key)
            partition = f" [dim]partition {escape(data.partition)}[/]" if data.partition else ""
            self.console.print(f"  [cyan]materialized[/] {escape(key)}{partition}")

    def _on_asset_check_evaluation(self, event: RunEvent) -> None:
        data = event.data
        if isinstance(data, AssetCheckData):
            verdict = "[green]passed[/]" if data.passed else f"[red]failed ({data.severity})[/]"
            self.console.print(
                f"  check {escape('/'.join(data.asset_key))}:{escape(data.check_name)} {verdict}"
            )

    def _on_log(self, event: RunEvent) -> None:
        if event.level < logging.INFO and not self.verbose:
            return
        style = _LEVEL_STYLE.get(event.level, "")
        name = logging.getLevelName(event.level)
        line = f"  [dim]{escape(event.step_key or '')}[/] {name} {escape(event.message)}"
        self.console.print(f"[{style}]{line}[/]" if style else line)

    def _on_run_failure(self, event: RunEvent) -> None:
        if not self.failed:
            self.run_error = event.message
            self.console.print(f"[red]{escape(event.message)}[/]")

    def _on_run_canceled(self, event: RunEvent) -> None:
        self.console.print(f"[yellow]{escape(event.message or 'Run canceled.')}[/]")

    def _on_engine_event(self, event: RunEvent) -> None:
        if self.verbose and event.message:
            self.console.print(f"  [dim]{escape(event.message)}[/]")

    def print_summary(
        self, run_id: str, success: bool, status: RunStatus | None = None
    ) -> None:
        """A table of step outcomes and the run's verdict (``status`` when it is known)."""
        table = Table(show_header=True, header_style="bold", box=None)
        table.add_column("step")
        table.add_column("outcome")
        table.add_column("ms", justify="right")
        shown = self.succeeded
        if len(shown) > SUMMARY_ROWS:
            slowest = set(sorted(shown, key=lambda s: -self.durations.get(s, 0))[:SUMMARY_ROWS])
            shown = [step for step in shown if step in slowest]
        for step in shown:
            table.add_row(escape(step), "[green]success[/]",
                          f"{self.durations.get(step, 0):.1f}")
        for step in self.failed:
            table.add_row(escape(step), "[red]failure[/]", "")
        for step in self.skipped:
            table.add_row(escape(step), "[yellow]skipped[/]", "")
        if self.succeeded or self.failed or self.skipped:
            self.console.print(table)
        if len(shown) < len(self.succeeded):
            self.console.print(f"[dim]({len(self.succeeded) - len(shown)} faster successful "
                               f"steps not shown; `headwater run show {run_id}` lists all.)[/]")
        if success:
            verdict = "[green]SUCCESS[/]"
        elif status is RunStatus.CANCELED:
            verdict = "[yellow]CANCELED[/]"
        else:
            verdict = "[red]FAILURE[/]"
        self.console.print(
            f"Run {run_id} {verdict}: {len(self.succeeded)} succeeded, {len(self.failed)} "
            f"failed, {len(self.skipped)} skipped; {len(self.materialized)} materialized."
        )
