"""Initialising a run's resources, in dependency order, and tearing them down afterwards.

``initialize_resources`` accepts every kind of resource value a ``Definitions`` may hold:
``ConfigurableResource`` instances (and partial ones from ``configure_at_launch``),
``ResourceDefinition``s (including ``@resource``/``@io_manager`` results), ``IOManager``
instances and plain objects, which are used as they are.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from contextlib import ContextDecorator, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from headwater.definitions.config.resources import (
    InitResourceContext,
    ResourceDefinition,
    Resources,
)
from headwater.errors import (
    ConfigError,
    CycleError,
    HeadwaterError,
    InvalidDefinitionError,
    ResourceInitError,
    UnknownResourceError,
    user_code_boundary,
)

if TYPE_CHECKING:
    from headwater.definitions.config.configurable import (
        ConfigurableResourceFactory,
        PartialResource,
    )

_LOG = logging.getLogger("headwater.resources")
_CONFIGURABLE = "headwater.definitions.config.configurable"


@dataclass
class _Node:
    """One resource to initialise: a top-level key, or a nested resource (``parent.field``)."""

    key: str
    entry: Any
    top_level: bool
    deps: dict[str, str] = field(default_factory=dict)  # field name or key -> node key


@contextmanager
def initialize_resources(
    resource_defs: Mapping[str, object],
    *,
    required_keys: AbstractSet[str] | None = None,
    resource_run_config: Mapping[str, Any] | None = None,
    log: logging.Logger | None = None,
    run_id: str | None = None,
    instance: object | None = None,
) -> Iterator[Resources]:
    """Initialise the resources a run needs and yield them; tear them down on exit.

    Args:
        resource_defs: resource values by key, as given to ``Definitions(resources=...)``.
        required_keys: the keys the run's steps use; their dependencies are added. ``None``
            initialises every resource.
        resource_run_config: the run config's ``resources`` part: ``{key: {"config": ...}}``.
        log: logger for the resource contexts and teardown errors.
        run_id: the run's id, exposed as ``context.run_id``.
        instance: the headwater instance, exposed as ``context.instance``.

    Raises:
        UnknownResourceError: a required key, or a dependency, is not provided.
        CycleError: resources depend on each other in a cycle.
        ConfigError: resource config is invalid (``EnvVarError`` for an unset variable).
        UserCodeError: a resource function or hook raised.

    Teardown runs in reverse order of initialisation, also when initialisation or the body
    fails; a teardown error is logged and never replaces the body's exception.
    """
    logger = log or _LOG
    run_config = _check_run_config(resource_defs, resource_run_config)
    order = _plan(resource_defs, required_keys)
    values: dict[str, Any] = {}
    teardowns: list[tuple[str, Callable[[], object]]] = []
    try:
        for node in order:
            config = run_config.get(node.key) if node.top_level else None
            values[node.key] = _initialize(
                node, values, config, teardowns, logger, run_id, instance
            )
        yield Resources({n.key: values[n.key] for n in order if n.top_level})
    finally:
        _teardown(teardowns, logger)


def _check_run_config(
    resource_defs: Mapping[str, object], run_config: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The ``config`` value per key, after checking the shape of the ``resources`` section."""
    out: dict[str, Any] = {}
    for key, entry in (run_config or {}).items():
        if key not in resource_defs:
            raise ConfigError(
                f"Run config provides config for resource '{key}', which is not defined. "
                f"Defined resources: {_listing(resource_defs)}. Fix the key in the run config's "
                "'resources' section or add the resource to Definitions(resources={...})."
            )
        if entry is None:
            continue
        if not isinstance(entry, Mapping) or not set(entry) <= {"config"}:
            raise ConfigError(
                f"Run config for resource '{key}' must have the shape {{'config': {{...}}}}; "
                f"got {entry!r}."
            )
        if entry.get("config") is not None:
            out[key] = entry["config"]
    return out


def _listing(keys: Mapping[str, object] | AbstractSet[str]) -> str:
    return ", ".join(f"'{k}'" for k in sorted(keys)) or "none"


def _configurable_types() -> tuple[type[ConfigurableResourceFactory | PartialResource], ...]:
    if _CONFIGURABLE not in sys.modules:  # no resource class exists unless it was imported
        return ()
    from headwater.definitions.config.configurable import (
        ConfigurableResourceFactory,
        PartialResource,
    )

    return (ConfigurableResourceFactory, PartialResource)


def _plan(
    resource_defs: Mapping[str, object], required_keys: AbstractSet[str] | None
) -> list[_Node]:
    """Nodes in initialisation order (dependencies first), after checking keys and cycles."""
    wanted = sorted(resource_defs) if required_keys is None else sorted(required_keys)
    missing = [key for key in wanted if key not in resource_defs]
    if missing:
        raise UnknownResourceError(
            f"The run requires resource(s) {_listing(set(missing))}, which are not provided. "
            f"Provided resources: {_listing(resource_defs)}. Add them to "
            "Definitions(resources={...})."
        )
    planner = _Planner(resource_defs)
    for key in wanted:
        planner.visit(key, [])
    return planner.order


class _Planner:
    """Depth-first walk over resource dependencies, producing a topological order."""

    def __init__(self, resource_defs: Mapping[str, object]) -> None:
        self.defs = resource_defs
        self.configurable = _configurable_types()
        # Nested resources that are also top-level values are shared, not built twice.
        self.top_by_identity = {
            id(v): k for k, v in resource_defs.items() if isinstance(v, ResourceDefinition)
        }
        self.nodes: dict[str, _Node] = {}
        self.done: dict[str, bool] = {}  # False while visiting, True when finished
        self.order: list[_Node] = []

    def node(self, key: str) -> _Node:
        node = self.nodes.get(key)
        return node if node is not None else self._add(key, self.defs[key], top_level=True)

    def _add(self, key: str, entry: Any, top_level: bool) -> _Node:
        node = self.nodes[key] = _Node(key, entry, top_level)
        if isinstance(entry, self.configurable):
            for name, nested in entry.nested_resources().items():
                dep = self.top_by_identity.get(id(nested))
                if dep is None:
                    dep = f"{key}.{name}"
                    self._add(dep, nested, top_level=False)
                node.deps[name] = dep
        elif isinstance(entry, ResourceDefinition):
            for dep in sorted(entry.required_resource_keys):
                if dep not in self.defs:
                    raise UnknownResourceError(
                        f"Resource '{key}' requires resource '{dep}', which is not provided. "
                        f"Provided resources: {_listing(self.defs)}. Add '{dep}' to "
                        f"Definitions(resources={{...}}) or remove it from '{key}''s "
                        "required_resource_keys."
                    )
                node.deps[dep] = dep
        return node

    def visit(self, key: str, path: list[str]) -> None:
        if self.done.get(key) is True:
            return
        if key in self.done:
            cycle = [*path[path.index(key) :], key]
            raise CycleError(
                f"Resources depend on each other in a cycle: {' -> '.join(cycle)}. Remove one "
                "of these dependencies."
            )
        self.done[key] = False
        node = self.node(key)
        for dep in node.deps.values():
            self.visit(dep, [*path, key])
        self.done[key] = True
        self.order.append(node)


def _initialize(
    node: _Node,
    values: Mapping[str, Any],
    run_config: Any,
    teardowns: list[tuple[str, Callable[[], object]]],
    log: logging.Logger,
    run_id: str | None,
    instance: object | None,
) -> Any:
    where = f"resource '{node.key}'"
    entry = node.entry
    configurable = _configurable_types()
    if isinstance(entry, type) and issubclass(entry, ResourceDefinition):
        raise InvalidDefinitionError(
            f"Resource '{node.key}' is the class {entry.__name__}, not an instance of it; "
            f"provide {entry.__name__}(...) with its config."
        )
    if not isinstance(entry, (ResourceDefinition, *configurable)):
        if run_config is not None:
            raise ConfigError(
                f"Run config provides config for {where}, but its value ({type(entry).__name__}) "
                "takes no config. Remove it from the run config."
            )
        return entry
    deps = {dep: values[dep] for dep in node.deps.values() if not dep.startswith(f"{node.key}.")}
    if isinstance(entry, configurable):
        return _initialize_configurable(
            node, entry, values, run_config, teardowns, deps, log, run_id, instance
        )
    assert isinstance(entry, ResourceDefinition)
    config = _resource_config(entry, run_config, where, node.key)
    context = InitResourceContext(config, deps, log, instance, run_id, entry)
    with user_code_boundary(where, ResourceInitError):
        result = entry(context)
    if isinstance(result, ContextDecorator):  # a @contextmanager function, as in Dagster
        return _enter(result, node.key, where, teardowns)
    if not _is_generator(result):
        return result
    with user_code_boundary(where, ResourceInitError):
        try:
            value = next(result)
        except StopIteration:
            raise HeadwaterError(
                f"The generator of {where} returned without yielding its value; yield the "
                "resource value exactly once."
            ) from None
    teardowns.append((node.key, lambda: _finish_generator(result, where)))
    return value


def _initialize_configurable(
    node: _Node,
    entry: ConfigurableResourceFactory | PartialResource,
    values: Mapping[str, Any],
    run_config: Any,
    teardowns: list[tuple[str, Callable[[], object]]],
    deps: dict[str, Any],
    log: logging.Logger,
    run_id: str | None,
    instance: object | None,
) -> Any:
    where = f"resource '{node.key}'"
    nested = {name: values[dep] for name, dep in node.deps.items()}
    with user_code_boundary(where, ResourceInitError):
        configured = entry.resolved_for_run(where, run_config, nested)
    from headwater.definitions.config.pythonic import config_to_dict

    context = InitResourceContext(config_to_dict(configured), deps, log, instance, run_id, entry)
    configured.attach_context(context)
    with user_code_boundary(where, ResourceInitError):
        manager = configured.yield_for_execution(context)
        value = manager.__enter__()
    # The body's exception is not passed in: teardown code after the yield must run anyway.
    teardowns.append((node.key, lambda: manager.__exit__(None, None, None)))
    return value


def _resource_config(entry: ResourceDefinition, run_config: Any, where: str, key: str) -> Any:
    from headwater.definitions.config.legacy_resources import resource_config_value

    return resource_config_value(entry, run_config, where, key)


def _enter(
    manager: Any, key: str, where: str, teardowns: list[tuple[str, Callable[[], object]]]
) -> Any:
    with user_code_boundary(where):
        value = manager.__enter__()

    def exit_manager() -> None:
        with user_code_boundary(f"teardown of {where}"):
            manager.__exit__(None, None, None)

    teardowns.append((key, exit_manager))
    return value


def _is_generator(value: Any) -> bool:
    return hasattr(value, "__next__") and hasattr(value, "send") and hasattr(value, "throw")


def _finish_generator(generator: Any, where: str) -> None:
    with user_code_boundary(f"teardown of {where}"):
        try:
            next(generator)
        except StopIteration:
            return
    generator.close()
    raise HeadwaterError(
        f"The generator of {where} yielded more than once; a resource generator must yield its "
        "value exactly once (put teardown code after that yield)."
    )


def _teardown(teardowns: list[tuple[str, Callable[[], object]]], log: logging.Logger) -> None:
    for key, teardown in reversed(teardowns):
        try:
            with user_code_boundary(f"teardown of resource '{key}'"):
                teardown()
        except Exception:
            # Logged, not raised: it must not hide the body's exception, and the other
            # resources still need their teardown.
            log.exception("Teardown of resource '%s' failed", key)
