"""Resources: named objects (clients, connections, IO managers) handed to assets and ops.

This module defines the function-based API (``ResourceDefinition``, ``@resource``), the context
a resource function receives, the ``context.resources`` object, and the helpers that tell a
resource parameter from a config parameter. It never imports pydantic: the pydantic-based
classes (``Config``, ``ConfigurableResource``) live in ``config.py`` and ``configurable.py``
and are recognised here only when those modules are already loaded.
"""

from __future__ import annotations

import inspect
import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, TypeVar, overload

from headwater.errors import HeadwaterError, InvalidDefinitionError, UnknownResourceError

T = TypeVar("T")

_LOG = logging.getLogger("headwater.resources")


class _ResourceParamMarker:
    """Metadata that ``ResourceParam[T]`` attaches to ``T``."""

    def __repr__(self) -> str:
        return "ResourceParam"


RESOURCE_PARAM_MARKER = _ResourceParamMarker()

ResourceParam = Annotated[T, RESOURCE_PARAM_MARKER]
"""Annotate a parameter ``ResourceParam[T]`` to receive the resource of the same name as ``T``.

Use it for resources whose value is not itself a resource class, e.g. a client object
produced by ``@resource`` or by ``ConfigurableResource.create_resource``.
"""


ResourceDependency = Annotated[T, RESOURCE_PARAM_MARKER]
"""Annotate a ``ConfigurableResource`` field ``ResourceDependency[T]`` to hold another resource.

The field may be given a ``@resource`` definition (initialised first, its value put in the
field) or a plain value of type ``T``.
"""


class MissingResourceError(UnknownResourceError, AttributeError, KeyError):
    """A resource was looked up on ``context.resources`` but is not available there.

    It is also an ``AttributeError`` and a ``KeyError`` so that ``hasattr``, ``getattr`` with a
    default and ``in`` checks behave as they do on ordinary objects and mappings.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class Resources:
    """The resources available to a running asset or op: ``context.resources``.

    Read a resource by attribute (``context.resources.warehouse``) or by key
    (``context.resources["warehouse"]``). Only the resources the definition declared are
    present; looking up another one raises an error that lists the available keys.
    """

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        object.__setattr__(self, "_values", dict(values or {}))

    def _missing(self, key: str) -> MissingResourceError:
        available = ", ".join(f"'{k}'" for k in sorted(self._values)) or "none"
        return MissingResourceError(
            f"Resource '{key}' is not available here (available: {available}). Declare it as "
            f"a parameter annotated with its resource type (or ResourceParam[...]) or list it "
            f"in required_resource_keys, and provide it in Definitions(resources={{...}})."
        )

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise self._missing(name) from None

    def __getitem__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise self._missing(key) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise HeadwaterError(
            f"context.resources is read-only; cannot set '{name}'. Provide resources through "
            "Definitions(resources={...})."
        )

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __dir__(self) -> Iterable[str]:
        return [*super().__dir__(), *self._values]

    def _asdict(self) -> dict[str, Any]:
        """The resources as a new dict, keyed by resource key."""
        return dict(self._values)

    def __repr__(self) -> str:
        return f"Resources({sorted(self._values)!r})"


class InitResourceContext:
    """What a resource function receives when a run initialises its resource.

    Attributes:
        resource_config: the resource's validated config (a dict for structured schemas,
            the value itself for a single-type schema, ``None`` without a schema).
        resources: the resources this one depends on (its ``required_resource_keys``).
        log: a logger for messages about the resource.
        instance: the headwater instance of the run, or ``None`` outside a run.
        run_id: the id of the run, or ``None`` outside a run.
    """

    __slots__ = ("resource_config", "resources", "log", "instance", "run_id", "resource_def")

    def __init__(
        self,
        resource_config: Any = None,
        resources: Resources | Mapping[str, Any] | None = None,
        log: logging.Logger | None = None,
        instance: Any = None,
        run_id: str | None = None,
        resource_def: ResourceDefinition | None = None,
    ) -> None:
        self.resource_config = resource_config
        self.resources = resources if isinstance(resources, Resources) else Resources(resources)
        self.log = log or _LOG
        self.instance = instance
        self.run_id = run_id
        self.resource_def = resource_def

    @property
    def log_manager(self) -> logging.Logger:
        """Alias of ``log``."""
        return self.log

    def __repr__(self) -> str:
        return f"InitResourceContext(run_id={self.run_id!r}, resources={self.resources!r})"


def build_init_resource_context(
    config: Any = None,
    resources: Mapping[str, Any] | None = None,
    instance: Any = None,
    run_id: str | None = None,
) -> InitResourceContext:
    """Build an ``InitResourceContext`` for calling a resource function in a test.

    Args:
        config: the value ``context.resource_config`` should hold.
        resources: dependency values by key; they are used as given.
        instance: the value of ``context.instance``.
        run_id: the value of ``context.run_id``.
    """
    return InitResourceContext(
        resource_config=config, resources=resources, instance=instance, run_id=run_id
    )


def _takes_context(fn: Callable[..., Any], what: str) -> bool:
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):  # builtins without a signature: assume (context)
        return True
    positional = [
        p
        for p in params
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty
    ]
    if len(positional) > 1:
        names = ", ".join(p.name for p in positional)
        raise InvalidDefinitionError(
            f"{what} takes parameters ({names}); a resource function takes at most one, the "
            "init context (e.g. `def my_resource(context): ...`)."
        )
    return bool(positional) or any(p.kind is p.VAR_POSITIONAL for p in params)


class ResourceDefinition:
    """A resource built by a function each run: ``ResourceDefinition(resource_fn, ...)``.

    ``resource_fn`` receives an ``InitResourceContext`` (or nothing, if it takes no
    parameter) and returns the resource value; a generator function yields the value once and
    runs the code after its ``yield`` as teardown when the run ends, even a failed run.

    Args:
        resource_fn: builds the resource value.
        config_schema: a ``Config`` class, a dict of field name to type (or ``(type,
            default)``), or a single type; validated run config arrives as
            ``context.resource_config``.
        description: shown in the UI.
        required_resource_keys: keys of other resources this one uses, available as
            ``context.resources``.
        version: an optional version string.
    """

    __headwater_deferred__: ClassVar[bool] = True

    if TYPE_CHECKING:
        # Declared for type checkers only: pydantic subclasses (ConfigurableResource) would
        # otherwise collect these annotations as fields, and user fields with these names
        # would warn that they shadow a parent attribute.
        resource_fn: Callable[..., Any]
        config_schema: Any
        description: str | None
        required_resource_keys: frozenset[str]
        version: str | None

    def __init__(
        self,
        resource_fn: Callable[..., Any],
        config_schema: Any = None,
        description: str | None = None,
        required_resource_keys: Iterable[str] | None = None,
        version: str | None = None,
    ) -> None:
        if not callable(resource_fn):
            raise InvalidDefinitionError(
                f"ResourceDefinition needs a callable resource_fn; got {resource_fn!r}. Use "
                "ResourceDefinition.hardcoded_resource(value) to provide a fixed value."
            )
        if isinstance(required_resource_keys, str):
            raise InvalidDefinitionError(
                f"required_resource_keys must be a set of keys, not the string "
                f"{required_resource_keys!r}; write {{{required_resource_keys!r}}}."
            )
        name = getattr(resource_fn, "__name__", repr(resource_fn))
        self._takes_context = _takes_context(resource_fn, f"Resource function '{name}'")
        self.resource_fn = resource_fn
        self.config_schema = config_schema
        self.description = description
        self.required_resource_keys = frozenset(required_resource_keys or ())
        self.version = version

    def __call__(self, context: InitResourceContext | None = None) -> Any:
        """Call the resource function directly (in a test); a generator is returned as is."""
        if not self._takes_context:
            return self.resource_fn()
        return self.resource_fn(context if context is not None else InitResourceContext())

    @staticmethod
    def hardcoded_resource(value: Any, description: str | None = None) -> ResourceDefinition:
        """A resource that is always ``value``."""
        return ResourceDefinition(lambda: value, description=description)

    @staticmethod
    def none_resource(description: str | None = None) -> ResourceDefinition:
        """A resource whose value is ``None``, e.g. to stub out an unused dependency."""
        return ResourceDefinition.hardcoded_resource(None, description)

    @staticmethod
    def mock_resource(description: str | None = None) -> ResourceDefinition:
        """A resource whose value is a new ``unittest.mock.MagicMock`` each run."""
        from unittest import mock

        return ResourceDefinition(lambda: mock.MagicMock(), description=description)

    @staticmethod
    def string_resource(description: str | None = None) -> ResourceDefinition:
        """A resource whose value is its (string) config."""
        return ResourceDefinition(
            lambda context: context.resource_config, config_schema=str, description=description
        )

    def configured(self, config_or_fn: Any, config_schema: Any = None) -> ResourceDefinition:
        """A copy whose config is fixed (a dict) or derived from ``config_schema`` by a function."""
        from headwater.definitions.config.config_mapping import configured

        result: ResourceDefinition = configured(self, config_schema)(config_or_fn)
        return result

    def __repr__(self) -> str:
        name = getattr(self.resource_fn, "__name__", "resource")
        return f"{type(self).__name__}({name})"


ResourceFunction = Callable[..., Any]


@overload
def resource(config_schema: ResourceFunction) -> ResourceDefinition: ...


@overload
def resource(
    config_schema: Any = None,
    description: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
    version: str | None = None,
) -> Callable[[ResourceFunction], ResourceDefinition]: ...


def resource(
    config_schema: Any = None,
    description: str | None = None,
    required_resource_keys: Iterable[str] | None = None,
    version: str | None = None,
) -> ResourceDefinition | Callable[[ResourceFunction], ResourceDefinition]:
    """Turn a function ``(init_context) -> value`` into a ``ResourceDefinition``.

    Use it bare (``@resource``) or with arguments
    (``@resource(config_schema={"url": str}, required_resource_keys={"creds"})``). A generator
    function yields the value; the code after the ``yield`` is its teardown and runs when the
    run ends, whether the run succeeded or not. The docstring is the default description.
    """
    if _is_plain_function(config_schema):
        return _make_resource(config_schema, None, None, None, None)

    def decorator(fn: ResourceFunction) -> ResourceDefinition:
        return _make_resource(fn, config_schema, description, required_resource_keys, version)

    return decorator


def _is_plain_function(value: Any) -> bool:
    return inspect.isfunction(value) or inspect.ismethod(value)


def _make_resource(
    fn: ResourceFunction,
    config_schema: Any,
    description: str | None,
    required_resource_keys: Iterable[str] | None,
    version: str | None,
) -> ResourceDefinition:
    return ResourceDefinition(
        fn,
        config_schema=config_schema,
        description=description or inspect.getdoc(fn),
        required_resource_keys=required_resource_keys,
        version=version,
    )


_PYTHONIC_CONFIG = "headwater.definitions.config.pythonic"


def is_config_class(annotation: Any) -> bool:
    """Whether ``annotation`` is a ``Config`` subclass; never imports pydantic."""
    if not isinstance(annotation, type) or _PYTHONIC_CONFIG not in sys.modules:
        return False
    from headwater.definitions.config.pythonic import Config

    return issubclass(annotation, Config)


def is_resource_annotation(annotation: Any) -> bool:
    """Whether a parameter annotated ``annotation`` receives a resource.

    True for ``ResourceParam[...]``, and for subclasses of ``ResourceDefinition`` (which
    include ``ConfigurableResource``) and ``IOManager``. Never imports pydantic.
    """
    metadata = getattr(annotation, "__metadata__", None)
    if metadata is not None:
        return any(item is RESOURCE_PARAM_MARKER for item in metadata)
    if not isinstance(annotation, type):
        return False
    if issubclass(annotation, ResourceDefinition):
        return True
    if getattr(annotation, "headwater_resource_param", False) is True:
        return True  # e.g. Pipes clients: plain classes used as resources
    if "headwater.definitions.config.io_managers" in sys.modules:
        from headwater.definitions.config.io_managers import IOManager

        return issubclass(annotation, IOManager)
    return False
