"""Steps mapped over dynamic outputs: templates in the plan, one step per mapping key at run time.

A step fed (directly, or through other mapped steps) by a ``DynamicOut`` is a *template*:
its key is the op's (``double``), and it does not run itself. When the step owning the
dynamic output (its *root*) succeeds, each template becomes one step per mapping key the
root yielded, ``double[a]``, ``double[b]``..., fed by that key's value; steps that
``.collect()`` a mapped output get one fan-in source per mapping key, in the order the keys
were yielded. Processes that rebuild the plan (spawned step processes, Celery workers,
re-executions) make the same steps from the keys (:func:`apply_dynamic_keys`,
:func:`mapped_step`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from headwater.errors import InvalidDefinitionError
from headwater.execution.plan import (
    ExecutionPlan,
    ExecutionStep,
    FromCollected,
    FromStepOutput,
    StepInput,
)

Root = tuple[str, str]


def split_mapped_key(key: str) -> tuple[str, str] | None:
    """``("op", "k")`` for the mapped step key ``op[k]``; None for other keys."""
    if not key.endswith("]"):
        return None
    base, bracket, mapping_key = key[:-1].rpartition("[")
    if not bracket or not base or not mapping_key:
        return None
    return base, mapping_key


def _is_dynamic(step: ExecutionStep | None, output_name: str) -> bool:
    if step is None or not step.op_def.has_output(output_name):
        return False
    return step.op_def.output_def(output_name).is_dynamic


def split_templates(
    steps: dict[str, ExecutionStep], job_name: str
) -> tuple[dict[str, ExecutionStep], dict[str, ExecutionStep]]:
    """(steps that run as they are, templates mapped over a dynamic output), both in order.

    ``steps`` must be in topological order.
    """
    templates: dict[str, ExecutionStep] = {}
    for step in steps.values():
        root = _root_of(step, steps, templates, job_name)
        if root is None:
            continue
        # A mapped step may have a dynamic output of its own (as in Dagster), but nothing can
        # consume it: that would be downstream of two dynamic outputs (see ``_nested``).
        step.dynamic_root = root
        templates[step.key] = step
    if not templates:
        return steps, templates
    return {key: step for key, step in steps.items() if key not in templates}, templates


def _root_of(
    step: ExecutionStep,
    steps: Mapping[str, ExecutionStep],
    templates: Mapping[str, ExecutionStep],
    job_name: str,
) -> Root | None:
    root: Root | None = None
    collects = False
    for step_input in step.inputs:
        for source in step_input.sources:
            if isinstance(source, (FromCollected, FromStepOutput)):
                _nested(step, source, templates, job_name)
            if isinstance(source, FromCollected):
                collects = True
                _check_collected(step, source, steps, templates, job_name)
                continue
            if not isinstance(source, FromStepOutput):
                continue
            found: Root | None = None
            if source.step_key in templates:
                found = templates[source.step_key].dynamic_root
            elif _is_dynamic(steps.get(source.step_key), source.output_name):
                found = (source.step_key, source.output_name)
            if found is None:
                continue
            if root is not None and found != root:
                raise InvalidDefinitionError(
                    f"{step.describe} in job '{job_name}' is mapped over two dynamic outputs "
                    f"('{root[1]}' of '{root[0]}' and '{found[1]}' of '{found[0]}'); a step "
                    "can be mapped over one only. Collect one of them first."
                )
            root = found
    if root is not None and collects:
        raise InvalidDefinitionError(
            f"{step.describe} in job '{job_name}' collects a dynamic output inside .map(); "
            "collect it outside the mapped function."
        )
    return root


def _nested(step: ExecutionStep, source: FromStepOutput | FromCollected,
            templates: Mapping[str, ExecutionStep], job_name: str) -> None:
    """Refuse consuming (mapping or collecting) a dynamic output of a mapped step."""
    template = templates.get(source.step_key)
    if template is None or not _is_dynamic(template, source.output_name):
        return
    outer = template.dynamic_root
    assert outer is not None
    raise InvalidDefinitionError(
        f"{step.describe} in job '{job_name}' consumes dynamic output "
        f"'{source.step_key}:{source.output_name}' of a step that is itself mapped over "
        f"'{outer[0]}:{outer[1]}'; a step can follow one dynamic output only, so a nested "
        "fan-out cannot be mapped or collected. Collect the outer dynamic output before "
        "fanning out again."
    )


def _check_collected(
    step: ExecutionStep,
    source: FromCollected,
    steps: Mapping[str, ExecutionStep],
    templates: Mapping[str, ExecutionStep],
    job_name: str,
) -> None:
    if source.step_key in templates or _is_dynamic(steps.get(source.step_key), source.output_name):
        return
    raise InvalidDefinitionError(
        f"{step.describe} in job '{job_name}' collects output '{source.output_name}' of "
        f"'{source.step_key}', which is not dynamic. Only a DynamicOut (or an op mapped over "
        "one) can be collected."
    )


# Making mapped steps ---------------------------------------------------------------------------


def concrete_step(template: ExecutionStep, mapping_key: str,
                  templates: Mapping[str, ExecutionStep]) -> ExecutionStep:
    """The step of ``template`` for ``mapping_key`` (key ``op[mapping_key]``)."""
    root = template.dynamic_root
    inputs = [
        replace(step_input, sources=tuple(
            _mapped_source(source, mapping_key, root, templates) for source in step_input.sources
        ))
        for step_input in template.inputs
    ]
    upstream = frozenset(
        f"{key}[{mapping_key}]" if key in templates else key for key in template.upstream
    )
    return replace(
        template,
        key=f"{template.key}[{mapping_key}]",
        inputs=inputs,
        upstream=upstream,
        mapping_key=mapping_key,
    )


def _mapped_source(source: Any, mapping_key: str, root: Root | None,
                   templates: Mapping[str, ExecutionStep]) -> Any:
    if not isinstance(source, FromStepOutput):
        return source
    if source.step_key in templates:
        return FromStepOutput(f"{source.step_key}[{mapping_key}]", source.output_name)
    if (source.step_key, source.output_name) == root:
        return FromStepOutput(source.step_key, source.output_name, mapping_key)
    return source


def mapped_step(plan: ExecutionPlan, key: str) -> ExecutionStep | None:
    """The mapped step ``op[mapping_key]`` made from the plan's template ``op``; None if the
    plan has no such template."""
    parts = split_mapped_key(key)
    if parts is None or parts[0] not in plan.templates:
        return None
    step = concrete_step(plan.templates[parts[0]], parts[1], plan.templates)
    plan.loaded_steps.setdefault(step.key, step)
    return step


def expand(plan: ExecutionPlan, root: Root, mapping_keys: Iterable[str]) -> list[ExecutionStep]:
    """Add the mapped steps of ``root``'s templates for ``mapping_keys``; the new steps.

    Steps collecting a mapped output get one source per mapping key. Does nothing for a
    root already expanded.
    """
    if root in plan.dynamic_keys:
        return []
    keys = list(mapping_keys)
    plan.dynamic_keys[root] = keys
    group = [t for t in plan.templates.values() if t.dynamic_root == root]
    group_keys = {t.key for t in group}
    new = [concrete_step(t, mk, plan.templates) for mk in keys for t in group]
    for step in new:
        plan.steps[step.key] = step
        plan.loaded_steps.pop(step.key, None)
    for step in [*plan.steps.values(), *plan.loaded_steps.values()]:
        if step.mapping_key is None and any(
            isinstance(s, FromCollected) for i in step.inputs for s in i.sources
        ):
            _resolve_collected(step, root, group_keys, keys)
    return new


def _resolve_collected(step: ExecutionStep, root: Root, group_keys: set[str],
                       keys: list[str]) -> None:
    inputs: list[StepInput] = []
    added: set[str] = set()
    for step_input in step.inputs:
        sources: list[Any] = []
        for source in step_input.sources:
            if not isinstance(source, FromCollected):
                sources.append(source)
            elif source.step_key in group_keys:
                mapped = [f"{source.step_key}[{mk}]" for mk in keys]
                added.update(mapped)
                sources.extend(FromStepOutput(key, source.output_name) for key in mapped)
            elif (source.step_key, source.output_name) == root:
                sources.extend(FromStepOutput(*root, mk) for mk in keys)
            else:
                sources.append(source)
        inputs.append(replace(step_input, sources=tuple(sources)))
    step.inputs = inputs
    step.upstream = frozenset(key for key in step.upstream if key not in group_keys) | added


def apply_dynamic_keys(plan: ExecutionPlan, dynamic: Iterable[Any] | None) -> None:
    """Expand the plan with mapping keys learned elsewhere: ``[[step, output, [keys]], ...]``."""
    for entry in dynamic or ():
        step_key, output_name, keys = entry
        expand(plan, (str(step_key), str(output_name)), [str(k) for k in keys])


def dynamic_keys_payload(plan: ExecutionPlan) -> list[list[Any]]:
    """The plan's known mapping keys as plain data (for :func:`apply_dynamic_keys`)."""
    return [[root[0], root[1], list(keys)] for root, keys in plan.dynamic_keys.items()]


def pending_templates(plan: ExecutionPlan) -> dict[str, ExecutionStep]:
    """Templates whose dynamic output is not known yet."""
    return {
        key: step for key, step in plan.templates.items()
        if step.dynamic_root is not None and step.dynamic_root not in plan.dynamic_keys
    }
