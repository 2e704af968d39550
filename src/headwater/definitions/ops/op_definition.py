"""Ops: the unit of computation, with named inputs and outputs, and the ``@op`` decorator."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from headwater.definitions.asset_graph.keys import AssetKey, CoercibleToAssetKey
from headwater.definitions.ops.params import NO_VALUE, FunctionParams, read_params, returns_nothing
from headwater.definitions.ops.retries import RetryPolicy
from headwater.errors import InvalidDefinitionError


class Nothing:
    """Type of an input or output that carries no value: it only orders steps."""


DEFAULT_OUTPUT = "result"


class In:
    """Describes an op input: its type, default, description and metadata."""

    def __init__(
        self,
        dagster_type: Any = None,
        description: str | None = None,
        default_value: Any = NO_VALUE,
        metadata: Mapping[str, Any] | None = None,
        asset_key: CoercibleToAssetKey | None = None,
        input_manager_key: str | None = None,
    ) -> None:
        self.dagster_type = dagster_type
        self.description = description
        self.default_value = default_value
        self.metadata = dict(metadata or {})
        self.asset_key = AssetKey.from_coercible(asset_key) if asset_key is not None else None
        self.input_manager_key = input_manager_key


class Out:
    """Describes an op output: its type, whether it is required and which IO manager stores it."""

    is_dynamic = False

    def __init__(
        self,
        dagster_type: Any = None,
        description: str | None = None,
        is_required: bool = True,
        io_manager_key: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        code_version: str | None = None,
    ) -> None:
        self.dagster_type = dagster_type
        self.description = description
        self.is_required = is_required
        self.io_manager_key = io_manager_key
        self.metadata = dict(metadata or {})
        self.code_version = code_version


class DynamicOut(Out):
    """An output yielding any number of ``DynamicOutput`` values, each fanned out downstream."""

    is_dynamic = True


@dataclass(slots=True)
class InputDef:
    """A resolved input of an op."""

    name: str
    annotation: Any = None
    default_value: Any = NO_VALUE
    description: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    #: True for inputs that only order execution (``Nothing`` typed, or asset ``deps``).
    is_nothing: bool = False
    #: True when the compute function has a parameter for this input.
    in_signature: bool = True
    input_manager_key: str | None = None

    @property
    def has_default(self) -> bool:
        """Whether the input may be left unconnected."""
        return self.default_value is not NO_VALUE


@dataclass(slots=True)
class OutputDef:
    """A resolved output of an op."""

    name: str = DEFAULT_OUTPUT
    annotation: Any = None
    is_required: bool = True
    io_manager_key: str = "io_manager"
    metadata: Mapping[str, Any] = field(default_factory=dict)
    description: str | None = None
    is_dynamic: bool = False
    code_version: str | None = None
    #: True when the output is not stored (``-> None``, ``Nothing``, ``MaterializeResult``).
    is_nothing: bool = False


class OpDefinition:
    """A compute function with named inputs, outputs, config and required resources."""

    def __init__(
        self,
        *,
        name: str,
        compute_fn: Callable[..., Any],
        params: FunctionParams,
        input_defs: Sequence[InputDef],
        output_defs: Sequence[OutputDef],
        config_schema: Any = None,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
        required_resource_keys: Sequence[str] = (),
        retry_policy: RetryPolicy | None = None,
        code_version: str | None = None,
        pool: str | None = None,
        kind: str = "op",
    ) -> None:
        check_name(name, kind)
        self.name = name
        self.compute_fn = compute_fn
        self.params = params
        self.input_defs = list(input_defs)
        self.output_defs = list(output_defs)
        self.config_schema = config_schema
        self.description = description
        self.tags = dict(tags or {})
        self.required_resource_keys = frozenset(required_resource_keys) | frozenset(
            params.resources
        )
        self.retry_policy = retry_policy
        self.code_version = code_version
        self.pool = pool
        #: "op", "asset" or "asset_check": what the user wrote, for messages.
        self.kind = kind
        self._inputs = {d.name: d for d in self.input_defs}
        self._outputs = {d.name: d for d in self.output_defs}

    def input_def(self, name: str) -> InputDef:
        """The input named ``name``."""
        return self._inputs[name]

    def output_def(self, name: str) -> OutputDef:
        """The output named ``name``."""
        return self._outputs[name]

    def has_output(self, name: str) -> bool:
        """Whether the op has an output named ``name``."""
        return name in self._outputs

    @property
    def io_manager_keys(self) -> frozenset[str]:
        """IO manager keys used by this op's stored outputs and its inputs' managers."""
        keys = {d.io_manager_key for d in self.output_defs if not d.is_nothing}
        keys |= {d.input_manager_key for d in self.input_defs if d.input_manager_key}
        return frozenset(keys)

    @property
    def describe(self) -> str:
        """``op 'name'`` — how messages name this definition."""
        return f"{self.kind} '{self.name}'"

    @property
    def positional_input_names(self) -> list[str]:
        """Inputs that can be passed positionally, in parameter order."""
        return [d.name for d in self.input_defs if d.in_signature]

    @property
    def all_input_names(self) -> list[str]:
        """Every input name, ``Nothing`` inputs included."""
        return [d.name for d in self.input_defs]

    @property
    def output_names(self) -> list[str]:
        """Outputs in declaration order."""
        return [d.name for d in self.output_defs]

    def direct_invoke(self, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        """Run the compute function right away (outside any graph), as in a unit test."""
        from headwater.definitions.ops.direct_invocation import invoke_compute_fn

        return invoke_compute_fn(self, args, kwargs)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from headwater.definitions.ops.composition import invoke_node

        return invoke_node(self, self.name, args, kwargs)

    def with_config_schema(
        self, config_schema: Any, name: str | None = None, description: str | None = None
    ) -> OpDefinition:
        """A copy with another config schema (and name): what ``configured(op)`` builds."""
        clone = copy.copy(self)
        clone.__dict__.pop("_headwater_schema_field", None)
        if name is not None:
            check_name(name, self.kind)
            clone.name = name
        clone.config_schema = config_schema
        clone.description = description or self.description
        return clone

    def configured(self, config_or_fn: Any, name: str, config_schema: Any = None) -> Any:
        """A copy named ``name`` whose config is fixed (or derived); see ``configured``."""
        from headwater.definitions.config.config_mapping import configured

        return configured(self, config_schema, name=name)(config_or_fn)

    def alias(self, name: str) -> Any:
        """Use this op under another name inside a graph."""
        from headwater.definitions.ops.composition import PendingInvocation

        return PendingInvocation(self, alias=name)

    def tag(self, tags: Mapping[str, str]) -> Any:
        """Use this op with extra tags inside a graph."""
        from headwater.definitions.ops.composition import PendingInvocation

        return PendingInvocation(self, tags=dict(tags))

    def with_hooks(self, hook_defs: Any) -> Any:
        """Use this op with hooks inside a graph (run after its step succeeds or fails)."""
        from headwater.definitions.ops.composition import PendingInvocation
        from headwater.definitions.ops.hooks import hook_set

        return PendingInvocation(self, hooks=hook_set(hook_defs))

    def with_retry_policy(self, retry_policy: RetryPolicy) -> Any:
        """Use this op with a retry policy inside a graph."""
        from headwater.definitions.ops.composition import PendingInvocation

        return PendingInvocation(self, retry_policy=retry_policy)

    def __repr__(self) -> str:
        return f"<OpDefinition {self.name}>"


def check_name(name: str, kind: str) -> None:
    """Raise unless ``name`` is made of letters, digits and underscores."""
    if not name or not all(ch.isalnum() or ch == "_" for ch in name):
        raise InvalidDefinitionError(
            f"Invalid {kind} name {name!r}: use letters, digits and underscores only."
        )


def build_input_defs(
    params: FunctionParams, ins: Mapping[str, In] | None, what: str
) -> list[InputDef]:
    """Input definitions from the function's data parameters and explicit ``ins``."""
    ins = dict(ins or {})
    defs: list[InputDef] = []
    for param in params.inputs:
        spec = ins.pop(param.name, None)
        default = param.default
        if spec is not None and spec.default_value is not NO_VALUE:
            default = spec.default_value
        annotation = param.annotation
        if spec is not None and spec.dagster_type:
            annotation = spec.dagster_type
        defs.append(
            InputDef(
                name=param.name,
                annotation=annotation,
                default_value=default,
                description=spec.description if spec else None,
                metadata=spec.metadata if spec else {},
                is_nothing=annotation is Nothing,
                input_manager_key=spec.input_manager_key if spec else None,
            )
        )
    for name, spec in ins.items():
        if spec.dagster_type is not Nothing:
            raise InvalidDefinitionError(
                f"{what} declares input '{name}' in ins=, but its function has no parameter "
                f"'{name}'. Add the parameter, or make the input In(Nothing) to only order steps."
            )
        defs.append(InputDef(name=name, annotation=Nothing, is_nothing=True, in_signature=False))
    return defs


def build_output_defs(
    out: Out | Mapping[str, Out] | None, return_annotation: Any
) -> list[OutputDef]:
    """Output definitions from ``out=`` (one Out or a dict of them) and the return annotation."""
    if out is None or isinstance(out, Out):
        spec = out or Out()
        nothing = spec.dagster_type is Nothing or (
            out is None and returns_nothing(return_annotation)
        )
        return [_output_def(DEFAULT_OUTPUT, spec, return_annotation, nothing)]
    return [
        _output_def(name, spec, None, spec.dagster_type is Nothing) for name, spec in out.items()
    ]


def _output_def(name: str, spec: Out, annotation: Any, nothing: bool) -> OutputDef:
    return OutputDef(
        name=name,
        annotation=spec.dagster_type or annotation,
        is_required=spec.is_required,
        io_manager_key=spec.io_manager_key or "io_manager",
        metadata=spec.metadata,
        description=spec.description,
        is_dynamic=spec.is_dynamic,
        code_version=spec.code_version,
        is_nothing=nothing,
    )


@overload
def op(fn: Callable[..., Any]) -> OpDefinition: ...


@overload
def op(
    fn: None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    ins: Mapping[str, In] | None = None,
    out: Out | Mapping[str, Out] | None = None,
    config_schema: Any = None,
    required_resource_keys: Sequence[str] | None = None,
    tags: Mapping[str, str] | None = None,
    retry_policy: RetryPolicy | None = None,
    code_version: str | None = None,
    pool: str | None = None,
) -> Callable[[Callable[..., Any]], OpDefinition]: ...


def op(
    fn: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    description: str | None = None,
    ins: Mapping[str, In] | None = None,
    out: Out | Mapping[str, Out] | None = None,
    config_schema: Any = None,
    required_resource_keys: Sequence[str] | None = None,
    tags: Mapping[str, str] | None = None,
    retry_policy: RetryPolicy | None = None,
    code_version: str | None = None,
    pool: str | None = None,
) -> OpDefinition | Callable[[Callable[..., Any]], OpDefinition]:
    """Define an op from a function; inputs come from its parameters.

    Use bare (``@op``) or with arguments (``@op(out={"a": Out(), "b": Out()})``).
    """

    def decorate(func: Callable[..., Any]) -> OpDefinition:
        op_name = name or func.__name__
        what = f"op '{op_name}'"
        params = read_params(func, what)
        return OpDefinition(
            name=op_name,
            compute_fn=func,
            params=params,
            input_defs=build_input_defs(params, ins, what),
            output_defs=build_output_defs(out, params.return_annotation),
            config_schema=params.config_class or config_schema,
            description=description or _doc(func),
            tags=tags,
            required_resource_keys=list(required_resource_keys or ()),
            retry_policy=retry_policy,
            code_version=code_version,
            pool=pool,
        )

    return decorate(fn) if fn is not None else decorate


def _doc(func: Callable[..., Any]) -> str | None:
    import inspect

    return inspect.getdoc(func)
