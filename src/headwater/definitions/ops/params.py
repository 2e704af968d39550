"""Reading a compute function's signature: context, config, resource and input parameters."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, get_type_hints

from headwater.definitions.config.resources import is_config_class, is_resource_annotation
from headwater.errors import InvalidDefinitionError


class _NoValue:
    """Marks a parameter without a default."""

    _instance: _NoValue | None = None

    def __new__(cls) -> _NoValue:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NoValue"


NO_VALUE: Any = _NoValue()

_CONTEXT_NAMES = frozenset({"context", "_context", "_", "ctx"})
_CONTEXT_CLASS_NAMES = frozenset(
    {
        "AssetExecutionContext",
        "OpExecutionContext",
        "AssetCheckExecutionContext",
        "ScheduleEvaluationContext",
        "SensorEvaluationContext",
    }
)


@dataclass(slots=True)
class DataParam:
    """A parameter that receives an input value."""

    name: str
    annotation: Any
    default: Any = NO_VALUE


@dataclass(slots=True)
class FunctionParams:
    """The roles of a compute function's parameters, in order."""

    context: str | None = None
    config: str | None = None
    config_class: Any = None
    # How many data inputs precede the config parameter (for positional direct calls).
    config_position: int = 0
    resources: tuple[str, ...] = ()
    inputs: tuple[DataParam, ...] = ()
    return_annotation: Any = inspect.Parameter.empty
    accepts_kwargs: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


_PLAIN_TYPES = frozenset({int, float, str, bool, bytes, list, dict, tuple, set, type(None)})
_ROLE_CACHE: dict[Any, str] = {}


def _annotation_role(annotation: Any) -> str:
    """``"context"``, ``"config"``, ``"resource"`` or ``"data"`` for a parameter annotation."""
    if annotation is inspect.Parameter.empty or annotation in _PLAIN_TYPES:
        return "data"
    cacheable = isinstance(annotation, type)
    if cacheable and annotation in _ROLE_CACHE:
        return _ROLE_CACHE[annotation]
    if _is_context_annotation(annotation):
        role = "context"
    elif is_config_class(annotation):
        role = "config"
    elif is_resource_annotation(annotation):
        role = "resource"
    else:
        role = "data"
    if cacheable:
        _ROLE_CACHE[annotation] = role
    return role


def _is_context_annotation(annotation: Any) -> bool:
    name = getattr(annotation, "__name__", None)
    if name in _CONTEXT_CLASS_NAMES:
        return True
    return isinstance(annotation, str) and annotation.rsplit(".", 1)[-1] in _CONTEXT_CLASS_NAMES


def resolved_hints(fn: Callable[..., Any]) -> dict[str, Any]:
    """Type hints of ``fn``; string annotations are resolved only when there are any."""
    annotations = dict(getattr(fn, "__annotations__", None) or {})
    if not any(isinstance(value, str) for value in annotations.values()):
        return annotations
    try:
        return get_type_hints(fn, include_extras=True)
    except Exception:  # noqa: BLE001 - one unresolvable forward ref must not spoil the others
        pass
    namespace = dict(getattr(fn, "__globals__", None) or {})
    for name, annotation in annotations.items():
        if isinstance(annotation, str):
            try:
                annotations[name] = eval(annotation, namespace)  # noqa: S307 - as typing does
            except Exception:  # noqa: BLE001 - keep the string when it cannot be resolved
                pass
    return annotations


def _parameters(fn: Callable[..., Any], what: str) -> list[tuple[str, Any, Any]]:
    """The parameters of ``fn``; plain functions are read straight from their code object."""
    code = getattr(fn, "__code__", None)
    if code is not None and inspect.isfunction(fn):
        count = code.co_argcount
        kwonly = code.co_kwonlyargcount
        names = code.co_varnames[: count + kwonly]
        defaults = fn.__defaults__ or ()
        kwdefaults = fn.__kwdefaults__ or {}
        first_default = count - len(defaults)
        params: list[tuple[str, Any, Any]] = []
        for index, name in enumerate(names):
            if index < count:
                default = defaults[index - first_default] if index >= first_default else _EMPTY
                kind: Any = inspect.Parameter.POSITIONAL_OR_KEYWORD
            else:
                default = kwdefaults.get(name, _EMPTY)
                kind = inspect.Parameter.KEYWORD_ONLY
            params.append((name, kind, default))
        position = count + kwonly
        if code.co_flags & inspect.CO_VARARGS:
            params.append((code.co_varnames[position], inspect.Parameter.VAR_POSITIONAL, _EMPTY))
            position += 1
        if code.co_flags & inspect.CO_VARKEYWORDS:
            params.append((code.co_varnames[position], inspect.Parameter.VAR_KEYWORD, _EMPTY))
        return params
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError) as exc:
        raise InvalidDefinitionError(f"Cannot read the signature of {what}: {exc}") from exc
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


_EMPTY = inspect.Parameter.empty


def read_params(fn: Callable[..., Any], what: str) -> FunctionParams:
    """Classify ``fn``'s parameters.

    The first parameter is the context when it is named ``context`` (or ``_context``, ``_``)
    or annotated with a context class. A parameter named ``config`` or annotated with a
    ``Config`` subclass receives config. Parameters annotated with a resource type (or
    ``ResourceParam[...]``) receive the resource of the same name. Every other parameter is
    a data input.
    """
    hints = resolved_hints(fn)
    context: str | None = None
    config: str | None = None
    config_class: Any = None
    config_position = 0
    resources: list[str] = []
    inputs: list[DataParam] = []
    accepts_kwargs = False
    for index, (name, kind, default) in enumerate(_parameters(fn, what)):
        annotation = hints.get(name, _EMPTY)
        if kind is inspect.Parameter.VAR_KEYWORD:
            accepts_kwargs = True
            continue
        if kind is inspect.Parameter.VAR_POSITIONAL:
            raise InvalidDefinitionError(
                f"{what} takes *{name}; compute functions need named parameters."
            )
        role = _annotation_role(annotation)
        if index == 0 and (name in _CONTEXT_NAMES or role == "context"):
            context = name
        elif role == "config" or (name == "config" and config is None):
            if isinstance(annotation, str):
                raise InvalidDefinitionError(
                    f"{what}: cannot resolve the annotation {annotation!r} of parameter "
                    f"'{name}'. Define the Config class at module level (string "
                    "annotations are resolved in the function's module) or import it there."
                )
            config = name
            config_class = annotation if role == "config" else None
            config_position = len(inputs)
        elif role == "resource":
            resources.append(name)
        else:
            inputs.append(DataParam(name, annotation, NO_VALUE if default is _EMPTY else default))
    return FunctionParams(
        context=context,
        config=config,
        config_class=config_class,
        config_position=config_position,
        resources=tuple(resources),
        inputs=tuple(inputs),
        return_annotation=hints.get("return", _EMPTY),
        accepts_kwargs=accepts_kwargs,
    )


def returns_nothing(annotation: Any) -> bool:
    """Whether a return annotation says the function produces no value to store."""
    return annotation is None or annotation is type(None) or annotation == "None"
