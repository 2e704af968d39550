"""Recording op calls inside ``@graph`` and ``@job`` bodies into a dependency structure.

Calling an op inside a graph body does not run it: it records an invocation and returns
handles to its outputs, which later calls take as inputs. Outside a graph body, calling an
op or asset runs its function directly (handy in unit tests).
"""

from __future__ import annotations

import threading
from collections import namedtuple
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Union

from headwater.definitions.ops.retries import RetryPolicy
from headwater.errors import InvalidDefinitionError

if TYPE_CHECKING:
    from headwater.definitions.ops.graphs import GraphDefinition
    from headwater.definitions.ops.op_definition import OpDefinition

    NodeDefinition = Union[OpDefinition, GraphDefinition]


@dataclass(frozen=True)
class OutputHandle:
    """Refers to one output of a node invoked in a graph body."""

    node_name: str
    output_name: str


@dataclass(frozen=True)
class GraphInputRef:
    """Refers to an input of the graph being composed."""

    name: str


#: Where an input comes from: an output, a graph input, a collected dynamic output
#: (``CollectedHandle``), or a tuple of those (fan-in).
InputSource = Any


@dataclass
class NodeInvocation:
    """One use of an op or graph in a graph, with where each of its inputs comes from."""

    name: str
    definition: NodeDefinition
    inputs: dict[str, InputSource] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    retry_policy: RetryPolicy | None = None
    #: Hooks attached to this use of the node (``op.with_hooks({...})``).
    hooks: tuple[Any, ...] = ()


class _Builder:
    def __init__(self, graph_name: str) -> None:
        self.graph_name = graph_name
        self.invocations: dict[str, NodeInvocation] = {}
        #: How many ``.map()`` calls are being recorded (ops called then are mapped).
        self.mapping = 0

    def unique_name(self, name: str, explicit: bool) -> str:
        if name not in self.invocations:
            return name
        if explicit:
            raise InvalidDefinitionError(
                f"Graph '{self.graph_name}' uses the alias '{name}' twice; aliases must be unique."
            )
        index = 2
        while f"{name}_{index}" in self.invocations:
            index += 1
        return f"{name}_{index}"


_local = threading.local()


def _stack() -> list[_Builder]:
    stack: list[_Builder] | None = getattr(_local, "stack", None)
    if stack is None:
        stack = []
        _local.stack = stack
    return stack


class composing:
    """Context manager active while a graph body runs; collects invocations."""

    def __init__(self, graph_name: str) -> None:
        self.builder = _Builder(graph_name)

    def __enter__(self) -> _Builder:
        _stack().append(self.builder)
        return self.builder

    def __exit__(self, *exc: object) -> None:
        _stack().pop()


def current_builder(what: str) -> _Builder:
    """The builder of the graph body being recorded; raises outside a graph body."""
    stack = _stack()
    if not stack:
        raise InvalidDefinitionError(
            f"{what} was called outside a graph body; use it inside @graph or @job."
        )
    return stack[-1]


def is_composing() -> bool:
    """Whether a graph body is being recorded on this thread."""
    return bool(_stack())


class PendingInvocation:
    """An op or graph with an alias, tags or retry policy, waiting to be called in a graph."""

    def __init__(
        self,
        definition: NodeDefinition,
        alias: str | None = None,
        tags: Mapping[str, str] | None = None,
        retry_policy: RetryPolicy | None = None,
        hooks: Any = (),
    ) -> None:
        self.definition = definition
        self.alias_name = alias
        self.tags = dict(tags or {})
        self.retry_policy = retry_policy
        self.hooks = tuple(hooks or ())

    def alias(self, name: str) -> PendingInvocation:
        """Another name for this use."""
        return PendingInvocation(self.definition, name, self.tags, self.retry_policy, self.hooks)

    def tag(self, tags: Mapping[str, str]) -> PendingInvocation:
        """Extra tags for this use."""
        return PendingInvocation(
            self.definition, self.alias_name, {**self.tags, **tags}, self.retry_policy,
            self.hooks,
        )

    def with_retry_policy(self, retry_policy: RetryPolicy) -> PendingInvocation:
        """A retry policy for this use."""
        return PendingInvocation(self.definition, self.alias_name, self.tags, retry_policy,
                                 self.hooks)

    def with_hooks(self, hook_defs: Any) -> PendingInvocation:
        """Hooks for this use (run after its step succeeds or fails)."""
        from headwater.definitions.ops.hooks import hook_set

        return PendingInvocation(self.definition, self.alias_name, self.tags, self.retry_policy,
                                 (*self.hooks, *hook_set(hook_defs)))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return invoke_node(
            self.definition,
            self.alias_name or self.definition.name,
            args,
            kwargs,
            explicit_name=self.alias_name is not None,
            tags=self.tags,
            retry_policy=self.retry_policy,
            hooks=self.hooks,
        )


def invoke_node(
    definition: NodeDefinition,
    name: str,
    args: Sequence[Any],
    kwargs: Mapping[str, Any],
    *,
    explicit_name: bool = False,
    tags: Mapping[str, str] | None = None,
    retry_policy: RetryPolicy | None = None,
    hooks: tuple[Any, ...] = (),
) -> Any:
    """Record a call inside a graph body, or run the definition directly outside one."""
    stack = _stack()
    if not stack:
        return definition.direct_invoke(args, kwargs)
    builder = stack[-1]
    node_name = builder.unique_name(name, explicit_name)
    input_names = definition.positional_input_names
    where = f"{definition.describe} in graph '{builder.graph_name}'"
    if len(args) > len(input_names):
        raise InvalidDefinitionError(
            f"{where} was called with {len(args)} positional inputs but takes "
            f"{len(input_names)}: {', '.join(input_names) or 'none'}."
        )
    bound: dict[str, Any] = dict(zip(input_names, args, strict=False))
    for key, value in kwargs.items():
        if key in bound:
            raise InvalidDefinitionError(f"{where} got input '{key}' twice.")
        bound[key] = value
    from headwater.definitions.ops.dynamic import DynamicOutputHandle, check_dynamic_inputs

    inputs = {key: _as_source(value, key, where, definition) for key, value in bound.items()}
    mapped = check_dynamic_inputs(inputs, builder.mapping, where)
    builder.invocations[node_name] = NodeInvocation(
        node_name, definition, inputs, dict(tags or {}), retry_policy, hooks
    )
    output_names = definition.output_names
    dynamic = set(output_names) if mapped else set(_dynamic_outputs(definition))
    handles = [
        (DynamicOutputHandle if out in dynamic else OutputHandle)(node_name, out)
        for out in output_names
    ]
    if len(output_names) == 1:
        return handles[0]
    tuple_type = namedtuple(f"{definition.name}_outputs", output_names)  # type: ignore[misc]
    return tuple_type(*handles)


def _dynamic_outputs(definition: NodeDefinition) -> list[str]:
    outputs = getattr(definition, "output_defs", None)
    if outputs is not None:
        return [d.name for d in outputs if d.is_dynamic]
    return list(getattr(definition, "dynamic_output_names", ()))


def _as_source(value: Any, key: str, where: str, definition: NodeDefinition) -> InputSource:
    from headwater.definitions.ops.dynamic import CollectedHandle

    if key not in definition.all_input_names:
        raise InvalidDefinitionError(
            f"{where} has no input '{key}'. Its inputs: {', '.join(definition.all_input_names)}."
        )
    if isinstance(value, (OutputHandle, GraphInputRef, CollectedHandle)):
        return value
    if isinstance(value, (list, tuple)) and all(
        isinstance(item, (OutputHandle, GraphInputRef)) for item in value
    ):
        return tuple(value)
    raise InvalidDefinitionError(
        f"{where}: input '{key}' was given {value!r}. Inside a graph, inputs must be outputs of "
        "other ops (or graph inputs); pass constant values through config instead."
    )
