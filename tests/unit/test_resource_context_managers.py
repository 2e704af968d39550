"""``@resource`` on a ``@contextmanager`` function: entered for the run, exited at its end."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from headwater import (
    InitResourceContext,
    build_op_context,
    build_resources,
    job,
    op,
    resource,
)

events: list[str] = []


@resource
@contextmanager
def managed(context: InitResourceContext) -> Iterator[str]:
    events.append("enter")
    try:
        yield "value"
    finally:
        events.append("exit")


@op(required_resource_keys={"managed"})
def reads(context) -> str:  # type: ignore[no-untyped-def]
    events.append(f"op saw {context.resources.managed}")
    return str(context.resources.managed)


@op(required_resource_keys={"managed"})
def breaks(context) -> None:  # type: ignore[no-untyped-def]
    raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def _clear() -> None:
    events.clear()


def test_a_context_manager_resource_is_entered_and_exited_in_a_run() -> None:
    @job(resource_defs={"managed": managed})
    def ok() -> None:
        reads()

    assert ok.execute_in_process().output_for_node("reads") == "value"
    assert events == ["enter", "op saw value", "exit"]


def test_it_is_exited_when_the_op_fails() -> None:
    @job(resource_defs={"managed": managed})
    def failing() -> None:
        breaks()

    result = failing.execute_in_process(raise_on_error=False)
    assert not result.success
    assert events == ["enter", "exit"]


def test_build_resources_and_build_op_context_enter_and_exit_it() -> None:
    with build_resources({"managed": managed}) as resources:
        assert resources.managed == "value"
        assert events == ["enter"]
    assert events == ["enter", "exit"]
    events.clear()
    with build_op_context(resources={"managed": managed}) as context:
        assert reads(context) == "value"
    assert events == ["enter", "op saw value", "exit"]

