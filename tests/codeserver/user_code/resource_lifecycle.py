"""Resources whose set-up and tear-down append lines to a log file named in run config.

The jobs run through a real code server and run worker; the test reads the log to see that
every resource was torn down, also when the op failed, with the in-process executor (in the
run worker) and with the multiprocess executor (in a step process).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import headwater as hw


def _log(path: str, line: str) -> None:
    with open(path, "a", encoding="utf-8") as file:
        file.write(line + "\n")


@hw.resource(config_schema={"log": hw.Field(str, description="file to append to")})
def legacy_generator(context: hw.InitResourceContext) -> Iterator[str]:
    log = context.resource_config["log"]
    _log(log, "legacy_generator:setup")
    try:
        yield "legacy"
    finally:
        _log(log, "legacy_generator:teardown")


@hw.resource(config_schema={"log": str})
@contextmanager
def legacy_context_manager(context: hw.InitResourceContext) -> Iterator[str]:
    log = context.resource_config["log"]
    _log(log, "legacy_context_manager:setup")
    try:
        yield "cm"
    finally:
        _log(log, "legacy_context_manager:teardown")


class SetupTeardown(hw.ConfigurableResource):
    log: str

    def setup_for_execution(self, context: hw.InitResourceContext) -> None:
        _log(self.log, "setup_teardown:setup")

    def teardown_after_execution(self, context: hw.InitResourceContext) -> None:
        _log(self.log, "setup_teardown:teardown")


class Yielding(hw.ConfigurableResource):
    log: str

    @contextmanager
    def yield_for_execution(self, context: hw.InitResourceContext) -> Iterator["Yielding"]:
        _log(self.log, "yielding:setup")
        try:
            yield self
        finally:
            _log(self.log, "yielding:teardown")


@hw.op(required_resource_keys={"legacy_generator", "legacy_context_manager"})
def uses_all(context: hw.OpExecutionContext, setup_teardown: SetupTeardown,
             yielding: Yielding) -> str:
    assert context.resources.legacy_generator == "legacy"
    assert context.resources.legacy_context_manager == "cm"
    _log(setup_teardown.log, "op:ran")
    return "ok"


@hw.op(required_resource_keys={"legacy_generator", "legacy_context_manager"})
def fails(context: hw.OpExecutionContext, setup_teardown: SetupTeardown,
          yielding: Yielding) -> None:
    _log(setup_teardown.log, "op:ran")
    raise RuntimeError("the op failed on purpose")


@hw.job
def succeeds_job() -> None:
    uses_all()


@hw.job
def fails_job() -> None:
    fails()


defs = hw.Definitions(
    jobs=[succeeds_job, fails_job],
    resources={
        "legacy_generator": legacy_generator,
        "legacy_context_manager": legacy_context_manager,
        "setup_teardown": SetupTeardown.configure_at_launch(),
        "yielding": Yielding.configure_at_launch(),
    },
)


def run_config(log: Path, executor: str) -> dict[str, object]:
    """Run config pointing every resource at ``log``, choosing the executor."""
    entry = {"config": {"log": str(log)}}
    keys = ("legacy_generator", "legacy_context_manager", "setup_teardown", "yielding")
    return {"resources": {key: entry for key in keys}, "execution": {executor: {}}}
