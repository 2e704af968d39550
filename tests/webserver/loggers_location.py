"""A location whose jobs log to a configured file logger, a multiprocess job with executor
config, and a job whose graph has a config mapping (tests/webserver/test_run_loggers_api.py)."""

from __future__ import annotations

import logging
from pathlib import Path

import headwater as hw


class _FileLines(logging.Handler):
    """Appends ``LEVEL|message`` lines to a file (one open per line: step processes share it)."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = Path(path)

    def emit(self, record: logging.LogRecord) -> None:
        with self.path.open("a") as file:
            file.write(f"{record.levelname}|{record.getMessage()}\n")


@hw.logger(config_schema={"path": str, "level": hw.Field(str, default_value="INFO")},
           description="Writes each message to the file at path.")
def file_logger(init_context: hw.InitLoggerContext) -> logging.Logger:
    config = init_context.logger_config
    made = logging.Logger(f"file-{init_context.run_id}", config["level"])
    made.addHandler(_FileLines(config["path"]))
    return made


@hw.op
def chatty(context: hw.OpExecutionContext) -> int:
    context.log.info("hello from chatty")
    hw.get_dagster_logger().warning("a warning through the python logger")
    return 1


@hw.op
def quiet(context: hw.OpExecutionContext, value: int) -> int:
    context.log.debug("a debug line")
    return value + 1


@hw.job(logger_defs={"file": file_logger}, executor_def=hw.multiprocess_executor)
def logged_job() -> None:
    quiet(chatty())


@hw.asset
def logged_asset(context: hw.AssetExecutionContext) -> int:
    context.log.info("hello from the asset")
    return 2


@hw.op(config_schema={"n": int})
def inner(context: hw.OpExecutionContext) -> int:
    context.log.info(f"inner got {context.op_config['n']}")
    return int(context.op_config["n"])


@hw.config_mapping(config_schema={"x": int})
def double_x(outer: dict[str, int]) -> dict[str, object]:
    return {"inner": {"config": {"n": outer["x"] * 2}}}


@hw.graph(config=double_x)
def doubled() -> int:
    return inner()


@hw.job
def mapped_job() -> None:
    doubled()


defs = hw.Definitions(
    assets=[logged_asset],
    jobs=[logged_job, mapped_job, hw.define_asset_job("asset_job", selection=[logged_asset])],
    loggers={"file": file_logger},
)
