"""Reading a compute function's signature: which parameters are context, config, resources or inputs."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, get_type_hints

from headwater.definitions.resources import is_config_class, is_resource_annotation
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


@dataclass(frozen=True)
class DataParam:
    """A parameter that receives an input value."""

    name: str
    annotation: Any
    default: Any = NO_VALUE


@dataclass(frozen=True)
class FunctionParams:
    """The roles of a compute function's parameters, in order."""

    context: str | None = None
    config: str | None = None
    config_class: Any = None
    resources: tuple[str, ...] = ()
    inputs: tuple[DataParam, ...] = ()
    return_annotation: Any = inspect.Parameter.empty
    accepts_kwargs: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _is_context_annotation(annotation: Any) -> bool:
    name = getattr(annotation, "__name__", None)
    if name in _CONTEXT_CLASS_NAMES:
        return True
    return isinstance(annotation, str) and annotation.rsplit(".", 1)[-1] in _CONTEXT_CLASS_NAMES


def resolved_hints(fn: Callable[..., Any]) -> dict[str, Any]:
    """Type hints of ``fn`` with string annotations resolved where possible."""
    try:
        return get_type_hints(fn, include_extras=True)
    except Exception:  # noqa: BLE001 - unresolvable forward refs fall back to raw annotations
        return dict(getattr(fn, "__annotations__", {}))


def read_params(fn: Callable[..., Any], what: str) -> FunctionParams:
    """Classify ``fn``'s parameters.

    The first parameter is the context when it is named ``context`` (or ``_context``, ``_``)
    or annotated with a context class. A parameter named ``config`` or annotated with a
    ``Config`` subclass receives config. Parameters annotated with a resource type (or
    ``ResourceParam[...]``) receive the resource of the same name. Every other parameter is
    a data input.
    """
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError) as exc:
        raise InvalidDefinitionError(f"Cannot read the signature of {what}: {exc}") from exc
    hints = resolved_hints(fn)
    context: str | None = None
    config: str | None = None
    config_class: Any = None
    resources: list[str] = []
    inputs: list[DataParam] = []
    accepts_kwargs = False
    for index, param in enumerate(signature.parameters.values()):
        annotation = hints.get(param.name, param.annotation)
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            accepts_kwargs = True
            continue
        if param.kind is inspect.Parameter.VAR_POSITIONAL:
            raise InvalidDefinitionError(
                f"{what} takes *{param.name}; compute functions need named parameters."
            )
        if index == 0 and (param.name in _CONTEXT_NAMES or _is_context_annotation(annotation)):
            context = param.name
        elif is_config_class(annotation) or (param.name == "config" and config is None):
            config = param.name
            config_class = annotation if is_config_class(annotation) else None
        elif is_resource_annotation(annotation):
            resources.append(param.name)
        else:
            default = NO_VALUE if param.default is inspect.Parameter.empty else param.default
            inputs.append(DataParam(param.name, annotation, default))
    return FunctionParams(
        context=context,
        config=config,
        config_class=config_class,
        resources=tuple(resources),
        inputs=tuple(inputs),
        return_annotation=hints.get("return", signature.return_annotation),
        accepts_kwargs=accepts_kwargs,
    )


def returns_nothing(annotation: Any) -> bool:
    """Whether a return annotation says the function produces no value to store."""
    return annotation is None or annotation is type(None) or annotation == "None"
