"""A ``@contextmanager`` resource used by an op and its success hook: entered once before the
op runs and exited after the hook, each noted in ``$HW_RUNS_TEST_DIR/resource.log``."""

import os
from contextlib import contextmanager
from pathlib import Path

from headwater import Definitions, job, op, resource, success_hook

LOG = Path(os.environ.get("HW_RUNS_TEST_DIR", ".")) / "resource.log"


def note(line: str) -> None:
    with LOG.open("a") as file:
        file.write(line + "\n")


@resource
@contextmanager
def session(_context):
    note("open")
    yield "session"
    note("closed")


@success_hook(required_resource_keys={"session"})
def after(context):
    note(f"hook saw {context.resources.session}")


@op(required_resource_keys={"session"})
def work(context) -> str:
    note(f"op saw {context.resources.session}")
    return context.resources.session


@job(resource_defs={"session": session}, hooks={after})
def hooked():
    work()


defs = Definitions(jobs=[hooked])
