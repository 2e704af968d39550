"""Executor config schemas: the built-ins' keys (Dagster's and headwater's forms) validated
under ``execution`` with path-naming errors in ``execute_in_process`` and
``validate_run_config``; ``@executor``; and the snapshot's schemas of ``execution`` and of a
mapped graph's config."""

from __future__ import annotations

import os
from typing import Any

import pytest

import headwater as hw
from headwater.execution.executor_config import TagConcurrencyLimit, resolve_executor
from headwater.snapshot.build_jobs import BuildCache, job_snap
from headwater.workspace.run_config_check import run_config_problem


@hw.op
def one() -> int:
    return 1


@hw.job(executor_def=hw.multiprocess_executor)
def parallel() -> None:
    one()


@hw.job
def serial() -> None:
    one()


def test_dagster_forms_of_multiprocess_config_are_accepted() -> None:
    settings = resolve_executor(parallel, {"execution": {"config": {
        "max_concurrent": 3,
        "start_method": {"forkserver": {"preload_modules": ["os"]}},
        "retries": {"disabled": {}},
        "tag_concurrency_limits": [
            {"key": "db", "limit": 1},
            {"key": "team", "value": {"applyLimitPerUniqueValue": True}, "limit": 2},
        ],
    }}})
    assert settings.max_concurrent == 3 and settings.start_method == "spawn"
    assert not settings.retries_enabled
    assert settings.tag_concurrency_limits == (
        TagConcurrencyLimit("db", 1), TagConcurrencyLimit("team", 2, None, True))
    spawned = resolve_executor(parallel, {"execution": {"config": {"start_method": {"spawn": {}}}}})
    assert spawned.start_method == "spawn"
    default = resolve_executor(parallel, None)
    assert default.max_concurrent == (os.cpu_count() or 1) and default.retries_enabled


@pytest.mark.parametrize(("job", "run_config", "message"), [
    (parallel, {"execution": {"config": {"max_concurrent": "2"}}},
     "at path execution.config.max_concurrent: expected Int, got '2'"),
    (parallel, {"execution": {"config": {"retries": {"off": {}}}}},
     'Unexpected config entry "off" at path execution.config.retries'),
    (parallel, {"execution": {"config": {"tag_concurrency_limits": [{"key": "db"}]}}},
     r"Missing required config entry at path execution.config.tag_concurrency_limits\[0\].limit"),
    (serial, {"execution": {"config": {"max_concurrent": 2}}},
     'Unexpected config entry "max_concurrent" at path execution.config'),
    (serial, {"execution": {"multiprocess": {"config": {"max_concurrent": "x"}}}},
     "at path execution.multiprocess.config.max_concurrent"),
])
def test_bad_executor_config_fails_naming_its_path(
    job: hw.JobDefinition, run_config: dict[str, Any], message: str
) -> None:
    with pytest.raises(hw.DagsterInvalidConfigError, match=message):
        job.execute_in_process(run_config=run_config)
    with pytest.raises(hw.DagsterInvalidConfigError, match=message):
        hw.validate_run_config(job, run_config)


def test_execute_in_process_accepts_the_jobs_executor_config_and_runs_in_process() -> None:
    result = parallel.execute_in_process(run_config={"execution": {"config": {
        "max_concurrent": 2}}})
    assert result.success and result.output_for_node("one") == 1


def test_retries_disabled_in_process() -> None:
    calls: list[int] = []

    @hw.op(retry_policy=hw.RetryPolicy(max_retries=3))
    def fails() -> None:
        calls.append(1)
        raise RuntimeError("nope")

    @hw.job
    def retried() -> None:
        fails()

    result = retried.execute_in_process(
        run_config={"execution": {"config": {"retries": {"disabled": {}}}}}, raise_on_error=False)
    assert not result.success and calls == [1]
    calls.clear()
    retried.execute_in_process(raise_on_error=False)
    assert calls == [1, 1, 1, 1]


def test_the_executor_decorator() -> None:
    @hw.executor(name="mine", config_schema={"workers": hw.Field(int, default_value=2)})
    def mine(init_context: hw.InitExecutorContext) -> object:
        """My executor."""
        raise AssertionError("only run workers build executors")

    assert isinstance(mine, hw.ExecutorDefinition)
    assert mine.name == "mine" and mine.description == "My executor."
    assert mine.resolved_config_schema() == {"workers": mine.config_schema["workers"]}

    @hw.job(executor_def=mine)
    def custom() -> None:
        one()

    settings = resolve_executor(custom, {"execution": {"mine": {"config": {}}}})
    assert settings.name == "mine" and dict(settings.options) == {"workers": 2}
    assert settings.definition is mine
    with pytest.raises(hw.DagsterInvalidConfigError, match="execution.config.workers"):
        resolve_executor(custom, {"execution": {"config": {"workers": "many"}}})
    # execute_in_process runs in this process whatever the executor, as Dagster's does.
    assert custom.execute_in_process(run_config={"execution": {"config": {"workers": 4}}}).success

    @hw.executor
    def bare(init_context: hw.InitExecutorContext) -> object:
        raise AssertionError

    assert bare.name == "bare" and bare.config_schema is None


def test_the_snapshot_schema_of_execution() -> None:
    schema = job_snap(parallel, BuildCache()).run_config_schema
    execution = schema["properties"]["execution"]
    config = execution["properties"]["config"]
    assert set(config["properties"]) == {
        "max_concurrent", "start_method", "retries", "tag_concurrency_limits"}
    assert config["properties"]["retries"]["default"] == {"enabled": {}}
    assert set(execution["properties"]) == {"config", "in_process", "multiprocess", "celery"}
    assert run_config_problem(schema, {"execution": {"config": {"max_concurrent": 2}}}) is None
    problem = run_config_problem(schema, {"execution": {"config": {"max_concurent": 2}}})
    assert problem is not None and 'Did you mean "max_concurrent"' in problem
    assert "'dask'" in str(run_config_problem(schema, {"execution": {"dask": {}}}))


@hw.op(config_schema={"n": int})
def inner(context: hw.OpExecutionContext) -> int:
    return int(context.op_config["n"])


@hw.op(config_schema={"m": int})
def plain(context: hw.OpExecutionContext) -> int:
    return int(context.op_config["m"])


@hw.config_mapping(config_schema={"x": int, "y": hw.Field(int, default_value=1)})
def to_inner(outer: dict[str, int]) -> dict[str, Any]:
    return {"inner": {"config": {"n": outer["x"] + outer["y"]}}}


@hw.graph(config=to_inner)
def mapped() -> int:
    return inner()


@hw.graph
def wrapper() -> int:
    return mapped()


@hw.job
def nested_mapped() -> None:
    wrapper()
    plain()


def test_the_snapshot_schema_of_a_mapped_graph_is_its_outer_config() -> None:
    schema = job_snap(nested_mapped, BuildCache()).run_config_schema
    ops = schema["properties"]["ops"]
    assert ops["required"] == ["plain", "wrapper"]
    wrapped = ops["properties"]["wrapper"]
    assert wrapped["required"] == ["ops"]
    node = wrapped["properties"]["ops"]["properties"]["mapped"]
    assert set(node["properties"]) == {"config"} and node["required"] == ["config"]
    assert node["properties"]["config"]["required"] == ["x"]
    assert node["properties"]["config"]["properties"]["y"]["default"] == 1

    good = {"ops": {"wrapper": {"ops": {"mapped": {"config": {"x": 2}}}},
                    "plain": {"config": {"m": 1}}}}
    assert run_config_problem(schema, good) is None
    result = nested_mapped.execute_in_process(run_config=good)
    assert result.output_for_node("wrapper.mapped.inner") == 3
    inner_form = {"ops": {"wrapper": {"ops": {"mapped": {"ops": {"inner": {"config": {"n": 1}}}}}},
                          "plain": {"config": {"m": 1}}}}
    assert "'ops.wrapper.ops.mapped' has 'ops'" in str(run_config_problem(schema, inner_form))
    missing = {"ops": {"plain": {"config": {"m": 1}}}}
    assert "'ops.wrapper' is required" in str(run_config_problem(schema, missing))
    typo = {"ops": {"wrapper": {"ops": {"mapped": {"config": {"z": 2}}}},
                    "plain": {"config": {"m": 1}}}}
    assert 'Unexpected config entry "z" at path ops.wrapper.ops.mapped.config' in str(
        run_config_problem(schema, typo))
