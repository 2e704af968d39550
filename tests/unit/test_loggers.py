"""Loggers: ``@logger`` / ``LoggerDefinition``, ``logger_defs`` on jobs, ``Definitions(loggers=)``,
run config ``loggers:`` validated with path-naming errors, and the built-in console loggers."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

import headwater as hw
from headwater.execution.run_loggers import LoggerInitError
from headwater.snapshot.build_jobs import BuildCache, job_snap
from headwater.workspace.run_config_check import run_config_problem


class _Collect(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__()
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


RECORDS: list[logging.LogRecord] = []
CONFIGS: list[object] = []


@pytest.fixture(autouse=True)
def _clear() -> Iterator[None]:
    RECORDS.clear()
    CONFIGS.clear()
    yield


@hw.logger(config_schema={"level": hw.Field(str, default_value="INFO"), "tag": str},
           description="Collects records.")
def collecting(init_context: hw.InitLoggerContext) -> logging.Logger:
    CONFIGS.append(init_context.logger_config)
    made = logging.Logger("collecting", init_context.logger_config["level"])
    made.addHandler(_Collect(RECORDS))
    return made


@hw.op
def talk(context: hw.OpExecutionContext) -> int:
    context.log.info("hello %s", "there")
    hw.get_dagster_logger().warning("python logger says hi")
    context.log.debug("only for debug")
    return 1


@hw.job(logger_defs={"collect": collecting})
def talking() -> None:
    talk()


def _messages() -> list[tuple[str, str]]:
    return [(r.levelname, r.getMessage()) for r in RECORDS]


def test_the_logger_decorator_with_and_without_arguments() -> None:
    @hw.logger
    def bare(init_context: hw.InitLoggerContext) -> logging.Logger:
        """A bare logger."""
        return logging.Logger("bare")

    assert isinstance(bare, hw.LoggerDefinition)
    assert bare.config_schema is None and bare.description == "A bare logger."
    assert collecting.description == "Collects records."
    assert isinstance(collecting.logger_fn(hw.InitLoggerContext({"level": "INFO"})),
                      logging.Logger)
    explicit = hw.LoggerDefinition(lambda ctx: logging.Logger("x"), description="d")
    assert explicit.description == "d" and explicit.config_schema is None


def test_direct_invocation_validates_the_config_and_fills_defaults() -> None:
    built = collecting(hw.build_init_logger_context(logger_config={"tag": "t"}))
    assert built.level == logging.INFO
    assert CONFIGS == [{"tag": "t", "level": "INFO"}]
    with pytest.raises(hw.DagsterInvalidConfigError, match="config.tag"):
        collecting(hw.build_init_logger_context(logger_config={}))


def test_a_configured_logger_receives_every_message_and_the_event_log_keeps_them() -> None:
    result = talking.execute_in_process(
        run_config={"loggers": {"collect": {"config": {"tag": "x"}}}})

    assert CONFIGS == [{"tag": "x", "level": "INFO"}]
    run = result.run_id
    assert ("INFO", f"talking - {run} - talk - hello there") in _messages()
    assert ("WARNING", f"talking - {run} - talk - python logger says hi") in _messages()
    assert not any("only for debug" in m for _, m in _messages())  # below the logger's level
    assert not any("STEP_START" in m for _, m in _messages())  # run events are DEBUG
    record = next(r for r in RECORDS if "hello there" in r.getMessage())
    meta = record.__dict__["dagster_meta"]
    assert meta["run_id"] == run and meta["step_key"] == "talk"
    assert meta["orig_message"] == "hello there" and meta["job_name"] == "talking"
    logged = [e.message for e in result.all_events if e.event_type is hw.DagsterEventType.LOG]
    assert logged == ["hello there", "python logger says hi", "only for debug"]


def test_a_debug_logger_also_receives_the_runs_own_events() -> None:
    result = talking.execute_in_process(
        run_config={"loggers": {"collect": {"config": {"tag": "x", "level": "DEBUG"}}}})
    kinds = [r.__dict__["dagster_meta"]["event_type"] for r in RECORDS]
    assert kinds[0] == "RUN_START" and kinds[-1] == "RUN_SUCCESS"
    assert "STEP_START" in kinds and "STEP_SUCCESS" in kinds
    assert (f"talking - {result.run_id} - talk - STEP_START - Started execution of step "
            "'talk'.") in [m for _, m in _messages()]
    assert ("DEBUG", f"talking - {result.run_id} - talk - only for debug") in _messages()


def test_loggers_not_named_in_run_config_are_not_built() -> None:
    talking.execute_in_process()
    assert CONFIGS == [] and RECORDS == []


@pytest.mark.parametrize(("run_config", "error", "message"), [
    ({"loggers": {"collect": {"config": {}}}}, hw.DagsterInvalidConfigError,
     "Missing required config entry at path loggers.collect.config.tag: expected String"),
    ({"loggers": {"collect": {"config": {"tag": 3}}}}, hw.DagsterInvalidConfigError,
     "Invalid value at path loggers.collect.config.tag: expected String, got 3 \\(int\\)"),
    ({"loggers": {"collect": {"config": {"tag": "x", "levle": "D"}}}},
     hw.DagsterInvalidConfigError,
     'Unexpected config entry "levle" at path loggers.collect.config.*Did you mean "level"'),
    ({"loggers": {"colect": {"config": {}}}}, hw.ConfigError,
     "logger 'loggers.colect', which job 'talking' does not have; its loggers: collect"),
    ({"loggers": {"collect": {"tag": "x"}}}, hw.ConfigError,
     "'loggers.collect' must be \\{config: ...\\}"),
    ({"loggers": ["collect"]}, hw.ConfigError, "'loggers' must be a mapping"),
])
def test_bad_logger_config_is_an_error_naming_its_path(
    run_config: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        talking.execute_in_process(run_config=run_config)
    with pytest.raises(error, match=message):
        hw.validate_run_config(talking, run_config)
    assert CONFIGS == []


def test_definitions_loggers_apply_to_jobs_that_name_none() -> None:
    @hw.asset
    def noisy(context: hw.AssetExecutionContext) -> int:
        context.log.info("asset speaking")
        return 1

    @hw.logger
    def other(init_context: hw.InitLoggerContext) -> logging.Logger:
        return logging.Logger("other")

    @hw.job(logger_defs={"other": other})
    def own() -> None:
        talk()

    @hw.job
    def plain() -> None:
        talk()

    defs = hw.Definitions(
        assets=[noisy], jobs=[own, plain, hw.define_asset_job("assets", selection=[noisy])],
        loggers={"collect": collecting},
    )
    assert set(defs.resolve_job_def("plain").loggers) == {"collect"}
    assert set(defs.resolve_job_def("own").loggers) == {"other"}
    asset_job = defs.resolve_job_def("assets")
    assert set(asset_job.loggers) == {"collect"}
    assert set(defs.get_implicit_global_asset_job_def().loggers) == {"collect"}
    asset_job.execute_in_process(run_config={"loggers": {"collect": {"config": {"tag": "a"}}}},
                                 asset_selection=["noisy"])  # a subset keeps the loggers
    assert any(m.endswith("noisy - asset speaking") for _, m in _messages())


def test_a_job_without_loggers_has_the_console_logger() -> None:
    @hw.job
    def quiet() -> None:
        talk()

    assert quiet.loggers == {"console": hw.colored_console_logger}
    assert not quiet.has_specified_loggers
    assert hw.default_loggers() == {"console": hw.colored_console_logger}
    graph_job = hw.graph(lambda: talk(), name="g").to_job(logger_defs={"collect": collecting})
    assert graph_job.loggers == {"collect": collecting}


def test_the_console_loggers_write_to_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    @hw.job(logger_defs={"console": hw.colored_console_logger, "json": hw.json_console_logger})
    def both() -> None:
        talk()

    result = both.execute_in_process(run_config={"loggers": {
        "console": {"config": {"log_level": "WARNING", "name": "mine"}},
        "json": {"config": {"log_level": "info"}},
    }})
    err = capfd.readouterr().err.splitlines()
    console = [line for line in err if not line.startswith("{")]
    assert len(console) == 1
    assert console[0].endswith(
        f" - mine - WARNING - both - {result.run_id} - talk - python logger says hi")
    records = [json.loads(line) for line in err if line.startswith("{")]
    assert [r["msg"].rsplit(" - ", 1)[-1] for r in records] == [
        "hello there", "python logger says hi"]
    assert records[0]["name"] == "headwater" and records[0]["levelname"] == "INFO"
    assert records[0]["dagster_meta"]["step_key"] == "talk"


def test_a_bad_log_level_or_a_failing_logger_fails_the_run() -> None:
    @hw.logger
    def broken(init_context: hw.InitLoggerContext) -> logging.Logger:
        raise RuntimeError("no logger today")

    @hw.logger
    def not_a_logger(init_context: hw.InitLoggerContext) -> logging.Logger:
        return "nope"  # type: ignore[return-value]

    @hw.job(logger_defs={"broken": broken, "wrong": not_a_logger,
                         "console": hw.colored_console_logger})
    def fragile() -> None:
        talk()

    with pytest.raises(LoggerInitError, match="initializing logger 'broken' of job 'fragile'"):
        fragile.execute_in_process(run_config={"loggers": {"broken": {}}})
    result = fragile.execute_in_process(run_config={"loggers": {"wrong": {}}},
                                        raise_on_error=False)
    assert not result.success
    assert "returned str; a logger function must return a logging.Logger" in (
        result.get_run_failure_event().message)
    assert not result.get_step_success_events()
    with pytest.raises(hw.ConfigError, match="'VERBOSE', which is not a logging level"):
        fragile.execute_in_process(
            run_config={"loggers": {"console": {"config": {"log_level": "VERBOSE"}}}})


def test_a_logger_under_the_python_user_logger_does_not_log_its_records_twice() -> None:
    @hw.logger
    def nested(init_context: hw.InitLoggerContext) -> logging.Logger:
        made = hw.get_dagster_logger("nested-test")
        made.addHandler(_Collect(RECORDS))
        return made

    @hw.job(logger_defs={"nested": nested})
    def looping() -> None:
        talk()

    try:
        result = looping.execute_in_process(run_config={"loggers": {"nested": {}}})
    finally:
        for handler in list(hw.get_dagster_logger("nested-test").handlers):
            hw.get_dagster_logger("nested-test").removeHandler(handler)
    logs = [e.message for e in result.all_events if e.event_type is hw.DagsterEventType.LOG]
    assert logs == ["hello there", "python logger says hi", "only for debug"]
    assert sum("hello there" in m for _, m in _messages()) == 1


def test_the_snapshot_schema_lets_the_editor_check_loggers() -> None:
    schema = job_snap(talking, BuildCache()).run_config_schema
    loggers = schema["properties"]["loggers"]
    assert set(loggers["properties"]) == {"collect"}
    config = loggers["properties"]["collect"]["properties"]["config"]
    assert config["required"] == ["tag"]
    assert config["properties"]["level"]["default"] == "INFO"
    assert run_config_problem(schema, {"loggers": {"collect": {"config": {"tag": "x"}}}}) is None
    assert "loggers.collect.config.tag" in str(
        run_config_problem(schema, {"loggers": {"collect": {"config": {}}}}))
    assert "'nope'" in str(run_config_problem(schema, {"loggers": {"nope": {}}}))


def test_something_not_a_logger_is_refused_naming_where_it_was_given() -> None:
    with pytest.raises(hw.InvalidDefinitionError, match=r"Definitions\(loggers=...\) has 'x'"):
        hw.Definitions(jobs=[talking], loggers={"x": object()}).get_repository_def()
    with pytest.raises(hw.InvalidDefinitionError, match="Job 'bad' has logger 'x'"):
        hw.job(name="bad", logger_defs={"x": "console"})(lambda: talk())  # type: ignore[dict-item]
