"""Where an execution stands: which steps wait, which are ready, which ended how.

Shared by every executor (in-process, multiprocess, Celery): they start ready steps up to
their limit, and report each step's end here, which releases the steps downstream of it. A
ready step whose upstream did not succeed, or whose input's output was never produced, is
skipped (STEP_SKIPPED) instead of started.

Steps mapped over a dynamic output wait, as templates, for the step owning that output; when
it succeeds they become one step per mapping key it yielded (see ``dynamic_plan``), and the
steps collecting them wait for all of those.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Mapping, Sequence

from headwater.execution.dynamic_plan import expand, pending_templates
from headwater.execution.plan import ExecutionStep
from headwater.execution.run_context import RunContext
from headwater.snapshot.events import EventType


def blocked_by(
    step: ExecutionStep, produced: Mapping[str, set[str]], not_run: set[str]
) -> str | None:
    """Why ``step`` cannot run (an upstream did not succeed or did not produce an output)."""
    for upstream in sorted(step.upstream):
        if upstream in not_run:
            return f"upstream step '{upstream}' did not succeed"
    for step_input in step.inputs:
        for source in step_input.sources:
            step_key = getattr(source, "step_key", None)
            output_name = getattr(source, "output_name", None)
            if step_key is not None and step_key in produced and (
                output_name not in produced[step_key]
            ):
                return f"input '{step_input.name}' needs output '{output_name}' of " \
                       f"'{step_key}', which was not produced"
    return None


class StepProgress:
    """The steps of one run's plan: waiting on upstream steps, ready, produced, failed."""

    def __init__(self, run: RunContext) -> None:
        self.run_ctx = run
        plan = run.plan
        self.waiting_on: dict[str, set[str]] = {
            key: set(s.upstream) for key, s in plan.steps.items()
        }
        #: Templates of dynamic outputs not known yet: each waits on the step owning it.
        self.templates: set[str] = set()
        for key, template in pending_templates(plan).items():
            assert template.dynamic_root is not None
            self.templates.add(key)
            self.waiting_on[key] = {template.dynamic_root[0]}
        self.downstream: dict[str, list[str]] = {}
        for key, waits in self.waiting_on.items():
            for upstream in waits:
                self.downstream.setdefault(upstream, []).append(key)
        self.ready: deque[str] = deque(
            key for key, waits in self.waiting_on.items()
            if not waits and key not in self.templates
        )
        #: The outputs each succeeded step produced.
        self.produced: dict[str, set[str]] = {}
        #: Steps that failed or were skipped: their downstream steps are skipped.
        self.not_run: set[str] = set()
        #: Keys of the failed steps, in the order they failed.
        self.failed: list[str] = []

    def next_to_start(self) -> ExecutionStep | None:
        """Take the next ready step that can run (skipping blocked ones); None when none is."""
        run = self.run_ctx
        while self.ready:
            key = self.ready.popleft()
            step = run.plan.steps[key]
            blocked = blocked_by(step, self.produced, self.not_run)
            if blocked is None:
                return step
            self.not_run.add(key)
            run.emit(EventType.STEP_SKIPPED, f"Skipped step '{key}': {blocked}.",
                     step_key=key, level=logging.WARNING)
            self._release_downstream(key)
        return None

    def succeeded(self, key: str, outputs: set[str],
                  mapping_keys: Mapping[str, Sequence[str]] | None = None) -> None:
        """Step ``key`` succeeded having produced ``outputs`` (and, for its dynamic outputs,
        ``mapping_keys`` by output name, in the order they were yielded)."""
        step = self.run_ctx.plan.steps[key]
        # A dynamic output that yielded nothing still counts: collecting it gives [].
        outputs = set(outputs) | {o.name for o in step.op_def.output_defs if o.is_dynamic}
        self.produced[key] = outputs
        self._expand(key, mapping_keys or {})
        self._release_downstream(key)

    def fail(self, key: str) -> None:
        """Step ``key`` failed: its downstream steps will be skipped."""
        self.failed.append(key)
        self.not_run.add(key)
        self._release_downstream(key)

    def _release_downstream(self, key: str) -> None:
        for downstream in self.downstream.get(key, ()):
            if downstream in self.templates:
                if key in self.not_run:
                    self._skip_template(downstream)
                continue
            waits = self.waiting_on.get(downstream)
            if waits is None or key not in waits:
                continue
            waits.discard(key)
            if not waits:
                self.ready.append(downstream)

    # Dynamic outputs ------------------------------------------------------------------------

    def _expand(self, key: str, mapping_keys: Mapping[str, Sequence[str]]) -> None:
        plan = self.run_ctx.plan
        step = plan.steps[key]
        for output in step.op_def.output_defs:
            root = (key, output.name)
            if not output.is_dynamic or root in plan.dynamic_keys:
                continue
            group = [t for t in plan.templates if t in self.templates
                     and plan.templates[t].dynamic_root == root]
            if output.name not in self.produced[key]:
                for template in group:
                    self._skip_template(template)
                continue
            new = expand(plan, root, mapping_keys.get(output.name, ()))
            self._add_steps(new)
            new_keys = {s.key for s in new}
            for template in group:
                self.templates.discard(template)
                self.waiting_on.pop(template, None)
                for downstream in self.downstream.pop(template, []):
                    self._rewire(downstream, template, new_keys)

    def _add_steps(self, steps: list[ExecutionStep]) -> None:
        done = self.produced.keys() | self.not_run
        for step in steps:
            waits = {key for key in step.upstream if key not in done}
            self.waiting_on[step.key] = waits
            for upstream in waits:
                self.downstream.setdefault(upstream, []).append(step.key)
            if not waits:
                self.ready.append(step.key)

    def _rewire(self, key: str, template: str, new_keys: set[str]) -> None:
        """``key`` waited on ``template``; now it waits on the template's mapped steps."""
        waits = self.waiting_on.get(key)
        if waits is None or template not in waits:
            return
        waits.discard(template)
        step = self.run_ctx.plan.steps.get(key)
        mapped = (step.upstream & new_keys) if step is not None else set()
        for upstream in mapped:
            if upstream not in self.produced and upstream not in self.not_run:
                waits.add(upstream)
                self.downstream.setdefault(upstream, []).append(key)
        if not waits:
            self.ready.append(key)

    def _skip_template(self, template: str) -> None:
        """The template's dynamic output was not produced: nothing of it runs."""
        if template not in self.templates:
            return
        self.templates.discard(template)
        self.waiting_on.pop(template, None)
        self.not_run.add(template)
        self._release_downstream(template)
