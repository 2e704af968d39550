"""@op, @graph and @job: wiring, aliases, outputs, nesting, fan-in, defaults and config."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from headwater import (
    Config,
    GraphDefinition,
    In,
    JobDefinition,
    Nothing,
    OpExecutionContext,
    Out,
    Output,
    RunConfig,
    graph,
    job,
    op,
)
from headwater.definitions.ops.graphs import GraphOut
from headwater.errors import (
    ConfigError,
    CycleError,
    InvalidDefinitionError,
    NotFoundError,
)


@op
def one() -> int:
    return 1


@op
def two() -> int:
    return 2


@op
def add(x: int, y: int) -> int:
    return x + y


@op
def double(x: int) -> int:
    return x * 2


def test_op_definition_reads_inputs_outputs_and_docstring() -> None:
    @op
    def described(context: OpExecutionContext, a: int, b: str = "x") -> str:
        """Joins things."""
        return f"{a}{b}"

    assert described.name == "described"
    assert described.description == "Joins things."
    assert described.all_input_names == ["a", "b"]
    assert described.input_def("b").default_value == "x"
    assert described.output_names == ["result"]
    assert described.params.context == "context"


def test_simple_job_wiring_and_output_for_node() -> None:
    @job
    def pipeline() -> None:
        double(add(one(), two()))

    assert isinstance(pipeline, JobDefinition)
    result = pipeline.execute_in_process()
    assert result.success
    assert result.output_for_node("add") == 3
    assert result.output_for_node("double") == 6
    assert [e.step_key for e in result.get_step_success_events()] == [
        "one",
        "two",
        "add",
        "double",
    ]
    with pytest.raises(NotFoundError, match="Outputs produced"):
        result.output_for_node("nope")


def test_same_op_twice_gets_numbered_alias_and_explicit_aliases() -> None:
    @job
    def pipeline() -> None:
        first = double(one())
        second = double(first)
        double.alias("third")(second)

    result = pipeline.execute_in_process()
    assert result.output_for_node("double") == 2
    assert result.output_for_node("double_2") == 4
    assert result.output_for_node("third") == 8


def test_duplicate_explicit_alias_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError, match="alias 'same' twice"):

        @job
        def pipeline() -> None:
            one.alias("same")()
            two.alias("same")()


def test_multiple_outputs_tuple_and_yield() -> None:
    @op(out={"low": Out(), "high": Out()})
    def split() -> tuple[int, int]:
        return 1, 10

    @op(out={"a": Out(), "b": Out(is_required=False)})
    def gen() -> Iterator[Output[int]]:
        yield Output(5, output_name="a")

    @op
    def uses_b(b: int) -> int:
        return b

    @job
    def pipeline() -> None:
        low, high = split()
        add(low, high)
        a, b = gen()
        double(a)
        uses_b(b)

    result = pipeline.execute_in_process()
    assert result.success
    assert result.output_for_node("split", "low") == 1
    assert result.output_for_node("split", "high") == 10
    assert result.output_for_node("add") == 11
    assert result.output_for_node("double") == 10
    assert result.get_skipped_step_keys() == ["uses_b"]


def test_named_outputs_are_accessible_by_attribute() -> None:
    @op(out={"left": Out(), "right": Out()})
    def split() -> tuple[int, int]:
        return 3, 4

    @job
    def pipeline() -> None:
        outs = split()
        add(x=outs.right, y=outs.left)

    assert pipeline.execute_in_process().output_for_node("add") == 7


def test_nested_graphs_have_dotted_step_keys() -> None:
    @graph
    def inner(x: int) -> Any:
        return double(x)

    @graph
    def middle(x: int) -> Any:
        return inner(inner(x))

    @job
    def pipeline() -> None:
        add(middle(one()), two())

    result = pipeline.execute_in_process()
    assert result.success
    assert result.output_for_node("middle.inner.double") == 2
    assert result.output_for_node("middle.inner_2.double") == 4
    assert result.output_for_node("add") == 6
    assert isinstance(middle, GraphDefinition)


def test_graph_to_job_and_multiple_graph_outputs() -> None:
    @graph(out={"a": Out(), "b": Out()})
    def pair() -> Any:
        return {"a": one(), "b": two()}

    @graph
    def top() -> None:
        a, b = pair()
        add(a, b)

    result = top.to_job(name="top_job", tags={"t": "1"}).execute_in_process()
    assert result.job_name == "top_job"
    assert result.output_for_node("add") == 3


def test_graph_called_outside_a_graph_is_an_error() -> None:
    @graph
    def g() -> None:
        one()

    with pytest.raises(InvalidDefinitionError, match="to_job"):
        g()


def test_fan_in_list_input() -> None:
    @op
    def total(values: list[int]) -> int:
        return sum(values)

    @job
    def pipeline() -> None:
        total([one(), two(), double(two())])

    assert pipeline.execute_in_process().output_for_node("total") == 7


def test_in_default_value_and_parameter_default() -> None:
    @op(ins={"y": In(default_value=40)})
    def plus(x: int, y: int) -> int:
        return x + y

    @op
    def greet(name: str = "world") -> str:
        return f"hello {name}"

    @job
    def pipeline() -> None:
        plus(two())
        greet()

    result = pipeline.execute_in_process()
    assert result.output_for_node("plus") == 42
    assert result.output_for_node("greet") == "hello world"


class _NoLoader:
    pass


def test_unconnected_input_without_default_is_an_error() -> None:
    @op
    def takes(x: _NoLoader) -> None:
        del x

    @job
    def pipeline() -> None:
        takes()

    result = pipeline.execute_in_process(raise_on_error=False)
    assert not result.success
    failure = [e for e in result.all_events if e.event_type.value == "RUN_FAILURE"]
    assert "input 'x' is not connected" in failure[0].message

    @job
    def from_config() -> None:
        double()  # an int input: run config must give it (ops.double.inputs.x)

    result = from_config.execute_in_process(raise_on_error=False)
    failure = [e for e in result.all_events if e.event_type.value == "RUN_FAILURE"]
    assert "ops.double.inputs.x" in failure[0].message
    assert from_config.execute_in_process(
        run_config={"ops": {"double": {"inputs": {"x": 4}}}}
    ).output_for_node("double") == 8


def test_nothing_inputs_order_steps() -> None:
    order: list[str] = []

    @op
    def first() -> None:
        order.append("first")

    @op(ins={"after": In(Nothing)})
    def second() -> None:
        order.append("second")

    @job
    def pipeline() -> None:
        second(after=first())

    assert pipeline.execute_in_process().success
    assert order == ["first", "second"]


def test_constant_passed_as_input_inside_graph_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError, match="pass constant values through config"):

        @job
        def pipeline() -> None:
            double(3)


def test_too_many_positional_inputs_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError, match="2 positional inputs but takes 1"):

        @job
        def pipeline() -> None:
            double(one(), two())


def test_unknown_input_name_is_rejected() -> None:
    with pytest.raises(InvalidDefinitionError, match="has no input 'z'"):

        @job
        def pipeline() -> None:
            double(z=one())


class MultiplyConfig(Config):
    factor: int
    label: str = "x"


class NConfig(Config):
    n: int


def test_op_config_with_config_class_and_run_config() -> None:
    @op
    def scaled(config: MultiplyConfig, x: int) -> str:
        return f"{config.label}{x * config.factor}"

    @job
    def pipeline() -> None:
        scaled(two())

    result = pipeline.execute_in_process(run_config={"ops": {"scaled": {"config": {"factor": 5}}}})
    assert result.output_for_node("scaled") == "x10"
    result = pipeline.execute_in_process(
        run_config=RunConfig(ops={"scaled": MultiplyConfig(factor=3, label="y")})
    )
    assert result.output_for_node("scaled") == "y6"


def test_legacy_config_schema_and_op_config() -> None:
    @op(config_schema={"n": int})
    def legacy(context: OpExecutionContext) -> int:
        return int(context.op_config["n"]) + 1

    @job(config={"ops": {"legacy": {"config": {"n": 1}}}})
    def pipeline() -> None:
        legacy()

    assert pipeline.execute_in_process().output_for_node("legacy") == 2
    overridden = pipeline.execute_in_process(run_config={"ops": {"legacy": {"config": {"n": 9}}}})
    assert overridden.output_for_node("legacy") == 10


def test_scalar_config_schema() -> None:
    @op(config_schema=int)
    def scalar(context: OpExecutionContext) -> int:
        return context.op_config * 2  # type: ignore[no-any-return]

    @job
    def pipeline() -> None:
        scalar()

    result = pipeline.execute_in_process(run_config={"ops": {"scalar": {"config": 21}}})
    assert result.output_for_node("scalar") == 42


def test_config_for_ops_inside_nested_graphs() -> None:
    @op
    def configured(config: NConfig) -> int:
        return config.n

    @graph
    def inner() -> Any:
        return configured()

    @job
    def pipeline() -> None:
        double(inner())

    config = {"ops": {"inner": {"ops": {"configured": {"config": {"n": 4}}}}}}
    result = pipeline.execute_in_process(run_config=config)
    assert result.output_for_node("inner.configured") == 4
    assert result.output_for_node("double") == 8


def test_bad_op_config_names_field_and_value() -> None:
    @op
    def configured(config: NConfig) -> int:
        return config.n

    @job
    def pipeline() -> None:
        configured()

    with pytest.raises(ConfigError) as info:
        pipeline.execute_in_process(run_config={"ops": {"configured": {"config": {"n": "many"}}}})
    message = str(info.value)
    assert "configured" in message and "n" in message and "many" in message
    result = pipeline.execute_in_process(
        run_config={"ops": {"configured": {"config": {"n": "many"}}}}, raise_on_error=False
    )
    assert not result.success
    assert [e.event_type.value for e in result.all_events] == ["RUN_START", "RUN_FAILURE"]


def test_missing_required_config_is_an_error() -> None:
    @op
    def configured(config: NConfig) -> int:
        return config.n

    @job
    def pipeline() -> None:
        configured()

    with pytest.raises(ConfigError, match="n"):
        pipeline.execute_in_process()


def test_config_for_unknown_op_suggests_close_name() -> None:
    @job
    def pipeline() -> None:
        double(one())

    with pytest.raises(ConfigError, match="op 'doubel'.*Did you mean: double"):
        pipeline.execute_in_process(run_config={"ops": {"doubel": {"config": {}}}})


def test_config_for_op_without_config_is_an_error() -> None:
    @job
    def pipeline() -> None:
        one()

    with pytest.raises(ConfigError, match="takes no config"):
        pipeline.execute_in_process(run_config={"ops": {"one": {"config": {"a": 1}}}})


def test_unresolvable_config_annotation_is_a_clear_error() -> None:
    class LocalConfig(Config):
        n: int

    with pytest.raises(InvalidDefinitionError, match="cannot resolve the annotation 'LocalConfig'"):

        @op
        def configured(config: LocalConfig) -> int:
            return config.n


def test_unknown_top_level_run_config_key() -> None:
    @job
    def pipeline() -> None:
        one()

    with pytest.raises(ConfigError, match="'opz'"):
        pipeline.execute_in_process(run_config={"opz": {}})


def test_op_selection_runs_a_subset() -> None:
    @job
    def pipeline() -> None:
        one()
        two()

    result = pipeline.execute_in_process(op_selection=["two"])
    assert [e.step_key for e in result.get_step_success_events()] == ["two"]


def test_graph_cycle_is_impossible_to_build_but_checked() -> None:
    from headwater.definitions.ops.composition import NodeInvocation, OutputHandle

    invocations = {
        "a": NodeInvocation("a", double, {"x": OutputHandle("b", "result")}),
        "b": NodeInvocation("b", double, {"x": OutputHandle("a", "result")}),
    }
    with pytest.raises(CycleError, match="a -> b -> a"):
        GraphDefinition("cyclic", invocations)


def test_op_tags_and_job_tags_reach_the_context() -> None:
    seen: dict[str, Any] = {}

    @op(tags={"op_tag": "1"})
    def tagged(context: OpExecutionContext) -> None:
        seen["run_tags"] = dict(context.run_tags)
        seen["job"] = context.job_name
        seen["op_handle"] = context.op_handle

    @job(tags={"team": "data"})
    def pipeline() -> None:
        tagged()

    pipeline.execute_in_process(tags={"extra": "y"})
    assert seen["run_tags"] == {"team": "data", "extra": "y"}
    assert seen["job"] == "pipeline"
    assert seen["op_handle"] == "tagged"


def test_direct_op_call_with_inputs() -> None:
    assert add(2, 3) == 5
    assert add(x=1, y=1) == 2
    with pytest.raises(InvalidDefinitionError, match="without a value for input 'y'"):
        add(1)


def test_graph_execute_in_process_with_resources() -> None:
    @op(required_resource_keys={"base"})
    def based(context: OpExecutionContext) -> int:
        return int(context.resources.base)

    @graph
    def g() -> None:
        double(based())

    result = g.execute_in_process(resources={"base": 21})
    assert result.success
    assert result.job_name == "g"
    assert result.output_for_node("double") == 42


def test_op_output_io_manager_key_and_partitioned_op_job() -> None:
    from headwater import InMemoryIOManager, StaticPartitionsDefinition

    custom = InMemoryIOManager()
    seen: list[str] = []

    @op(out=Out(io_manager_key="custom"))
    def produce(context: OpExecutionContext) -> int:
        seen.append(context.partition_key)
        return 5

    @job(resource_defs={"custom": custom},
         partitions_def=StaticPartitionsDefinition(["a", "b"]))
    def pipeline() -> None:
        double(produce())

    result = pipeline.execute_in_process(partition_key="b")
    assert result.output_for_node("double") == 10
    assert seen == ["b"]
    assert list(custom.values.values()) == [5]
    [key] = custom.values
    assert key[1:] == ("produce", "result")


def test_unnamed_outputs_in_a_tuple_fill_outputs_in_order() -> None:
    @op(out={"a": Out(), "b": Out()})
    def pair() -> tuple[Output[int], Output[int]]:
        return Output(1, metadata={"first": True}), Output(2)

    @job
    def pipeline() -> None:
        a, b = pair()
        add(a, b)

    assert pipeline.execute_in_process().output_for_node("add") == 3


def test_config_for_unknown_op_inside_a_graph() -> None:
    @op
    def configured(config: NConfig) -> int:
        return config.n

    @graph
    def inner() -> Any:
        return configured()

    @job
    def pipeline() -> None:
        inner()

    bad = {"ops": {"inner": {"ops": {"configurd": {"config": {"n": 1}}}}}}
    with pytest.raises(ConfigError, match="op 'inner.configurd'.*Did you mean: configured"):
        pipeline.execute_in_process(run_config=bad)


def test_graph_outputs_by_node_and_job_output_value() -> None:
    @graph
    def inner(x: int) -> Any:
        return double(x)

    @graph(out={"total": GraphOut(), "base": GraphOut(description="the input")})
    def outer() -> Any:
        base = one()
        return {"total": add(inner(base), two()), "base": base}

    @job
    def pipeline() -> Any:
        total, base = outer()
        return double(total)

    result = pipeline.execute_in_process()
    assert result.output_for_node("outer.inner") == 2
    assert result.output_for_node("outer", "total") == 4
    assert result.output_for_node("outer", "base") == 1
    assert result.output_value() == 8
    with pytest.raises(NotFoundError, match="no output 'missing'"):
        result.output_value("missing")
    with pytest.raises(NotFoundError):
        result.output_for_node("outer", "nope")


def test_output_value_of_a_single_op_job() -> None:
    @job
    def single() -> None:
        two()

    assert single.execute_in_process().output_value() == 2
