"""The op and graph model run in process: graph-backed assets, dynamic outputs, hooks, types,
graphs built from dependencies, op selection and Dagster's exception names."""

from __future__ import annotations

from typing import Any

import pytest

import headwater as hw
from headwater import (
    AssetKey,
    AssetOut,
    AssetsDefinition,
    DagsterType,
    Definitions,
    DependencyDefinition,
    DynamicOut,
    DynamicOutput,
    GraphDefinition,
    In,
    InputMapping,
    MultiDependencyDefinition,
    NodeInvocation,
    Nothing,
    Out,
    Output,
    OutputMapping,
    PythonObjectDagsterType,
    TypeCheck,
    asset,
    build_hook_context,
    check_dagster_type,
    define_asset_job,
    failure_hook,
    graph,
    graph_asset,
    graph_multi_asset,
    job,
    make_python_type_usable_as_dagster_type,
    materialize,
    op,
    success_hook,
    usable_as_dagster_type,
)
from headwater.execution.results import ExecuteInProcessResult


def _started(result: ExecuteInProcessResult) -> list[str]:
    return [e.step_key or "" for e in result.all_events if e.event_type.value == "STEP_START"]


def _of(result: ExecuteInProcessResult, kind: str) -> list[Any]:
    return [e for e in result.all_events if e.event_type.value == kind]


# 1. Graph-backed assets --------------------------------------------------------------------


@asset
def raw() -> int:
    return 5


@op
def plus_one(value: int) -> int:
    return value + 1


@op
def times_ten(value: int) -> int:
    return value * 10


@graph_asset
def refined(raw):
    return times_ten(plus_one(raw))


@asset
def report(refined: int) -> str:
    return f"report {refined}"


@op(out={"small": Out(), "large": Out()})
def spread(value: int) -> tuple[int, int]:
    return value, value * 100


@graph_multi_asset(outs={"small": AssetOut(), "large": AssetOut(group_name="big")},
                   can_subset=True)
def sized(raw):
    small, large = spread(raw)
    return {"small": small, "large": plus_one(large)}


def test_graph_asset_runs_each_op_as_a_step_and_materializes_from_the_last() -> None:
    result = materialize([raw, refined, report, sized])

    assert _started(result)[0] == "raw" and set(_started(result)) == {
        "raw", "refined.plus_one", "refined.times_ten", "report", "sized.spread",
        "sized.plus_one"}
    assert result.asset_value("refined") == 60
    assert result.asset_value("report") == "report 60"
    assert (result.asset_value("small"), result.asset_value("large")) == (5, 501)
    materialized = {(e.step_key, tuple(e.data.asset_key))
                    for e in _of(result, "ASSET_MATERIALIZATION")}
    assert ("refined.times_ten", ("refined",)) in materialized
    assert ("sized.plus_one", ("large",)) in materialized


def test_subsetting_a_graph_multi_asset_runs_only_the_needed_ops() -> None:
    result = materialize([raw, sized], selection=["raw", "small"])
    assert _started(result) == ["raw", "sized.spread"]


def test_graph_asset_public_attributes() -> None:
    assert refined.key == AssetKey("refined") and refined.keys == {AssetKey("refined")}
    assert isinstance(refined.node_def, GraphDefinition)
    assert refined.input_names == ["raw"]
    assert refined.keys_by_input_name == {"raw": AssetKey("raw")}
    assert refined.keys_by_output_name == {"result": AssetKey("refined")}
    assert refined.dependency_keys == {AssetKey("raw")}
    assert [spec.key for spec in refined.specs] == [AssetKey("refined")]
    assert sized.group_names_by_key[AssetKey("large")] == "big"
    assert sized.subset_for({AssetKey("small")}).selected_keys == {AssetKey("small")}
    with pytest.raises(hw.DagsterInvariantViolationError, match="node_def"):
        refined.op  # noqa: B018 - the property raises for graph-backed assets


def test_from_graph_from_op_and_the_constructor() -> None:
    @graph
    def scale(raw):
        return times_ten(raw)

    from_graph = AssetsDefinition.from_graph(
        scale, keys_by_output_name={"result": AssetKey(["scaled", "value"])}, group_name="g")
    from_op = AssetsDefinition.from_op(
        plus_one, keys_by_input_name={"value": AssetKey("raw")},
        keys_by_output_name={"result": AssetKey("bumped")})
    built = AssetsDefinition(keys_by_input_name={"value": AssetKey("raw")},
                             keys_by_output_name={"result": AssetKey("built")},
                             node_def=times_ten)

    assert from_graph.group_name == "g" and from_op.op is plus_one and built.key.path == ["built"]
    result = materialize([raw, from_graph, from_op, built])
    assert result.asset_value(["scaled", "value"]) == 50
    assert (result.asset_value("bumped"), result.asset_value("built")) == (6, 50)


def test_graph_asset_hook_on_an_asset_job() -> None:
    seen: list[str] = []

    @success_hook
    def record(context: hw.HookContext) -> None:
        seen.append(context.step_key)

    defs = Definitions(assets=[raw, refined],
                       jobs=[define_asset_job("refine", selection="*", hooks={record})])
    assert defs.get_job_def("refine").execute_in_process().success
    assert sorted(seen) == ["raw", "refined.plus_one", "refined.times_ten"]


# 2. Dynamic outputs ------------------------------------------------------------------------


@op(out=DynamicOut())
def letters():
    for letter in ["c", "a", "b"]:
        yield DynamicOutput(letter, mapping_key=letter)


@op
def upper(letter: str) -> str:
    return letter.upper()


@op
def pair(letter: str, suffix: str) -> str:
    return letter + suffix


@op
def suffix() -> str:
    return "!"


@op
def gather(items: list) -> list:
    return items


def test_map_chained_with_a_second_input_then_collect_in_yield_order() -> None:
    @job
    def chained():
        end = suffix()
        gather(letters().map(lambda x: pair(upper(x), end)).collect())

    result = chained.execute_in_process()

    assert result.output_for_node("gather") == ["C!", "A!", "B!"]
    assert result.output_for_node("upper") == {"c": "C", "a": "A", "b": "B"}
    assert result.output_for_node("letters") == {"c": "c", "a": "a", "b": "b"}
    assert {"upper[c]", "pair[c]", "upper[a]"} <= set(_started(result))
    assert [e.data.mapping_key for e in _of(result, "STEP_OUTPUT") if e.step_key == "letters"] \
        == ["c", "a", "b"]


def test_mapping_key_and_context_of_a_mapped_step() -> None:
    keys: list[str | None] = []

    @op
    def note(context: hw.OpExecutionContext, letter: str) -> None:
        keys.append(context.get_mapping_key())

    @job
    def noted():
        letters().map(note)

    assert noted.execute_in_process().success
    assert keys == ["c", "a", "b"]


def test_no_dynamic_outputs_collects_an_empty_list() -> None:
    @op(out=DynamicOut())
    def nothing_yielded():
        return
        yield

    @job
    def empty():
        gather(nothing_yielded().map(upper).collect())

    result = empty.execute_in_process()
    assert result.output_for_node("gather") == []


def test_dynamic_output_mistakes_are_clear() -> None:
    with pytest.raises(hw.DagsterInvalidDefinitionError, match="not a valid mapping key"):
        DynamicOutput(1, mapping_key="a-b")
    with pytest.raises(hw.DagsterInvalidDefinitionError, match=r"\.map\(fn\)"):
        @job
        def direct():
            upper(letters())

    @op(out=DynamicOut())
    def repeats():
        yield DynamicOutput(1, "same")
        yield DynamicOutput(2, "same")

    @job
    def twice():
        repeats()

    with pytest.raises(hw.HeadwaterError, match="mapping key 'same' twice"):
        twice.execute_in_process()


# 3. Hooks ----------------------------------------------------------------------------------


def test_job_and_op_hooks_and_a_raising_hook_is_only_an_event() -> None:
    calls: list[tuple[str, str]] = []

    @success_hook
    def on_success(context: hw.HookContext) -> None:
        calls.append(("success", context.step_key))

    @failure_hook(required_resource_keys={"pager"})
    def on_failure(context: hw.HookContext) -> None:
        calls.append((context.resources.pager, repr(context.op_exception)))

    @success_hook
    def broken(context: hw.HookContext) -> None:
        raise RuntimeError("hook broke")

    @op
    def ok() -> int:
        return 1

    @op
    def boom(value: int) -> int:
        raise ValueError("boom")

    @job(hooks={on_success, on_failure}, resource_defs={"pager": "PAGER"})
    def hooked():
        boom(ok.with_hooks({broken})())

    result = hooked.execute_in_process(raise_on_error=False)

    assert calls == [("success", "ok"), ("PAGER", "ValueError('boom')")]
    [errored] = _of(result, "HOOK_ERRORED")
    assert errored.step_key == "ok" and "hook broke" in errored.message
    assert [e.step_key for e in _of(result, "STEP_FAILURE")] == ["boom"]


def test_hooks_called_directly_and_as_decorators() -> None:
    @success_hook
    def direct(context: hw.HookContext) -> str:
        return f"{context.job_name}:{context.resources.token}"

    assert direct(build_hook_context(resources={"token": "t"})) == "__ephemeral__:t"

    @op
    def solo() -> int:
        return 1

    @direct
    @job
    def decorated():
        solo()

    assert decorated.hooks == (direct,)
    with pytest.raises(hw.DagsterInvalidInvocationError):
        direct(42)


# 4. Types ----------------------------------------------------------------------------------

Positive = DagsterType(
    lambda _, value: TypeCheck(value > 0, description=f"{value} is not positive",
                               metadata={"value": value}),
    name="Positive",
)


def test_output_and_input_type_checks_fail_the_step_naming_them() -> None:
    @op(out=Out(Positive))
    def negative() -> int:
        return -1

    @job
    def bad_output():
        negative()

    with pytest.raises(hw.DagsterTypeCheckDidNotPass,
                       match='step output "result" - expected type "Positive"'):
        bad_output.execute_in_process()

    @op
    def zero() -> int:
        return 0

    @op(ins={"value": In(Positive)})
    def consume(value: int) -> int:
        return value

    @job
    def bad_input():
        consume(zero())

    result = bad_input.execute_in_process(raise_on_error=False)
    [failure] = _of(result, "STEP_FAILURE")
    assert failure.step_key == "consume" and 'step input "value"' in failure.message
    [checked] = _of(result, "STEP_INPUT")
    assert checked.data.success is False and checked.data.description == "0 is not positive"


class Frame:
    """A class checked through make_python_type_usable_as_dagster_type."""


def test_annotations_python_object_types_and_check_dagster_type() -> None:
    make_python_type_usable_as_dagster_type(Frame, PythonObjectDagsterType(Frame))

    @usable_as_dagster_type(name="Tagged")
    class Tagged:
        pass

    assert check_dagster_type(Positive, 3).success
    assert not check_dagster_type(Positive, -3).success
    assert not check_dagster_type(int, "3").success
    assert not check_dagster_type(Frame, 3).success
    assert check_dagster_type(Tagged, Tagged()).success

    @op
    def wrong() -> Frame:
        return 3  # type: ignore[return-value]

    @job
    def annotated():
        wrong()

    result = annotated.execute_in_process(raise_on_error=False)
    [failure] = _of(result, "STEP_FAILURE")
    assert "Frame" in failure.message


def test_optional_outputs_skip_downstream_and_nothing_orders() -> None:
    @op(out={"taken": Out(is_required=False), "missed": Out(is_required=False)})
    def maybe():
        yield Output(1, "taken")

    @op
    def use(value: int) -> int:
        return value

    @op(ins={"after": In(Nothing)})
    def last() -> str:
        return "done"

    @job
    def optional():
        taken, missed = maybe()
        use.alias("use_taken")(taken)
        last(after=use.alias("use_missed")(missed))

    result = optional.execute_in_process()
    assert result.output_for_node("use_taken") == 1
    assert {e.step_key for e in _of(result, "STEP_SKIPPED")} == {"use_missed", "last"}


# 5. Older graph construction and op selection ----------------------------------------------


@op
def one() -> int:
    return 1


@op
def add(left: int, right: int) -> int:
    return left + right


@op
def total(values: list) -> int:
    return sum(values)


def test_graph_definition_from_dependencies_with_alias_and_fan_in() -> None:
    legacy = GraphDefinition(
        name="legacy",
        node_defs=[one, add, total],
        dependencies={
            "one": {},
            NodeInvocation("one", alias="other_one", tags={"kind": "alias"}): {},
            "add": {"left": DependencyDefinition("one"),
                    "right": DependencyDefinition("other_one")},
            "total": {"values": MultiDependencyDefinition(
                [DependencyDefinition("add"), DependencyDefinition("one")])},
        },
        output_mappings=[OutputMapping("sum", "total")],
    )
    result = legacy.to_job().execute_in_process()
    assert result.output_value("sum") == 3 and result.output_for_node("other_one") == 1


def test_input_mappings_and_nested_graphs() -> None:
    doubled = GraphDefinition(
        name="doubled", node_defs=[add],
        input_mappings=[InputMapping("x", "add", "left"), InputMapping("x", "add", "right")],
        output_mappings=[OutputMapping("result", "add")],
    )
    outer = GraphDefinition(name="outer", node_defs=[one, doubled],
                            dependencies={"doubled": {"x": DependencyDefinition("one")}})
    assert outer.to_job().execute_in_process().output_for_node("doubled") == 2


def test_dependency_mistakes_name_the_node() -> None:
    with pytest.raises(hw.DagsterInvalidDefinitionError, match="node 'missing'"):
        GraphDefinition(name="bad", node_defs=[add],
                        dependencies={"add": {"left": DependencyDefinition("missing")}})
    with pytest.raises(hw.DagsterInvalidDefinitionError, match="no input 'nope'"):
        GraphDefinition(name="bad", node_defs=[one, add],
                        dependencies={"add": {"nope": DependencyDefinition("one")}})


@op
def a_op() -> int:
    return 1


@op
def b_op(value: int) -> int:
    return value + 1


@op
def c_op(value: int) -> int:
    return value + 1


@op
def d_op(value: int) -> int:
    return value + 1


@job
def chain():
    d_op(c_op(b_op(a_op())))


@pytest.mark.parametrize(("selection", "steps"), [
    ("*c_op", ["a_op", "b_op", "c_op"]),
    ("+c_op", ["b_op", "c_op"]),
    ("++d_op", ["b_op", "c_op", "d_op"]),
    ("a_op+", ["a_op", "b_op"]),
    ("a_op*", ["a_op", "b_op", "c_op", "d_op"]),
    (["a_op", "d_op"], ["a_op", "d_op"]),
])
def test_op_selection_patterns(selection: Any, steps: list[str]) -> None:
    result = chain.execute_in_process(op_selection=selection, raise_on_error=False)
    ran = set(_started(result)) | {e.step_key for e in _of(result, "STEP_SKIPPED")}
    assert ran == set(steps)


def test_unknown_op_selection_is_an_invalid_subset() -> None:
    with pytest.raises(hw.DagsterInvalidSubsetError, match="'zz'"):
        chain.execute_in_process(op_selection="zz")


def test_direct_invocation_errors_are_invalid_invocations() -> None:
    assert add(1, right=2) == 3
    with pytest.raises(hw.DagsterInvalidInvocationError, match="input 'right'"):
        add(1)


# 6. Dagster's exception names --------------------------------------------------------------


def test_dagster_exception_names_catch_what_headwater_raises() -> None:
    from headwater.errors import DefinitionError, HeadwaterError

    assert hw.DagsterError is HeadwaterError
    assert hw.DagsterInvalidDefinitionError is DefinitionError
    with pytest.raises(hw.DagsterInvalidDefinitionError):
        @asset(name="not a name")
        def bad() -> None: ...
    with pytest.raises(hw.DagsterError):
        materialize([raw], partition_key="p")
    partitions = hw.StaticPartitionsDefinition(["a"])
    with pytest.raises(hw.DagsterUnknownPartitionError):
        partitions.validate_partition_key("zz")

    @op(required_resource_keys={"missing"})
    def needs() -> None: ...

    @job
    def needy():
        needs()

    with pytest.raises(hw.DagsterUnknownResourceError):
        needy.execute_in_process()
    with pytest.raises(hw.DagsterStepOutputNotFoundError):
        chain.execute_in_process().output_for_node("a_op", "nope")
    assert issubclass(hw.DagsterExecutionInterruptedError, BaseException)
    assert not issubclass(hw.DagsterExecutionInterruptedError, Exception)
    assert issubclass(hw.DagsterResourceFunctionError, hw.DagsterUserCodeExecutionError)
