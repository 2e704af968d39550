"""Calling the user functions of schedules and sensors.

A schedule or sensor function receives the framework's arguments first (the context, and for
an asset sensor the event) and any further parameter is a resource, looked up by the
parameter's name in ``context.resources``. A parameter annotated with a resource type is a
resource wherever it stands.
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Iterator, Mapping, Set
from dataclasses import dataclass
from typing import Any

from headwater.errors import InvalidDefinitionError, UnknownResourceError, user_code_boundary

if typing.TYPE_CHECKING:
    from headwater.definitions.config.resources import Resources

_MISSING: Any = object()


@dataclass(frozen=True)
class FunctionShape:
    """Which parameters of a user function the framework fills, and how.

    Attributes:
        fn: the user function.
        positional: the framework's parameters (context, event), in order; may be fewer than
            the framework offers, e.g. a schedule function with no parameters.
        resource_params: parameters filled from resources by name.
        optional_resource_params: resource parameters that have a default value.
        order: every filled parameter in signature order, with whether it may be passed
            positionally.
    """

    fn: Callable[..., Any]
    positional: tuple[str, ...]
    resource_params: tuple[str, ...]
    optional_resource_params: frozenset[str]
    order: tuple[tuple[str, bool], ...] = ()

    @property
    def required_resource_params(self) -> frozenset[str]:
        """Resource parameters without a default: the resources the function needs."""
        return frozenset(self.resource_params) - self.optional_resource_params

    def call(self, framework_args: tuple[Any, ...], resources: Mapping[str, Any]) -> Any:
        """Call the function with the framework's arguments and the resource values.

        Parameters are passed positionally while possible, then by keyword; a resource
        parameter missing from ``resources`` keeps its default.
        """
        values = dict(zip(self.positional, framework_args, strict=False))
        values.update(resources)
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for index, (param, positional_ok) in enumerate(self.order):
            if param not in values:
                continue
            if positional_ok and not kwargs and len(args) == index:
                args.append(values[param])
            else:
                kwargs[param] = values[param]
        return self.fn(*args, **kwargs)


def _annotations(fn: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(fn, include_extras=True)
    except Exception:  # unresolvable forward references: fall back to the raw annotations
        return dict(getattr(fn, "__annotations__", {}))


def inspect_user_fn(
    fn: Callable[..., Any], *, kind: str, name: str, framework_args: int
) -> FunctionShape:
    """Sort the parameters of ``fn`` into framework parameters and resource parameters.

    Args:
        fn: the decorated function.
        kind: e.g. ``"Sensor"``, for error messages.
        name: the schedule's or sensor's name, for error messages.
        framework_args: how many leading parameters the framework fills (1 or 2).
    """
    from headwater.definitions.config.resources import is_resource_annotation

    if not callable(fn):
        raise InvalidDefinitionError(f"{kind} '{name}' needs a function; got {fn!r}.")
    hints = _annotations(fn)
    positional: list[str] = []
    resources: list[str] = []
    optional: set[str] = set()
    order: list[tuple[str, bool]] = []
    for param in inspect.signature(fn).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        order.append((param.name, param.kind is not param.KEYWORD_ONLY))
        annotation = hints.get(param.name, param.annotation)
        is_resource = annotation is not param.empty and is_resource_annotation(annotation)
        if not is_resource and len(positional) < framework_args:
            positional.append(param.name)
            continue
        resources.append(param.name)
        if param.default is not param.empty:
            optional.add(param.name)
        elif param.kind is param.POSITIONAL_ONLY:
            raise InvalidDefinitionError(
                f"{kind} '{name}': resource parameter '{param.name}' of {fn.__name__}() is "
                "positional-only; resources are passed by name, so remove the '/' marker."
            )
    return FunctionShape(fn, tuple(positional), tuple(resources), frozenset(optional), tuple(order))


def required_resource_keys_for(
    kind: str, name: str, explicit: Set[str] | None, shape: FunctionShape | None
) -> frozenset[str]:
    """The explicit ``required_resource_keys`` or the function's resource parameters."""
    from_params = shape.required_resource_params if shape is not None else frozenset()
    if explicit and shape is not None and shape.resource_params:
        raise InvalidDefinitionError(
            f"{kind} '{name}' names resources both in required_resource_keys and as function "
            f"parameters ({', '.join(shape.resource_params)}); use only one of the two."
        )
    raw: object = explicit
    if raw is not None and (
        isinstance(raw, str) or not all(isinstance(key, str) for key in explicit or ())
    ):
        raise InvalidDefinitionError(
            f"{kind} '{name}' got required_resource_keys={explicit!r}; pass a set of strings."
        )
    return frozenset(explicit) if explicit else from_params


def coerce_resources(resources: Mapping[str, Any] | Resources | None) -> Resources:
    """Wrap a plain dict of resources (or nothing) in a ``Resources`` object."""
    from headwater.definitions.config.resources import Resources

    if isinstance(resources, Resources):
        return resources
    return Resources(dict(resources or {}))


def lookup_resource(resources: Resources, key: str) -> Any:
    """The resource under ``key``, or ``_MISSING``."""
    try:
        return resources[key]
    except KeyError:
        return _MISSING


def resource_kwargs(
    kind: str,
    name: str,
    shape: FunctionShape,
    resources: Resources,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The keyword arguments filling the function's resource parameters."""
    kwargs: dict[str, Any] = {}
    for param in shape.resource_params:
        if overrides and param in overrides:
            kwargs[param] = overrides[param]
            continue
        value = lookup_resource(resources, param)
        if value is not _MISSING:
            kwargs[param] = value
        elif param not in shape.optional_resource_params:
            raise UnknownResourceError(
                f"{kind} '{name}' needs the resource '{param}' (a parameter of "
                f"{getattr(shape.fn, '__name__', 'its function')}()), which was not provided. "
                f"Add it to Definitions(resources={{'{param}': ...}}), or pass "
                "resources={...} when building the context in a test."
            )
    return kwargs


def check_required_resources(kind: str, name: str, keys: Set[str], resources: Resources) -> None:
    """Fail with a clear message when a required resource key is missing."""
    missing = sorted(key for key in keys if lookup_resource(resources, key) is _MISSING)
    if missing:
        raise UnknownResourceError(
            f"{kind} '{name}' requires the resource(s) {', '.join(repr(k) for k in missing)}, "
            "which were not provided. Add them to Definitions(resources=...), or pass "
            "resources={...} when building the context in a test."
        )


def collect_results(result: Any) -> list[Any]:
    """Turn what a user function returned into a list of items.

    ``None`` is nothing, a list or tuple is its items, a generator or other iterator is
    drained, anything else is one item.
    """
    if result is None:
        return []
    if isinstance(result, (list, tuple)):
        return list(result)
    if isinstance(result, Iterator):
        return list(result)
    return [result]


def call_and_collect(what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> list[Any]:
    """Call user code inside the error boundary, draining generators inside it too."""
    with user_code_boundary(what):
        return collect_results(fn(*args, **kwargs))


def pop_framework_args(
    name: str,
    shape: FunctionShape,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    build_context: Callable[[], Any],
    count: int = 1,
) -> tuple[Any, ...]:
    """The framework arguments of a direct call (context first), removed from ``kwargs``.

    They are taken positionally, or by the function's parameter names; when the function
    takes no context, a default one is built so that resources can still be looked up.
    """
    if len(args) > count:
        raise InvalidDefinitionError(
            f"'{name}' was called with {len(args)} positional arguments; pass at most "
            f"{count} positionally and resources as keyword arguments."
        )
    values = list(args)
    for param in shape.positional[len(values) :]:
        if param not in kwargs:
            break
        values.append(kwargs.pop(param))
    if not values and "context" in kwargs:
        values.append(kwargs.pop("context"))
    if len(values) < len(shape.positional):
        missing = ", ".join(repr(param) for param in shape.positional[len(values) :])
        raise InvalidDefinitionError(
            f"'{name}' was called without {missing}; pass a context built with "
            "build_schedule_context() or build_sensor_context() (and, for an asset sensor, "
            "the EventLogEntry)."
        )
    return tuple(values) if values else (build_context(),)
