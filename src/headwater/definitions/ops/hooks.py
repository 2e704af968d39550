"""Hooks: functions run after a step succeeds (``@success_hook``) or fails (``@failure_hook``).

Attach them to a job (``@job(hooks={...})``, ``define_asset_job(hooks=...)``), to one use of
an op (``my_op.with_hooks({...})``), or apply one to a job or op as a decorator. A hook that
raises is recorded as a ``HOOK_ERRORED`` event of its step; it never fails the run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any, overload

from headwater.definitions.ops.context import EPHEMERAL_RUN_ID
from headwater.errors import InvalidDefinitionError, InvalidInvocationError

SUCCESS = "success"
FAILURE = "failure"


class HookContext:
    """What a hook receives: the step it follows, its run, resources and outcome."""

    def __init__(
        self,
        *,
        hook_def: HookDefinition | None = None,
        step_key: str = "__ephemeral__",
        op: Any = None,
        job_name: str = "__ephemeral__",
        run_id: str = EPHEMERAL_RUN_ID,
        resources: Any = None,
        log: Any = None,
        instance: Any = None,
        op_exception: BaseException | None = None,
        op_output_values: Mapping[str, Any] | None = None,
        op_config: Any = None,
    ) -> None:
        self.hook_def = hook_def
        self.step_key = step_key
        self.op = op
        self.job_name = job_name
        self.run_id = run_id
        self.resources = resources
        self.log = log or logging.getLogger("headwater.user")
        self.instance = instance
        #: The exception the step failed with (failure hooks), else None.
        self.op_exception = op_exception
        #: The step's output values by output name (dicts by mapping key for dynamic ones).
        self.op_output_values = dict(op_output_values or {})
        self.op_config = op_config
        #: Teardowns of resources ``build_hook_context`` initialised, run on ``__exit__``.
        self._teardowns: list[Callable[[], object]] = []

    def __enter__(self) -> HookContext:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Tear down resources a test context (``build_hook_context``) initialised, last
        initialised first."""
        teardowns, self._teardowns = self._teardowns, []
        for teardown in reversed(teardowns):
            teardown()

    @property
    def required_resource_keys(self) -> frozenset[str]:
        """Resource keys the hook needs."""
        return self.hook_def.required_resource_keys if self.hook_def else frozenset()


def build_hook_context(
    resources: Mapping[str, Any] | None = None,
    op: Any = None,
    run_id: str | None = None,
    job_name: str | None = None,
    op_exception: BaseException | None = None,
    instance: Any = None,
) -> HookContext:
    """A context for calling a hook directly in a test.

    Resource definitions in ``resources`` are initialised; use the context in a ``with``
    block to tear down those that need it (context managers, generators) at its end.
    """
    from headwater.definitions.config.resources import Resources
    from headwater.definitions.ops.context import _test_resource_value

    context = HookContext(
        op=op,
        step_key=getattr(op, "name", "__ephemeral__"),
        run_id=run_id or EPHEMERAL_RUN_ID,
        job_name=job_name or "__ephemeral__",
        op_exception=op_exception,
        instance=instance,
    )
    try:
        context.resources = Resources({
            k: _test_resource_value(k, v, None, context._teardowns)
            for k, v in (resources or {}).items()
        })
    except BaseException:
        context.__exit__(None, None, None)  # tear down those initialised before the failure
        raise
    return context


class HookDefinition:
    """A hook: its name, when it runs (after success or failure) and its function."""

    def __init__(
        self,
        *,
        name: str,
        hook_fn: Callable[..., Any],
        event: str,
        required_resource_keys: Iterable[str] | None = None,
        description: str | None = None,
    ) -> None:
        self.name = name
        self.hook_fn = hook_fn
        #: ``"success"`` or ``"failure"``.
        self.event = event
        self.required_resource_keys = frozenset(required_resource_keys or ())
        self.description = description

    def __call__(self, obj: Any = None, *args: Any, **kwargs: Any) -> Any:
        """Run the hook on a ``HookContext`` (in a test), or attach it to a job or an op."""
        if isinstance(obj, HookContext):
            obj.hook_def = obj.hook_def or self
            return self.hook_fn(obj, *args, **kwargs)
        with_hooks = getattr(obj, "with_hooks", None)
        if callable(with_hooks) and not args and not kwargs:
            return with_hooks({self})
        raise InvalidInvocationError(
            f"hook '{self.name}' was called with {obj!r}; call it with a HookContext (see "
            "build_hook_context), or apply it to a job or op."
        )

    def __repr__(self) -> str:
        return f"<HookDefinition {self.name} ({self.event})>"


def _hook_decorator(event: str, fn: Callable[..., Any] | None, name: str | None,
                    required_resource_keys: Iterable[str] | None) -> Any:
    def decorate(func: Callable[..., Any]) -> HookDefinition:
        import inspect

        positional = [
            p for p in inspect.signature(func).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        if not positional:
            raise InvalidDefinitionError(
                f"@{event}_hook '{func.__name__}' must take the hook context as its first "
                "parameter."
            )
        return HookDefinition(
            name=name or func.__name__,
            hook_fn=func,
            event=event,
            required_resource_keys=required_resource_keys,
            description=inspect.getdoc(func),
        )

    return decorate(fn) if fn is not None else decorate


@overload
def success_hook(fn: Callable[..., Any]) -> HookDefinition: ...


@overload
def success_hook(
    fn: None = None, *, name: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
) -> Callable[[Callable[..., Any]], HookDefinition]: ...


def success_hook(
    fn: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
) -> Any:
    """A hook run after each step it is attached to succeeds: ``fn(context: HookContext)``."""
    return _hook_decorator(SUCCESS, fn, name, required_resource_keys)


@overload
def failure_hook(fn: Callable[..., Any]) -> HookDefinition: ...


@overload
def failure_hook(
    fn: None = None, *, name: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
) -> Callable[[Callable[..., Any]], HookDefinition]: ...


def failure_hook(
    fn: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
) -> Any:
    """A hook run after each step it is attached to fails (its retries used up)."""
    return _hook_decorator(FAILURE, fn, name, required_resource_keys)


def hook_set(hooks: Any) -> tuple[HookDefinition, ...]:
    """``hooks=`` (a set, list or None) as a tuple of hook definitions, checked."""
    found = tuple(hooks or ())
    for hook in found:
        if not isinstance(hook, HookDefinition):
            raise InvalidDefinitionError(
                f"hooks= must hold hooks made with @success_hook or @failure_hook; got {hook!r}."
            )
    return tuple(sorted(found, key=lambda h: h.name))
