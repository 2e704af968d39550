"""Types of op inputs and outputs, checked at run time: ``DagsterType``, ``TypeCheck`` and the
ways to make a Python class a checked type.

A value given to an input or produced for an output whose type is a ``DagsterType`` (given
with ``In(dagster_type)``/``Out(dagster_type)``, or a Python annotation that maps to one) is
checked before the step uses it; a failed check fails the step naming the input or output.
Plain annotations of ``int``, ``float``, ``str`` and ``bool`` are checked as Dagster checks
them; other annotations are not checked unless registered with
:func:`usable_as_dagster_type` / :func:`make_python_type_usable_as_dagster_type`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from headwater.errors import (
    InvalidDefinitionError,
    TypeCheckError,
    TypeCheckFunctionError,
    user_code_boundary,
)

T = TypeVar("T")


@dataclass(frozen=True)
class TypeCheck:
    """The outcome of a type check: whether it passed, why, and metadata to record."""

    success: bool
    description: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)


class DagsterTypeLoader:
    """Loads an input's value from run config (``ops: {op: {inputs: {name: ...}}}``) when the
    input is not connected; made with :func:`dagster_type_loader`."""

    def __init__(self, config_schema: Any, loader_fn: Callable[..., Any],
                 required_resource_keys: set[str] | frozenset[str] | None = None) -> None:
        self.config_schema = config_schema
        self.loader_fn = loader_fn
        self.required_resource_keys = frozenset(required_resource_keys or ())

    def construct_from_config_value(self, context: Any, config_value: Any) -> Any:
        """The input value for ``config_value``."""
        return self.loader_fn(context, config_value)


def dagster_type_loader(
    config_schema: Any, required_resource_keys: set[str] | None = None
) -> Callable[[Callable[..., Any]], DagsterTypeLoader]:
    """Decorate ``fn(context, config_value)`` that builds a value of a type from run config;
    ``context.resources`` holds ``required_resource_keys``."""

    def decorate(fn: Callable[..., Any]) -> DagsterTypeLoader:
        return DagsterTypeLoader(config_schema, fn, required_resource_keys)

    return decorate


class DagsterType:
    """A named type whose ``type_check_fn(context, value)`` returns a bool or a ``TypeCheck``."""

    def __init__(
        self,
        type_check_fn: Callable[[Any, Any], bool | TypeCheck],
        key: str | None = None,
        name: str | None = None,
        is_builtin: bool = False,
        description: str | None = None,
        loader: DagsterTypeLoader | None = None,
        required_resource_keys: set[str] | None = None,
        typing_type: Any = Any,
        metadata: Mapping[str, Any] | None = None,
        **_ignored: Any,
    ) -> None:
        if not callable(type_check_fn):
            raise InvalidDefinitionError(
                f"DagsterType {name or key!r}: type_check_fn must be a function "
                "(context, value) -> bool | TypeCheck."
            )
        self.type_check_fn = type_check_fn
        self.key: str = key or name or str(getattr(type_check_fn, "__name__", "DagsterType"))
        self.name: str = name or self.key
        self.is_builtin = is_builtin
        self.description = description
        self.loader = loader
        self.required_resource_keys = frozenset(required_resource_keys or ())
        self.typing_type = typing_type
        self.metadata = dict(metadata or {})

    @property
    def display_name(self) -> str:
        """The name shown in messages."""
        return self.name

    @property
    def unique_name(self) -> str:
        """The type's key."""
        return self.key

    @property
    def is_nothing(self) -> bool:
        """Whether this is ``Nothing`` (no value)."""
        return False

    def type_check(self, context: Any, value: Any) -> TypeCheck:
        """Check ``value``; a ``TypeCheck`` whatever the function returned."""
        with user_code_boundary(f"type check of DagsterType '{self.name}'",
                                TypeCheckFunctionError):
            result = self.type_check_fn(context, value)
        if isinstance(result, TypeCheck):
            return result
        if isinstance(result, bool):
            return TypeCheck(success=result)
        raise TypeCheckError(
            f"The type check function of DagsterType '{self.name}' returned "
            f"{type(result).__name__}; it must return a bool or a TypeCheck."
        )

    def __repr__(self) -> str:
        return f"<DagsterType {self.name}>"


class PythonObjectDagsterType(DagsterType):
    """A type whose values are instances of ``python_type`` (or of one of a tuple of types)."""

    def __init__(self, python_type: type | tuple[type, ...], key: str | None = None,
                 name: str | None = None, **kwargs: Any) -> None:
        self.python_type = python_type
        types = python_type if isinstance(python_type, tuple) else (python_type,)
        type_names = " or ".join(t.__name__ for t in types)

        def check(_context: Any, value: Any) -> TypeCheck:
            if isinstance(value, python_type):
                return TypeCheck(success=True)
            return TypeCheck(
                success=False,
                description=f'Value of type {type(value)} failed type check for Dagster type '
                            f'{name or key or type_names}, expected value to be of Python '
                            f'type {type_names}.',
            )

        super().__init__(check, key=key or name or type_names, name=name, typing_type=python_type,
                         **kwargs)


def _builtin(python_type: type, name: str) -> DagsterType:
    def check(_context: Any, value: Any) -> TypeCheck:
        ok = isinstance(value, python_type) and not (
            python_type is not bool and isinstance(value, bool)
        )
        if python_type is float and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if ok:
            return TypeCheck(success=True)
        return TypeCheck(
            success=False,
            description=f'Value "{value!r}" of python type "{type(value).__name__}" must be a '
                        f'{python_type.__name__}.',
        )

    return DagsterType(check, key=name, name=name, is_builtin=True, typing_type=python_type)


#: The checked types of plain annotations.
BUILTIN_TYPES: dict[Any, DagsterType] = {
    int: _builtin(int, "Int"),
    float: _builtin(float, "Float"),
    str: _builtin(str, "String"),
    bool: _builtin(bool, "Bool"),
}
_REGISTERED: dict[type, DagsterType] = {}


def make_python_type_usable_as_dagster_type(python_type: type, dagster_type: DagsterType) -> None:
    """Check values annotated ``python_type`` with ``dagster_type``."""
    existing = _REGISTERED.get(python_type)
    if existing is not None and existing is not dagster_type:
        raise InvalidDefinitionError(
            f"{python_type.__name__} is already usable as DagsterType '{existing.name}'; a "
            "Python type maps to one DagsterType only."
        )
    _REGISTERED[python_type] = dagster_type


def usable_as_dagster_type(
    name: Any = None,
    description: str | None = None,
    loader: DagsterTypeLoader | None = None,
) -> Any:
    """Class decorator: annotating an input or output with the class checks instances of it.

    Use bare (``@usable_as_dagster_type``) or with arguments.
    """

    def decorate(cls: type[T]) -> type[T]:
        make_python_type_usable_as_dagster_type(
            cls, PythonObjectDagsterType(cls, name=name or cls.__name__,
                                         description=description, loader=loader),
        )
        return cls

    if isinstance(name, type):  # used bare: @usable_as_dagster_type
        cls: Any = name
        name = None
        return decorate(cls)
    return decorate


def resolve_dagster_type(annotation: Any) -> DagsterType | None:
    """The ``DagsterType`` that checks values of ``annotation``; None when nothing is checked."""
    if isinstance(annotation, DagsterType):
        return annotation
    if isinstance(annotation, type):
        return _REGISTERED.get(annotation) or BUILTIN_TYPES.get(annotation)
    return None


def check_dagster_type(dagster_type: Any, value: Any) -> TypeCheck:
    """Check ``value`` against ``dagster_type`` (a ``DagsterType`` or a Python type), as a test
    would; unchecked types always pass."""
    resolved = resolve_dagster_type(dagster_type)
    if resolved is None:
        if isinstance(dagster_type, type):
            resolved = PythonObjectDagsterType(dagster_type)
        else:
            return TypeCheck(success=True)
    return resolved.type_check(_TypeCheckContext(), value)


class _TypeCheckContext:
    """The ``context`` of a type check outside a run."""

    resources: Any = None
    log: Any = None
