"""Graphs: ops wired together by a composition function, and the ``@graph`` decorator."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Union, overload

from headwater.definitions.ops.composition import (
    GraphInputRef,
    NodeInvocation,
    OutputHandle,
    composing,
)
from headwater.definitions.ops.op_definition import DEFAULT_OUTPUT, OpDefinition, Out, check_name
from headwater.errors import CycleError, InvalidDefinitionError

if TYPE_CHECKING:
    from headwater.definitions.ops.jobs import JobDefinition


class GraphOut:
    """Describes an output of a graph (``@graph(out={"a": GraphOut(), ...})``)."""

    def __init__(self, description: str | None = None) -> None:
        self.description = description


#: ``out=`` of ``@graph``: one ``GraphOut``, or outputs by name (``Out`` is accepted too).
GraphOuts = Union[GraphOut, Out, Mapping[str, Union[GraphOut, Out]], None]


class GraphDefinition:
    """A set of op (or graph) invocations and the dependencies between them."""

    kind = "graph"

    def __init__(
        self,
        name: str,
        invocations: Mapping[str, NodeInvocation] | None = None,
        input_names: Sequence[str] = (),
        output_mappings: Mapping[str, OutputHandle] | Sequence[Any] | None = None,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
        config: Any = None,
        *,
        node_defs: Sequence[Any] | None = None,
        dependencies: Mapping[Any, Mapping[str, Any]] | None = None,
        input_mappings: Sequence[Any] | None = None,
    ) -> None:
        """Either ``invocations`` (what ``@graph`` records), or Dagster's older form:
        ``node_defs`` wired by ``dependencies``, with ``input_mappings`` and
        ``output_mappings`` (lists of ``InputMapping``/``OutputMapping``)."""
        check_name(name, "graph")
        if invocations is None:
            from headwater.definitions.ops.dependencies import build_invocations

            invocations, input_names = build_invocations(
                name, list(node_defs or ()), dependencies, input_mappings
            )
        if output_mappings is not None and not isinstance(output_mappings, Mapping):
            from headwater.definitions.ops.dependencies import output_handles

            output_mappings = output_handles(name, list(output_mappings), invocations)
        self.name = name
        self.invocations = dict(invocations)
        self.input_names = list(input_names)
        self.output_mappings = dict(output_mappings or {})
        self.description = description
        self.tags = dict(tags or {})
        self.config = config
        from headwater.definitions.ops.dynamic import DynamicOutputHandle

        #: Outputs mapped from dynamic outputs of the graph's ops (callers get dynamic handles).
        self.dynamic_output_names = [
            name for name, handle in self.output_mappings.items()
            if isinstance(handle, DynamicOutputHandle)
        ]
        self._check_acyclic()

    @property
    def describe(self) -> str:
        """``graph 'name'``."""
        return f"graph '{self.name}'"

    @property
    def positional_input_names(self) -> list[str]:
        """Inputs in call order."""
        return self.input_names

    @property
    def all_input_names(self) -> list[str]:
        """Every input name."""
        return self.input_names

    @property
    def output_names(self) -> list[str]:
        """Outputs in declaration order."""
        return list(self.output_mappings) or [DEFAULT_OUTPUT]

    def has_output(self, name: str) -> bool:
        """Whether the graph has an output named ``name``."""
        return name in self.output_mappings

    def resolve_output(self, name: str) -> tuple[str, OpDefinition, str]:
        """(dotted op handle, op, op output name) that the graph output ``name`` maps to."""
        handle = self.output_mappings.get(name)
        if handle is None:
            raise InvalidDefinitionError(
                f"{self.describe} has no output '{name}'. Its outputs: "
                f"{', '.join(self.output_mappings) or 'none'}."
            )
        definition = self.invocations[handle.node_name].definition
        if isinstance(definition, GraphDefinition):
            inner, op_def, output = definition.resolve_output(handle.output_name)
            return f"{handle.node_name}.{inner}", op_def, output
        return handle.node_name, definition, handle.output_name

    def output_def(self, name: str) -> Any:
        """The definition of the op output that the graph output ``name`` maps to."""
        _, op_def, output = self.resolve_output(name)
        return op_def.output_def(output)

    @property
    def required_resource_keys(self) -> frozenset[str]:
        """Resource keys needed by the graph's ops."""
        ops = self.iter_ops()
        return frozenset(k for _, op_def, _ in ops for k in op_def.required_resource_keys)

    @property
    def io_manager_keys(self) -> frozenset[str]:
        """IO manager keys used by the graph's ops."""
        return frozenset(k for _, op_def, _ in self.iter_ops() for k in op_def.io_manager_keys)

    def iter_ops(self, prefix: str = "") -> list[tuple[str, OpDefinition, NodeInvocation]]:
        """Every op in this graph, nested graphs flattened, with its dotted handle."""
        found: list[tuple[str, OpDefinition, NodeInvocation]] = []
        for name, invocation in self.invocations.items():
            handle = f"{prefix}{name}"
            definition = invocation.definition
            if isinstance(definition, GraphDefinition):
                found.extend(definition.iter_ops(prefix=f"{handle}."))
            else:
                found.append((handle, definition, invocation))
        return found

    def direct_invoke(self, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        """Graphs cannot be called outside another graph."""
        raise InvalidDefinitionError(
            f"{self.describe} was called outside a graph body. To run it, turn it into a job "
            "with .to_job() and call execute_in_process()."
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from headwater.definitions.ops.composition import invoke_node

        return invoke_node(self, self.name, args, kwargs)

    def alias(self, name: str) -> Any:
        """Use this graph under another name inside a graph."""
        from headwater.definitions.ops.composition import PendingInvocation

        return PendingInvocation(self, alias=name)

    def to_job(
        self,
        name: str | None = None,
        description: str | None = None,
        resource_defs: Mapping[str, object] | None = None,
        config: Any = None,
        tags: Mapping[str, str] | None = None,
        executor_def: Any = None,
        partitions_def: Any = None,
        op_retry_policy: Any = None,
        metadata: Mapping[str, Any] | None = None,
        hooks: Any = None,
        run_tags: Mapping[str, str] | None = None,
        logger_defs: Mapping[str, Any] | None = None,
    ) -> JobDefinition:
        """A job that runs this graph (``run_tags``: see :func:`headwater.job`)."""
        from headwater.definitions.ops.jobs import JobDefinition

        return JobDefinition(
            name=name or self.name,
            graph=self,
            description=description or self.description,
            resource_defs=resource_defs,
            config=config,
            tags=tags,
            executor_def=executor_def,
            partitions_def=partitions_def,
            op_retry_policy=op_retry_policy,
            metadata=metadata,
            hooks=hooks,
            run_tags=run_tags,
            logger_defs=logger_defs,
        )

    def execute_in_process(
        self,
        run_config: Any = None,
        instance: Any = None,
        resources: Mapping[str, object] | None = None,
        raise_on_error: bool = True,
        op_selection: Any = None,
        run_id: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> Any:
        """Run this graph as a one-off job in this process (outputs kept in memory)."""
        return self.to_job(resource_defs=resources).execute_in_process(
            run_config=run_config,
            instance=instance,
            raise_on_error=raise_on_error,
            op_selection=op_selection,
            run_id=run_id,
            tags=tags,
        )

    def _check_acyclic(self) -> None:
        state: dict[str, int] = {}

        def visit(name: str, path: list[str]) -> None:
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                cycle = path[path.index(name) :] + [name]
                raise CycleError(f"{self.describe} has a cycle: {' -> '.join(cycle)}.")
            state[name] = 1
            for source in self.invocations[name].inputs.values():
                for item in source if isinstance(source, tuple) else (source,):
                    handle = getattr(item, "source", item)  # a collected output's source
                    if isinstance(handle, OutputHandle):
                        visit(handle.node_name, [*path, name])
            state[name] = 2

        for name in self.invocations:
            visit(name, [])

    def __repr__(self) -> str:
        return f"<GraphDefinition {self.name}>"


def compose_graph(
    fn: Callable[..., Any],
    name: str,
    out: GraphOuts = None,
    what: str = "graph",
) -> tuple[dict[str, NodeInvocation], list[str], dict[str, OutputHandle]]:
    """Run a composition function, returning its invocations, inputs and output mappings."""
    input_names = list(inspect.signature(fn).parameters)
    outs: Mapping[str, Any] | None = (
        {DEFAULT_OUTPUT: out} if isinstance(out, (GraphOut, Out)) else out
    )
    with composing(name) as builder:
        returned = fn(*(GraphInputRef(param) for param in input_names))
    return builder.invocations, input_names, _output_mappings(returned, outs, f"{what} '{name}'")


def _output_mappings(
    returned: Any, out: Mapping[str, Any] | None, where: str
) -> dict[str, OutputHandle]:
    if returned is None:
        return {}
    if isinstance(returned, OutputHandle):
        return {next(iter(out)) if out else DEFAULT_OUTPUT: returned}
    if isinstance(returned, dict):
        return {str(key): _handle(value, where) for key, value in returned.items()}
    if isinstance(returned, tuple):
        names = list(out or {}) or list(getattr(returned, "_fields", ()))
        if len(names) != len(returned):
            raise InvalidDefinitionError(
                f"{where} returns {len(returned)} outputs; name them with out={{...}}."
            )
        return {
            name: _handle(value, where) for name, value in zip(names, returned, strict=True)
        }
    raise InvalidDefinitionError(
        f"{where} returned {returned!r}; a graph body must return op outputs (or a dict of them)."
    )


def _handle(value: Any, where: str) -> OutputHandle:
    if not isinstance(value, OutputHandle):
        raise InvalidDefinitionError(f"{where} returned {value!r} where an op output was expected.")
    return value


@overload
def graph(fn: Callable[..., Any]) -> GraphDefinition: ...


@overload
def graph(
    fn: None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    out: GraphOuts = None,
    tags: Mapping[str, str] | None = None,
    config: Any = None,
) -> Callable[[Callable[..., Any]], GraphDefinition]: ...


def graph(
    fn: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    out: GraphOuts = None,
    tags: Mapping[str, str] | None = None,
    config: Any = None,
) -> GraphDefinition | Callable[[Callable[..., Any]], GraphDefinition]:
    """Define a graph: the function's body calls ops, wiring outputs to inputs."""

    def decorate(func: Callable[..., Any]) -> GraphDefinition:
        graph_name = name or func.__name__
        invocations, inputs, outputs = compose_graph(func, graph_name, out)
        return GraphDefinition(
            graph_name,
            invocations,
            inputs,
            outputs,
            description=description or inspect.getdoc(func),
            tags=tags,
            config=config,
        )

    return decorate(fn) if fn is not None else decorate
